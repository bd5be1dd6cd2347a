// The table grid webview: one page of one table. Headers, cells, the range and selection are
// drawn by gridCore.js (shared with the query results). Every value comes from a database and is
// untrusted: the DOM is built with createElement + textContent only, never innerHTML. Full values
// stay in the extension; this script asks for them (detail pane, copy, open in editor) by row and
// column index on the page.
// @ts-check
(function () {
  // Both ends of the protocol are type-checked (npm run typecheck, media/tsconfig.json).
  /** @typedef {import('../src/extension/tableGrid/gridProtocol').HostMessage} HostMessage */
  /** @typedef {import('../src/extension/tableGrid/gridProtocol').WebviewMessage} WebviewMessage */
  /** @typedef {Extract<HostMessage, {type: 'page'}>} PageMessage */

  /** @type {{postMessage(message: WebviewMessage): void}} */
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const G = window.GridCore;
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const grid = /** @type {HTMLTableElement} */ ($('grid'));
  const wrap = $('grid-wrap');
  const message = $('message');
  const detail = $('detail');
  const detailText = $('detail-text');
  const detailTitle = $('detail-title');
  const prettyBtn = /** @type {HTMLButtonElement} */ ($('pretty'));
  const nf = G.nf;

  /** @type {PageMessage | null} */
  let page = null;
  let pretty = false;

  /** @param {WebviewMessage} msg */
  function send(msg) {
    vscode.postMessage(msg);
  }

  const selection = G.cellSelection(grid, {
    onSelect: (cell) => {
      pretty = false;
      send({ type: 'detail', row: cell.row, col: cell.col, pretty: false });
    },
    onCopy: (cell) => send({ type: 'copyCell', row: cell.row, col: cell.col }),
    onOpen: (cell) => send({ type: 'openValue', row: cell.row, col: cell.col }),
    onEscape: () => (detail.hidden = true),
  });

  G.wirePager((move) => send({ type: 'page', move }));
  // Reveal / Hide applies to the whole session (every grid, result and export): the extension decides.
  $('secrets').addEventListener('click', () => send({ type: 'secrets', reveal: !(page && page.secretsRevealed) }));
  $('copy-cell').addEventListener('click', () => selection.selected && send({ type: 'copyCell', row: selection.selected.row, col: selection.selected.col }));
  $('copy-row').addEventListener('click', () => selection.selected && send({ type: 'copyRow', row: selection.selected.row }));
  $('open-value').addEventListener('click', () => selection.selected && send({ type: 'openValue', row: selection.selected.row, col: selection.selected.col }));
  $('close-detail').addEventListener('click', () => {
    detail.hidden = true;
    selection.select(null);
  });
  prettyBtn.addEventListener('click', () => {
    pretty = !pretty;
    const s = selection.selected;
    if (s) send({ type: 'detail', row: s.row, col: s.col, pretty });
  });

  /** @param {PageMessage} p */
  function renderPage(p) {
    page = p;
    selection.clear();
    detail.hidden = true;
    document.body.classList.remove('busy');
    $('title').textContent = p.title;
    $('source').textContent = p.source;
    G.showRange({ offset: p.offset, count: p.rows.length, total: p.total, hasPrev: p.hasPrev, hasNext: p.hasNext });
    $('range').title = `read in ${p.ms} ms`;
    G.showSecretsButton(!!p.secretsRevealed, '');
    G.renderGrid(grid, p);
    message.classList.remove('error');
    message.textContent = p.rows.length ? '' : 'This table has no rows.';
    wrap.scrollTop = 0;
  }

  window.addEventListener('message', (event) => {
    const m = /** @type {HostMessage} */ (event.data);
    if (!m || typeof m !== 'object') return;
    if (m.type === 'page') renderPage(m);
    else if (m.type === 'loading') {
      document.body.classList.add('busy');
      $('title').textContent = m.title;
    } else if (m.type === 'error') {
      document.body.classList.remove('busy');
      grid.replaceChildren();
      message.textContent = m.message;
      message.classList.add('error');
    } else if (m.type === 'detail') {
      const s = selection.selected;
      if (!s || s.row !== m.row || s.col !== m.col || !page) return;
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
