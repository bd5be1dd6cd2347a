// The query results webview: one page of one result set (sortable by clicking a column header;
// the extension sorts the whole loaded result, then pages it), or of two side by side (container |
// host) with differing rows marked and totals per side. Headers, cells, the range and selection
// are drawn by gridCore.js, as in the table grid. Every value comes from a database and is
// untrusted: the DOM is built with createElement + textContent only. Full values stay in the
// extension; cells are addressed by their position in the whole (sorted or filtered) view.
// @ts-check
(function () {
  // Both ends of the protocol are type-checked (npm run typecheck, media/tsconfig.json).
  /** @typedef {import('../src/extension/queries/resultsProtocol').ResultsHostMessage} HostMessage */
  /** @typedef {import('../src/extension/queries/resultsProtocol').ResultsWebviewMessage} WebviewMessage */
  /** @typedef {import('../src/extension/queries/resultsProtocol').ResultSort} ResultSort */
  /** @typedef {import('../src/extension/queries/resultsProtocol').SideSummary} SideSummary */
  /** @typedef {import('../src/extension/tableGrid/gridProtocol').Cell} Cell */
  /** @typedef {Extract<HostMessage, {type: 'result'}>} ResultMessage */
  /** @typedef {Extract<HostMessage, {type: 'compare'}>} CompareMessage */

  /** @type {{postMessage(message: WebviewMessage): void}} */
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const G = window.GridCore;
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const grid = /** @type {HTMLTableElement} */ ($('grid'));
  const wrap = $('grid-wrap');
  const message = $('message');
  const onlyDiff = /** @type {HTMLInputElement} */ ($('only-diff'));
  const el = G.el;
  const nf = G.nf;
  const STATUS = { same: '=', changed: '≠', onlyA: '◀', onlyB: '▶' };

  /** @type {ResultMessage | CompareMessage | null} */
  let shown = null;
  /** The sort asked for and not yet shown: a second click before the page arrives goes on from it. */
  /** @type {ResultSort | null | undefined} */
  let asked;

  const send = (/** @type {WebviewMessage} */ msg) => vscode.postMessage(msg);
  const busy = () => document.body.classList.add('busy');
  /** A cell on the page → its position in the whole view. */
  const at = (/** @type {{row: number, col: number, side: 'a' | 'b'}} */ cell) => ({ row: (shown ? shown.offset : 0) + cell.row, col: cell.col, side: cell.side });

  const selection = G.cellSelection(grid, {
    onCopy: (cell) => send({ type: 'copyCell', ...at(cell) }),
    onOpen: (cell) => send({ type: 'openValue', ...at(cell) }),
  });

  G.wirePager((move) => send({ type: 'page', move }));
  $('load-more').addEventListener('click', () => {
    busy();
    send({ type: 'loadMore' });
  });
  $('rerun').addEventListener('click', () => send({ type: 'rerun' }));
  // Reveal / Hide applies to the whole session (grids, results, exports): the extension decides.
  $('secrets').addEventListener('click', () => send({ type: 'secrets', reveal: !(shown && shown.secretsRevealed) }));
  for (const format of /** @type {const} */ (['csv', 'json', 'markdown'])) $(`export-${format}`).addEventListener('click', () => send({ type: 'export', format }));
  onlyDiff.addEventListener('change', () => {
    busy();
    send({ type: 'filter', onlyDiff: onlyDiff.checked });
  });

  // A header click sorts the whole loaded result: ascending, descending, then as the query returned it.
  grid.addEventListener('click', (e) => {
    const th = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest('th[data-sort]'));
    if (!th || !shown || shown.type !== 'result') return;
    const col = Number(th.dataset.sort);
    const s = asked !== undefined ? asked : shown.sort;
    asked = !s || s.col !== col ? { col, dir: 1 } : s.dir === 1 ? { col, dir: -1 } : null;
    busy();
    send({ type: 'sort', sort: asked });
  });

  /**
   * A total as shown: at most 6 decimals; the exact value in the tooltip.
   * @param {string | null} s
   */
  function totalText(s) {
    if (s === null) return '';
    const n = Number(s);
    return /[.eE]/.test(s) && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 6, useGrouping: false }) : s;
  }

  /**
   * The toolbar and the lines under it, for a result or a comparison.
   * @param {ResultMessage | CompareMessage} m
   */
  function header(m) {
    document.body.classList.remove('busy');
    $('title').textContent = m.title;
    $('source').textContent = (m.type === 'result' && m.source) || '';
    $('params').textContent = m.params ? `Parameters: ${m.params}` : '';
    const notice = $('notice');
    notice.hidden = !m.notice;
    notice.textContent = m.notice || '';
    message.textContent = '';
    message.classList.remove('error');
    G.showSecretsButton(!!m.secretsRevealed, ' here and in exports');
    // One page holds everything: no pager, the status says how many rows.
    $('pager').hidden = !m.hasPrev && !m.hasNext;
    const count = m.type === 'result' ? m.rows.length : m.pairs.length;
    G.showRange({ offset: m.offset, count, total: m.total, hasPrev: m.hasPrev, hasNext: m.hasNext });
    selection.clear();
  }

  /** @param {ResultMessage} m */
  function renderResult(m) {
    shown = m;
    if (asked !== undefined && JSON.stringify(asked) === JSON.stringify(m.sort)) asked = undefined;
    header(m);
    $('summary').hidden = true;
    $('only-diff-label').hidden = true;
    $('load-more').hidden = !m.truncated;
    $('status').textContent = `${m.truncated ? `first ${nf.format(m.total)} rows (limit reached)` : `${nf.format(m.total)} row${m.total === 1 ? '' : 's'}`} · ${m.ms} ms`;
    grid.className = 'grid results';
    G.renderGrid(grid, {
      ...m,
      header: (th, c) => {
        th.dataset.sort = String(c);
        if (m.sort && m.sort.col === c) th.setAttribute('aria-sort', m.sort.dir === 1 ? 'ascending' : 'descending');
        th.title += m.sort && m.sort.col === c ? (m.sort.dir === 1 ? ' — sorted ascending: click for descending' : ' — sorted descending: click for the original order') : ' — click to sort';
      },
    });
    if (!m.total) message.textContent = m.columns.length ? 'No rows.' : 'The statement ran and returned no result set.';
  }

  /** @param {CompareMessage} m */
  function renderCompare(m) {
    shown = m;
    header(m);
    $('source').textContent = `${m.a.label}  ⇄  ${m.b.label}`;
    $('only-diff-label').hidden = false;
    onlyDiff.checked = !!m.onlyDiff;
    $('load-more').hidden = !(m.a.truncated || m.b.truncated);
    const c = m.counts;
    const differ = c.changed + c.onlyA + c.onlyB;
    $('status').textContent = `${m.ms} ms`;
    const summary = $('summary');
    summary.hidden = false;
    summary.replaceChildren(
      el('span', differ ? 'badge differ' : 'badge same', differ ? `${nf.format(differ)} row${differ === 1 ? '' : 's'} differ` : 'identical results'),
      el('span', '', ` · ${nf.format(c.changed)} changed · ${nf.format(c.onlyA)} only in ${m.a.label} · ${nf.format(c.onlyB)} only in ${m.b.label} · ${nf.format(c.same)} same · paired by ${m.pairedBy === 'firstColumn' ? `${m.a.columns[0]}` : 'position'}`),
    );
    grid.replaceChildren();
    grid.className = 'grid results compare';
    const thead = el('thead');
    const top = el('tr', 'sides');
    top.appendChild(el('th', 'rownum', ''));
    const ha = el('th', 'side side-a', `${m.a.label} · ${nf.format(m.a.rows)} rows${m.a.truncated ? ' (limit)' : ''}`);
    ha.colSpan = Math.max(1, m.a.columns.length);
    const hb = el('th', 'side side-b', `${m.b.label} · ${nf.format(m.b.rows)} rows${m.b.truncated ? ' (limit)' : ''}`);
    hb.colSpan = Math.max(1, m.b.columns.length);
    top.append(ha, el('th', 'gutter', ''), hb);
    const names = el('tr', 'names');
    names.appendChild(el('th', 'rownum', '#'));
    const heads = (/** @type {SideSummary} */ side, /** @type {string} */ cls) => side.columns.forEach((n, i) => names.appendChild(G.headerCell({ name: n, type: side.types[i] }, { secret: side.secret[i], revealed: m.secretsRevealed, cls })));
    heads(m.a, 'col-a');
    names.appendChild(el('th', 'gutter', ''));
    heads(m.b, 'col-b');
    thead.append(top, names);
    const tbody = el('tbody');
    /**
     * @param {HTMLElement} tr
     * @param {Cell[] | undefined} row
     * @param {'a' | 'b'} side
     * @param {string[]} cols
     * @param {number[]} changed
     * @param {number} r
     */
    const cells = (tr, row, side, cols, changed, r) => {
      cols.forEach((_, i) => {
        const cls = side === 'a' ? 'col-a' : 'col-b';
        if (!row) return tr.appendChild(el('td', `${cls} missing`));
        const td = G.dataCell(row[i], r, i, side, cls);
        if (changed.includes(i)) td.classList.add('diff');
        tr.appendChild(td);
      });
    };
    m.pairs.forEach((p, r) => {
      const tr = el('tr', `pair ${p.s}`);
      tr.appendChild(el('td', 'rownum', nf.format(p.n)));
      cells(tr, p.a, 'a', m.a.columns, p.ca, r);
      const g = el('td', 'gutter', STATUS[p.s]);
      g.title = { same: 'same on both sides', changed: 'values differ', onlyA: `only in ${m.a.label}`, onlyB: `only in ${m.b.label}` }[p.s];
      tr.appendChild(g);
      cells(tr, p.b, 'b', m.b.columns, p.cb, r);
      tbody.appendChild(tr);
    });
    // Totals are of each whole side, whatever page is shown.
    const tfoot = el('tfoot');
    const tr = el('tr', 'totals');
    tr.appendChild(el('td', 'rownum', 'Σ'));
    const sums = (/** @type {SideSummary} */ side) =>
      side.sums.forEach((s, i) => {
        const td = el('td', s === null ? 'total' : 'total num', i === 0 && s === null ? `${nf.format(side.rows)} rows` : totalText(s));
        if (s !== null) td.title = `total of ${side.columns[i]}: ${s}`;
        tr.appendChild(td);
      });
    sums(m.a);
    tr.appendChild(el('td', 'gutter', ''));
    sums(m.b);
    tfoot.appendChild(tr);
    grid.append(thead, tbody, tfoot);
    if (!m.pairs.length) message.textContent = m.onlyDiff && m.counts.same ? 'No row differs.' : 'No rows on either side.';
  }

  window.addEventListener('message', (event) => {
    const m = /** @type {HostMessage} */ (event.data);
    if (!m || typeof m !== 'object') return;
    if (m.type === 'result') renderResult(m);
    else if (m.type === 'compare') renderCompare(m);
    else if (m.type === 'running') {
      asked = undefined;
      busy();
      $('title').textContent = m.title;
      $('source').textContent = m.source;
      $('status').textContent = 'running…';
    } else if (m.type === 'error') {
      shown = null;
      asked = undefined;
      selection.clear();
      document.body.classList.remove('busy');
      $('title').textContent = m.title;
      $('source').textContent = m.source;
      $('status').textContent = '';
      $('summary').hidden = true;
      $('notice').hidden = true;
      $('load-more').hidden = true;
      $('pager').hidden = true;
      grid.replaceChildren();
      message.textContent = m.message;
      message.classList.add('error');
    }
    wrap.scrollTop = 0;
  });

  send({ type: 'ready' });
})();
