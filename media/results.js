// The query results webview: one result set (sortable by clicking a column header), or two side
// by side (container | host) with differing rows marked and totals per side. Every value comes
// from a database and is untrusted: the DOM is built with createElement + textContent only.
// Cells use the table grid's display format; full values stay in the extension.
// @ts-check
(function () {
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const grid = /** @type {HTMLTableElement} */ ($('grid'));
  const wrap = $('grid-wrap');
  const message = $('message');
  const onlyDiff = /** @type {HTMLInputElement} */ ($('only-diff'));
  const nf = new Intl.NumberFormat('en-US');
  const STATUS = { same: '=', changed: '≠', onlyA: '◀', onlyB: '▶' };

  /** @type {any} */
  let shown = null;
  /** @type {{col: number, dir: 1 | -1} | null} */
  let sort = null;
  /** @type {{row: number, col: number, side: 'a' | 'b'} | null} */
  let selected = null;

  const send = (msg) => vscode.postMessage(msg);

  $('load-more').addEventListener('click', () => {
    document.body.classList.add('busy');
    send({ type: 'loadMore' });
  });
  $('rerun').addEventListener('click', () => send({ type: 'rerun' }));
  // Reveal / Hide applies to the whole session (grids, results, exports): the extension decides.
  $('secrets').addEventListener('click', () => send({ type: 'secrets', reveal: !(shown && shown.secretsRevealed) }));
  for (const format of ['csv', 'json', 'markdown']) $(`export-${format}`).addEventListener('click', () => send({ type: 'export', format }));
  onlyDiff.addEventListener('change', () => shown && shown.type === 'compare' && renderCompare(shown));

  grid.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const th = target.closest('th[data-sort]');
    if (th && shown && shown.type === 'result') {
      const col = Number(/** @type {HTMLElement} */ (th).dataset.sort);
      sort = !sort || sort.col !== col ? { col, dir: 1 } : sort.dir === 1 ? { col, dir: -1 } : null;
      renderResult(shown);
      return;
    }
    const td = target.closest('td[data-row]');
    if (td) select(/** @type {HTMLElement} */ (td));
  });
  grid.addEventListener('dblclick', (e) => {
    const td = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest('td[data-row]'));
    if (td) send({ type: 'openValue', row: Number(td.dataset.row), col: Number(td.dataset.col), side: td.dataset.side || 'a' });
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'c' && selected && !String(window.getSelection() || '')) {
      e.preventDefault();
      send({ type: 'copyCell', ...selected });
    }
  });

  /** @param {HTMLElement} td */
  function select(td) {
    for (const el of grid.querySelectorAll('td.selected')) el.classList.remove('selected');
    td.classList.add('selected');
    selected = { row: Number(td.dataset.row), col: Number(td.dataset.col), side: /** @type {'a' | 'b'} */ (td.dataset.side || 'a') };
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function formatSize(n) {
    if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
    if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
    return `${n} B`;
  }

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
      default:
        td.classList.add('text');
        if (cell.json) td.classList.add('json');
        td.appendChild(el('span', 'value', cell.v));
        if (cell.more > 0) td.appendChild(el('span', 'more', `… ${nf.format(cell.more)} chars`));
    }
  }

  /** SQLite's order of types: NULL, numbers, text, BLOB. */
  function compareCells(x, y) {
    const rank = (c) => (c.k === 'null' ? 0 : c.k === 'int' || c.k === 'real' ? 1 : c.k === 'text' ? 2 : 3);
    const d = rank(x) - rank(y);
    if (d !== 0) return d;
    if (x.k === 'int' || x.k === 'real') return Number(x.v) - Number(y.v);
    if (x.k === 'text') return x.v < y.v ? -1 : x.v > y.v ? 1 : 0;
    if (x.k === 'blob') return x.size - y.size;
    return 0;
  }

  /** A total as shown: at most 6 decimals; the exact value in the tooltip. */
  function totalText(s) {
    if (s === null) return '';
    const n = Number(s);
    return /[.eE]/.test(s) && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 6, useGrouping: false }) : s;
  }

  function header(m) {
    document.body.classList.remove('busy');
    $('title').textContent = m.title;
    $('source').textContent = m.source || '';
    $('params').textContent = m.params ? `Parameters: ${m.params}` : '';
    const notice = $('notice');
    notice.hidden = !m.notice;
    notice.textContent = m.notice || '';
    message.textContent = '';
    message.classList.remove('error');
    const secretsBtn = $('secrets');
    secretsBtn.textContent = m.secretsRevealed ? 'Hide Secrets' : 'Reveal Secrets';
    secretsBtn.title = m.secretsRevealed
      ? 'Secret values are shown as they are, here and in exports: mask them again'
      : 'Secret values (passwords, API keys, tokens) are masked here and in exports: reveal them for this session';
  }

  function renderResult(m) {
    shown = m;
    header(m);
    $('summary').hidden = true;
    $('only-diff-label').hidden = true;
    $('load-more').hidden = !m.truncated;
    $('status').textContent = `${m.truncated ? `first ${nf.format(m.rows.length)} rows (limit reached)` : `${nf.format(m.rows.length)} row${m.rows.length === 1 ? '' : 's'}`} · ${m.ms} ms`;
    const order = m.rows.map((_, i) => i);
    if (sort && sort.col < m.columns.length) {
      const { col, dir } = sort;
      order.sort((i, j) => dir * compareCells(m.rows[i][col], m.rows[j][col]) || i - j);
    }
    grid.replaceChildren();
    grid.className = 'grid results';
    const thead = el('thead');
    const hr = el('tr');
    hr.appendChild(el('th', 'rownum', '#'));
    m.columns.forEach((name, c) => {
      const th = el('th', 'sortable');
      th.dataset.sort = String(c);
      th.title = `${name}: click to sort`;
      th.appendChild(el('span', 'col-name', name + (sort && sort.col === c ? (sort.dir === 1 ? ' ▲' : ' ▼') : '')));
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    const tbody = el('tbody');
    for (const r of order) {
      const tr = el('tr');
      tr.appendChild(el('td', 'rownum', nf.format(r + 1)));
      m.rows[r].forEach((cell, c) => {
        const td = el('td');
        td.dataset.row = String(r);
        td.dataset.col = String(c);
        td.dataset.side = 'a';
        cellContent(td, cell);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    }
    grid.append(thead, tbody);
    if (!m.rows.length) message.textContent = m.columns.length ? 'No rows.' : 'The statement ran and returned no result set.';
  }

  function renderCompare(m) {
    shown = m;
    header(m);
    $('source').textContent = `${m.a.label}  ⇄  ${m.b.label}`;
    $('only-diff-label').hidden = false;
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
    for (const n of m.a.columns) names.appendChild(Object.assign(el('th', 'col-a'), { title: n })).appendChild(el('span', 'col-name', n));
    names.appendChild(el('th', 'gutter', ''));
    for (const n of m.b.columns) names.appendChild(Object.assign(el('th', 'col-b'), { title: n })).appendChild(el('span', 'col-name', n));
    thead.append(top, names);
    const tbody = el('tbody');
    const cells = (tr, row, side, cols, changed, r) => {
      cols.forEach((_, i) => {
        const td = el('td', side === 'a' ? 'col-a' : 'col-b');
        if (row) {
          td.dataset.row = String(r);
          td.dataset.col = String(i);
          td.dataset.side = side;
          cellContent(td, row[i]);
          if (changed.includes(i)) td.classList.add('diff');
        } else td.classList.add('missing');
        tr.appendChild(td);
      });
    };
    m.pairs.forEach((p, r) => {
      if (onlyDiff.checked && p.s === 'same') return;
      const tr = el('tr', `pair ${p.s}`);
      tr.appendChild(el('td', 'rownum', nf.format(r + 1)));
      cells(tr, p.a, 'a', m.a.columns, p.ca, r);
      const g = el('td', 'gutter', STATUS[p.s]);
      g.title = { same: 'same on both sides', changed: 'values differ', onlyA: `only in ${m.a.label}`, onlyB: `only in ${m.b.label}` }[p.s];
      tr.appendChild(g);
      cells(tr, p.b, 'b', m.b.columns, p.cb, r);
      tbody.appendChild(tr);
    });
    const tfoot = el('tfoot');
    const tr = el('tr', 'totals');
    tr.appendChild(el('td', 'rownum', 'Σ'));
    const sums = (side) =>
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
    if (!m.pairs.length) message.textContent = 'No rows on either side.';
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    selected = null;
    if (m.type === 'result') {
      if (!shown || shown.title !== m.title || !sort || sort.col >= m.columns.length) sort = null;
      renderResult(m);
    } else if (m.type === 'compare') renderCompare(m);
    else if (m.type === 'running') {
      document.body.classList.add('busy');
      $('title').textContent = m.title;
      $('source').textContent = m.source;
      $('status').textContent = 'running…';
    } else if (m.type === 'error') {
      shown = null;
      document.body.classList.remove('busy');
      $('title').textContent = m.title;
      $('source').textContent = m.source;
      $('status').textContent = '';
      $('summary').hidden = true;
      $('notice').hidden = true;
      $('load-more').hidden = true;
      grid.replaceChildren();
      message.textContent = m.message;
      message.classList.add('error');
    }
    wrap.scrollTop = 0;
  });

  send({ type: 'ready' });
})();
