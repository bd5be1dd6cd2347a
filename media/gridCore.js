// The grid both webviews draw: the table grid (tableGrid.js) and the query results (results.js).
// How a column header, a cell and a page range look, and how a cell is selected and copied, live
// here once. Every value comes from a database and is untrusted: elements are made with
// createElement and filled with textContent only, never innerHTML. Cells arrive as display cells
// (src/extension/tableGrid/cellView.ts); full values stay in the extension.
// Loaded before the page's own script (webviewPage `libraries`), it defines window.GridCore (a
// global `var`, so that the page scripts' type check knows its functions: media/tsconfig.json).
// @ts-check
var GridCore = (function () {
  /** @typedef {import('../src/extension/tableGrid/gridProtocol').Cell} Cell */
  /** @typedef {import('../src/extension/tableGrid/gridProtocol').GridColumn} GridColumn */
  /**
   * A cell by its row on the page, its column and its side (`a` when there is one result).
   * @typedef {{row: number, col: number, side: 'a' | 'b'}} CellAt
   */

  const nf = new Intl.NumberFormat('en-US');

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string} [cls]
   * @param {string} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /**
   * One cell's content: NULL as a badge, numbers right-aligned, long text cut with "… N chars",
   * BLOBs as their size, JSON text marked.
   * @param {HTMLElement} td
   * @param {Cell} cell
   */
  function cellContent(td, cell) {
    switch (cell.k) {
      case 'null':
        td.classList.add('null');
        td.appendChild(el('span', 'null-badge', 'NULL'));
        break;
      case 'int':
      case 'real':
        td.classList.add('num');
        td.textContent = cell.v;
        break;
      case 'blob':
        td.classList.add('blob');
        td.appendChild(el('span', 'blob-badge', `BLOB ${cell.sizeLabel}`));
        break;
      default:
        td.classList.add('text');
        if (cell.json) td.classList.add('json');
        td.appendChild(el('span', 'value', cell.v));
        if (cell.more > 0) td.appendChild(el('span', 'more', `… ${nf.format(cell.more)} chars`));
    }
  }

  /**
   * A body cell addressed by its row on this page, its column and (side by side) its side.
   * @param {Cell} cell
   * @param {number} row
   * @param {number} col
   * @param {'a' | 'b'} [side]
   * @param {string} [cls]
   */
  function dataCell(cell, row, col, side, cls) {
    const td = el('td', cls);
    td.dataset.row = String(row);
    td.dataset.col = String(col);
    if (side) td.dataset.side = side;
    cellContent(td, cell);
    return td;
  }

  /**
   * A column header: the name, then its badges (type, PK, NOT NULL, SECRET) on a second line.
   * @param {{name: string, type?: string, pk?: boolean, notNull?: boolean}} col
   * @param {{secret?: boolean, revealed?: boolean, cls?: string}} [opts]
   */
  function headerCell(col, opts = {}) {
    const th = el('th', opts.cls);
    th.appendChild(el('span', 'col-name', col.name));
    const badges = [col.type || 'ANY'];
    if (col.pk) badges.push('PK');
    if (col.notNull) badges.push('NOT NULL');
    if (opts.secret) badges.push(opts.revealed ? 'SECRET (shown)' : 'SECRET');
    th.appendChild(el('span', 'col-type', badges.join(' · ')));
    th.title = `${col.name} ${badges.join(' ')}`;
    return th;
  }

  /**
   * The one-table grid: a '#' column, then every column; rows numbered from `offset + 1`.
   * @param {HTMLTableElement} table
   * @param {{columns: GridColumn[], rows: Cell[][], offset: number, secretColumns?: boolean[], secretsRevealed?: boolean,
   *   header?: (th: HTMLElement, col: number) => void}} p
   */
  function renderGrid(table, p) {
    table.replaceChildren();
    const thead = el('thead');
    const hr = el('tr');
    hr.appendChild(el('th', 'rownum', '#'));
    p.columns.forEach((c, i) => {
      const th = headerCell(c, { secret: !!(p.secretColumns && p.secretColumns[i]), revealed: p.secretsRevealed });
      if (p.header) p.header(th, i);
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    const tbody = el('tbody');
    p.rows.forEach((row, r) => {
      const tr = el('tr');
      tr.appendChild(el('td', 'rownum', nf.format(p.offset + r + 1)));
      row.forEach((cell, c) => tr.appendChild(dataCell(cell, r, c)));
      tbody.appendChild(tr);
    });
    table.append(thead, tbody);
  }

  /**
   * "rows 101–200 of 1,234" (or "no rows"), and the First / Prev / Next / Last buttons enabled to match.
   * @param {{offset: number, count: number, total: number, hasPrev: boolean, hasNext: boolean}} p
   */
  function showRange(p) {
    const from = p.count ? p.offset + 1 : 0;
    const to = p.offset + p.count;
    const range = document.getElementById('range');
    if (range) range.textContent = p.total === 0 ? 'no rows' : `rows ${nf.format(from)}–${nf.format(to)} of ${nf.format(p.total)}`;
    for (const [id, enabled] of [['first', p.hasPrev], ['prev', p.hasPrev], ['next', p.hasNext], ['last', p.hasNext]]) {
      const b = /** @type {HTMLButtonElement | null} */ (document.getElementById(/** @type {string} */ (id)));
      if (b) b.disabled = !enabled;
    }
  }

  /**
   * The pager buttons (#first, #prev, #next, #last): a click disables them until the next page arrives.
   * @param {(move: 'first' | 'prev' | 'next' | 'last') => void} onMove
   */
  function wirePager(onMove) {
    const ids = /** @type {const} */ (['first', 'prev', 'next', 'last']);
    for (const move of ids) {
      const b = /** @type {HTMLButtonElement | null} */ (document.getElementById(move));
      if (!b) continue;
      b.addEventListener('click', () => {
        document.body.classList.add('busy');
        for (const id of ids) /** @type {HTMLButtonElement} */ (document.getElementById(id)).disabled = true;
        onMove(move);
      });
    }
  }

  /**
   * The Reveal / Hide Secrets button's text for the session's state.
   * @param {boolean} revealed
   * @param {string} where
   */
  function showSecretsButton(revealed, where) {
    const b = document.getElementById('secrets');
    if (!b) return;
    b.textContent = revealed ? 'Hide Secrets' : 'Reveal Secrets';
    b.title = revealed ? `Secret values are shown as they are${where}: mask them again` : `Secret values (passwords, API keys, tokens) are masked${where}: reveal them for this session`;
    b.classList.toggle('revealed', revealed);
  }

  /**
   * Cell selection in a grid: a click selects, the arrow keys move, Ctrl/Cmd+C copies the whole
   * value (through the extension), a double click opens it. A cell is {row, col, side}.
   * @param {HTMLTableElement} table
   * @param {{onSelect?: (cell: CellAt) => void, onCopy: (cell: CellAt) => void, onOpen: (cell: CellAt) => void, onEscape?: () => void}} handlers
   */
  function cellSelection(table, handlers) {
    /** @type {CellAt | null} */
    let selected = null;
    /** @param {Element | null} td */
    const cellOf = (td) => {
      const d = td && /** @type {HTMLElement} */ (td).dataset;
      // data-side is only ever set to 'a' or 'b' (dataCell's `side`).
      return d && d.row !== undefined ? { row: Number(d.row), col: Number(d.col), side: /** @type {'a' | 'b'} */ (d.side || 'a') } : null;
    };
    /** @param {CellAt} c */
    const find = (c) => table.querySelector(`td[data-row="${c.row}"][data-col="${c.col}"]${c.side && table.querySelector('td[data-side]') ? `[data-side="${c.side}"]` : ''}`);

    /** @param {CellAt | null} cell */
    function select(cell) {
      for (const e of table.querySelectorAll('td.selected, tr.selected')) e.classList.remove('selected');
      selected = cell;
      if (!cell) return;
      const td = find(cell);
      if (td) {
        td.classList.add('selected');
        if (td.parentElement) td.parentElement.classList.add('selected');
        td.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
      if (handlers.onSelect) handlers.onSelect(cell);
    }

    table.addEventListener('click', (e) => {
      const cell = cellOf(/** @type {HTMLElement} */ (e.target).closest('td[data-row]'));
      if (cell) select(cell);
    });
    table.addEventListener('dblclick', (e) => {
      const cell = cellOf(/** @type {HTMLElement} */ (e.target).closest('td[data-row]'));
      if (cell) handlers.onOpen(cell);
    });
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'c' && selected && !String(window.getSelection() || '')) {
        e.preventDefault();
        handlers.onCopy(selected);
      } else if (e.key === 'Escape' && selected) {
        select(null);
        if (handlers.onEscape) handlers.onEscape();
      } else if (selected && ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(e.key)) {
        e.preventDefault();
        const dr = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
        const dc = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        // Side by side, a row can lack a side: step over it to the next row that has the cell.
        const rows = table.querySelectorAll('tbody tr').length;
        for (let step = 1; step <= rows; step++) {
          const next = { row: selected.row + dr * step, col: selected.col + dc * step, side: selected.side };
          if (next.row < 0 || next.col < 0 || next.row >= rows) break;
          if (find(next)) {
            select(next);
            break;
          }
          if (dr === 0) break;
        }
      }
    });

    return {
      select,
      get selected() {
        return selected;
      },
      /** Forget the selection (a new page was drawn). */
      clear() {
        selected = null;
      },
    };
  }

  return { nf, el, cellContent, dataCell, headerCell, renderGrid, showRange, wirePager, showSecretsButton, cellSelection };
})();
