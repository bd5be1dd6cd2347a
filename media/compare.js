// The compare webview: one table's rows only on the host (left), only in the container (right),
// and changed (both sides, changed cells marked). Every value comes from a database and is
// untrusted: the DOM is built with createElement + textContent only, never innerHTML.
// @ts-check
(function () {
  // Both ends of the protocol are type-checked (npm run typecheck, media/tsconfig.json).
  /** @typedef {import('../src/extension/divergence/compareProtocol').HostMessage} HostMessage */
  /** @typedef {import('../src/extension/divergence/compareProtocol').WebviewMessage} WebviewMessage */
  /** @typedef {import('../src/extension/divergence/compareProtocol').CompareKind} CompareKind */
  /** @typedef {import('../src/extension/tableGrid/gridProtocol').Cell} Cell */
  /** @typedef {Extract<HostMessage, {type: 'init'}>} InitMessage */
  /** @typedef {Extract<HostMessage, {type: 'rows'}>} RowsMessage */

  /** @type {{postMessage(message: WebviewMessage): void}} */
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const nf = new Intl.NumberFormat('en-US');
  const left = $('left');
  const right = $('right');
  const message = $('message');
  const tableSelect = /** @type {HTMLSelectElement} */ ($('table'));
  /** @type {Record<CompareKind, string>} */
  const HOST_LABELS = { deleted: 'Only on host', inserted: 'Only in container', updated: 'Changed' };
  // The change view (changes/changesPanel.ts) sends its own words; the compare view none.
  const labels = () => init?.words?.tabs ?? HOST_LABELS;
  /** @type {Record<CompareKind, string>} */
  const SIGNS = { deleted: '−', inserted: '+', updated: '~' };
  /** @type {readonly CompareKind[]} */
  const KINDS = ['deleted', 'inserted', 'updated'];

  /** @type {InitMessage | null} */
  let init = null;

  const send = (/** @type {WebviewMessage} */ msg) => vscode.postMessage(msg);

  for (const kind of KINDS) {
    $(`tab-${kind}`).addEventListener('click', () => {
      if (!init || init.kind === kind) return;
      init.kind = kind;
      renderTabs(init);
      setBusy(true);
      send({ type: 'kind', kind });
    });
  }
  for (const move of /** @type {const} */ (['first', 'prev', 'next'])) {
    $(move).addEventListener('click', () => {
      setBusy(true);
      send({ type: 'page', move });
    });
  }
  tableSelect.addEventListener('change', () => {
    if (init && tableSelect.value !== init.table) send({ type: 'table', name: tableSelect.value });
    if (init) tableSelect.value = init.table;
  });
  // The two sides scroll together so that a row pair stays side by side.
  let syncing = false;
  const sync = (/** @type {HTMLElement} */ from, /** @type {HTMLElement} */ to) => () => {
    if (syncing) return;
    syncing = true;
    to.scrollTop = from.scrollTop;
    syncing = false;
  };
  left.addEventListener('scroll', sync(left, right));
  right.addEventListener('scroll', sync(right, left));

  window.addEventListener('message', (e) => {
    const msg = /** @type {HostMessage} */ (e.data);
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'init') {
      init = msg;
      document.body.classList.remove('stale');
      renderHeader(msg);
    } else if (msg.type === 'rows') {
      if (init) {
        init.kind = msg.kind;
        renderTabs(init);
        renderRows(init, msg);
      }
    } else if (msg.type === 'error') {
      // A comparison that no longer holds is not left on screen under the message.
      if (msg.stale) {
        init = null;
        document.body.classList.add('stale');
      }
      showMessage(String(msg.message));
    }
    setBusy(false);
  });

  /** @param {boolean} busy */
  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
  }

  /** @param {string} text */
  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  /** @param {InitMessage} init */
  function renderHeader(init) {
    const ex = init.explanation;
    $('headline').textContent = ex.headline || 'No rows differ.';
    $('where-container').textContent = ex.container;
    $('where-host').textContent = ex.host;
    $('relation').textContent = ex.relation;
    $('matched').textContent = init.matched;
    $('host-label').textContent = init.hostLabel;
    $('container-label').textContent = init.containerLabel;
    tableSelect.replaceChildren(
      ...init.tables.map((t) => {
        const o = document.createElement('option');
        o.value = t.name;
        o.textContent = `${t.name} — ${t.badge}`;
        return o;
      }),
    );
    tableSelect.value = init.table;
    renderTabs(init);
    showMessage(init.rowsCompared ? '' : init.matched);
  }

  /** @param {InitMessage} init */
  function renderTabs(init) {
    for (const kind of KINDS) {
      const b = $(`tab-${kind}`);
      b.textContent = `${labels()[kind]} ${SIGNS[kind]}${nf.format(init.counts[kind])}`;
      b.classList.toggle('active', init.kind === kind);
      b.setAttribute('aria-pressed', String(init.kind === kind));
    }
  }

  /**
   * @param {InitMessage} init
   * @param {RowsMessage} rows
   */
  function renderRows(init, rows) {
    const cols = init.columns;
    fill(init, rows, left, cols, 'left');
    fill(init, rows, right, cols, 'right');
    const first = rows.page * rows.pageSize;
    $('range').textContent = rows.total ? `${nf.format(first + 1)}–${nf.format(first + rows.rows.length)} of ${nf.format(rows.total)}` : 'none';
    /** @type {HTMLButtonElement} */ ($('first')).disabled = !rows.hasPrev;
    /** @type {HTMLButtonElement} */ ($('prev')).disabled = !rows.hasPrev;
    /** @type {HTMLButtonElement} */ ($('next')).disabled = !rows.hasNext;
    if (init.rowsCompared && rows.total === 0) showMessage(`No rows ${labels()[rows.kind].toLowerCase()} in ${init.table}.`);
    else if (init.rowsCompared) showMessage('');
  }

  /**
   * Column order on both sides: the key columns, then the columns changed in any row of this page
   * (so that a change is visible without scrolling sideways), then the rest.
   * @param {InitMessage} init
   * @param {RowsMessage} rows
   * @param {string[]} cols
   */
  function columnOrder(init, rows, cols) {
    const keys = cols.map((_, i) => i).filter((i) => init.keyColumns.includes(cols[i]));
    const changed = new Set(rows.rows.flatMap((r) => r.changed));
    const rest = cols.map((_, i) => i).filter((i) => !keys.includes(i));
    return [...keys, ...rest.filter((i) => changed.has(i)), ...rest.filter((i) => !changed.has(i))];
  }

  /**
   * One side's table: a key column when the key is not a column (rowid), then the columns; an absent row is a dashed placeholder.
   * @param {InitMessage} init
   * @param {RowsMessage} rows
   * @param {HTMLElement} scroll
   * @param {string[]} cols
   * @param {'left' | 'right'} side
   */
  function fill(init, rows, scroll, cols, side) {
    const table = /** @type {HTMLTableElement} */ (scroll.querySelector('table'));
    const order = columnOrder(init, rows, cols);
    const showKey = !init.keyColumns.every((k) => cols.includes(k));
    const headRow = document.createElement('tr');
    if (showKey) {
      const th = document.createElement('th');
      th.textContent = init.keyColumns.join(', ') || 'key';
      th.className = 'key';
      headRow.appendChild(th);
    }
    for (const i of order) {
      const th = document.createElement('th');
      th.textContent = cols[i];
      if (init.keyColumns.includes(cols[i])) th.className = 'key';
      headRow.appendChild(th);
    }
    // The page's markup gives each side's table its <thead> and <tbody> (comparePanel.ts).
    /** @type {HTMLTableSectionElement} */ (table.tHead).replaceChildren(headRow);
    const body = [];
    for (const r of rows.rows) {
      const tr = document.createElement('tr');
      const cells = r[side];
      if (showKey || !cells) {
        // An absent row still shows its key, so that the pair lines up and reads as one.
        const keyTd = document.createElement('td');
        keyTd.className = 'key';
        keyTd.textContent = r.key;
        tr.appendChild(keyTd);
      }
      if (!cells) {
        tr.className = 'absent';
        const td = document.createElement('td');
        td.colSpan = Math.max(1, order.length - (showKey ? 0 : 1));
        td.textContent = side === 'left' ? (init.words?.absentLeft ?? 'not on the host') : (init.words?.absentRight ?? 'not in the container');
        tr.appendChild(td);
      } else {
        tr.className = rows.kind;
        for (const i of order) {
          const td = document.createElement('td');
          renderCell(td, cells[i]);
          if (init.keyColumns.includes(cols[i])) td.classList.add('key');
          if (r.changed.includes(i)) td.classList.add('changed');
          tr.appendChild(td);
        }
      }
      body.push(tr);
    }
    table.tBodies[0].replaceChildren(...body);
  }

  /**
   * @param {HTMLElement} td
   * @param {Cell} c
   */
  function renderCell(td, c) {
    switch (c.k) {
      case 'null':
        td.textContent = 'NULL';
        td.classList.add('null');
        break;
      case 'int':
      case 'real':
        td.textContent = c.v;
        td.classList.add('num');
        break;
      case 'blob':
        td.textContent = `BLOB ${c.sizeLabel} ${c.head}`;
        td.classList.add('blob');
        break;
      default:
        td.textContent = c.more ? `${c.v}…` : c.v;
        td.title = c.more ? `${c.v}… (${nf.format(c.more)} more characters)` : c.v;
    }
  }

  send({ type: 'ready' });
})();
