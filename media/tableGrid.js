// The table grid webview. Every value comes from a database and is untrusted: the DOM is built
// with createElement + textContent only, never innerHTML. Full values stay in the extension;
// this script asks for them (detail pane, copy, open in editor) by row and column index.
// @ts-check
(function () {
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const grid = /** @type {HTMLTableElement} */ ($('grid'));
  const wrap = $('grid-wrap');
  const message = $('message');
  const detail = $('detail');
  const detailText = $('detail-text');
  const detailTitle = $('detail-title');
  const prettyBtn = /** @type {HTMLButtonElement} */ ($('pretty'));
  const nf = new Intl.NumberFormat('en-US');

  /** @type {any} */
  let page = null;
  /** @type {{row: number, col: number} | null} */
  let selected = null;
  let pretty = false;

  function send(msg) {
    vscode.postMessage(msg);
  }

  for (const move of ['first', 'prev', 'next', 'last']) {
    $(move).addEventListener('click', () => {
      setBusy(true);
      send({ type: 'page', move });
    });
  }
  // Reveal / Hide applies to the whole session (every grid, result and export): the extension decides.
  $('secrets').addEventListener('click', () => send({ type: 'secrets', reveal: !(page && page.secretsRevealed) }));
  $('copy-cell').addEventListener('click', () => selected && send({ type: 'copyCell', row: selected.row, col: selected.col }));
  $('copy-row').addEventListener('click', () => selected && send({ type: 'copyRow', row: selected.row }));
  $('open-value').addEventListener('click', () => selected && send({ type: 'openValue', row: selected.row, col: selected.col }));
  $('close-detail').addEventListener('click', () => {
    detail.hidden = true;
    select(null);
  });
  prettyBtn.addEventListener('click', () => {
    pretty = !pretty;
    if (selected) send({ type: 'detail', row: selected.row, col: selected.col, pretty });
  });

  grid.addEventListener('click', (e) => {
    const td = /** @type {HTMLElement} */ (e.target).closest('td');
    if (!td || td.dataset.row === undefined) return;
    select({ row: Number(td.dataset.row), col: Number(td.dataset.col) });
  });
  grid.addEventListener('dblclick', (e) => {
    const td = /** @type {HTMLElement} */ (e.target).closest('td');
    if (!td || td.dataset.row === undefined) return;
    send({ type: 'openValue', row: Number(td.dataset.row), col: Number(td.dataset.col) });
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'c' && selected && !String(window.getSelection() || '')) {
      e.preventDefault();
      send({ type: 'copyCell', row: selected.row, col: selected.col });
    } else if (e.key === 'Escape' && !detail.hidden) {
      detail.hidden = true;
      select(null);
    } else if (selected && page && ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(e.key)) {
      e.preventDefault();
      const dr = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      const dc = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      const row = Math.min(page.rows.length - 1, Math.max(0, selected.row + dr));
      const col = Math.min(page.columns.length - 1, Math.max(0, selected.col + dc));
      select({ row, col });
    }
  });

  /** @param {{row: number, col: number} | null} cell */
  function select(cell) {
    for (const el of grid.querySelectorAll('td.selected, tr.selected')) el.classList.remove('selected');
    selected = cell;
    if (!cell) return;
    const td = grid.querySelector(`td[data-row="${cell.row}"][data-col="${cell.col}"]`);
    if (td) {
      td.classList.add('selected');
      td.parentElement && td.parentElement.classList.add('selected');
      td.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    pretty = false;
    send({ type: 'detail', row: cell.row, col: cell.col, pretty: false });
  }

  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
    for (const id of ['first', 'prev', 'next', 'last']) {
      const b = /** @type {HTMLButtonElement} */ ($(id));
      if (busy) b.disabled = true;
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** One cell's content: NULL as a badge, numbers right-aligned, long text and BLOBs summarised. */
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
        td.appendChild(el('span', 'blob-badge', `BLOB ${formatSize(cell.size)}`));
        break;
      default: {
        td.classList.add('text');
        if (cell.json) td.classList.add('json');
        td.appendChild(el('span', 'value', cell.v));
        if (cell.more > 0) td.appendChild(el('span', 'more', `… ${nf.format(cell.more)} chars`));
      }
    }
  }

  function formatSize(n) {
    if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
    if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
    return `${n} B`;
  }

  function renderPage(p) {
    page = p;
    selected = null;
    detail.hidden = true;
    $('title').textContent = p.title;
    $('source').textContent = p.source;
    const from = p.rows.length ? p.offset + 1 : 0;
    const to = p.offset + p.rows.length;
    $('range').textContent = p.total === 0 ? 'no rows' : `rows ${nf.format(from)}–${nf.format(to)} of ${nf.format(p.total)}`;
    $('range').title = `read in ${p.ms} ms`;
    /** @type {HTMLButtonElement} */ ($('first')).disabled = !p.hasPrev;
    /** @type {HTMLButtonElement} */ ($('prev')).disabled = !p.hasPrev;
    /** @type {HTMLButtonElement} */ ($('next')).disabled = !p.hasNext;
    /** @type {HTMLButtonElement} */ ($('last')).disabled = !p.hasNext;
    document.body.classList.remove('busy');
    const secretsBtn = $('secrets');
    secretsBtn.textContent = p.secretsRevealed ? 'Hide Secrets' : 'Reveal Secrets';
    secretsBtn.title = p.secretsRevealed
      ? 'Secret values are shown as they are: mask them again'
      : 'Secret values (passwords, API keys, tokens) are masked: reveal them for this session';
    secretsBtn.classList.toggle('revealed', !!p.secretsRevealed);

    grid.replaceChildren();
    const thead = el('thead');
    const hr = el('tr');
    hr.appendChild(el('th', 'rownum', '#'));
    p.columns.forEach((c, i) => {
      const th = el('th');
      th.appendChild(el('span', 'col-name', c.name));
      const badges = [c.type || 'ANY'];
      if (c.pk) badges.push('PK');
      if (c.notNull) badges.push('NOT NULL');
      if (p.secretColumns && p.secretColumns[i]) badges.push(p.secretsRevealed ? 'SECRET (shown)' : 'SECRET');
      th.appendChild(el('span', 'col-type', badges.join(' · ')));
      th.title = `${c.name} ${badges.join(' ')}`;
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    const tbody = el('tbody');
    p.rows.forEach((row, r) => {
      const tr = el('tr');
      tr.appendChild(el('td', 'rownum', nf.format(p.offset + r + 1)));
      row.forEach((cell, c) => {
        const td = el('td');
        td.dataset.row = String(r);
        td.dataset.col = String(c);
        cellContent(td, cell);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    grid.appendChild(thead);
    grid.appendChild(tbody);
    message.textContent = p.rows.length ? '' : 'This table has no rows.';
    wrap.scrollTop = 0;
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'page') renderPage(m);
    else if (m.type === 'loading') {
      setBusy(true);
      $('title').textContent = m.title;
    } else if (m.type === 'error') {
      document.body.classList.remove('busy');
      grid.replaceChildren();
      message.textContent = m.message;
      message.classList.add('error');
    } else if (m.type === 'detail') {
      if (!selected || selected.row !== m.row || selected.col !== m.col || !page) return;
      detail.hidden = false;
      const col = page.columns[m.col];
      detailTitle.textContent = `${col ? col.name : ''} · row ${nf.format(page.offset + m.row + 1)}${m.more > 0 ? ` · first ${nf.format(m.text.length)} chars shown, ${nf.format(m.more)} more: Open in Editor` : ''}`;
      detailText.textContent = m.text;
      prettyBtn.hidden = !m.json;
      prettyBtn.textContent = m.pretty ? 'Show Raw' : 'Format JSON';
    }
  });

  send({ type: 'ready' });
})();
