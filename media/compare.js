// The compare webview: one table's rows only on the host (left), only in the container (right),
// and changed (both sides, changed cells marked). Every value comes from a database and is
// untrusted: the DOM is built with createElement + textContent only, never innerHTML.
// @ts-check
(function () {
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const nf = new Intl.NumberFormat('en-US');
  const left = $('left');
  const right = $('right');
  const message = $('message');
  const tableSelect = /** @type {HTMLSelectElement} */ ($('table'));
  const LABELS = { deleted: 'Only on host', inserted: 'Only in container', updated: 'Changed' };
  const SIGNS = { deleted: '−', inserted: '+', updated: '~' };

  /** @type {any} */
  let init = null;
  /** @type {any} */
  let rows = null;

  const send = (msg) => vscode.postMessage(msg);

  for (const kind of ['deleted', 'inserted', 'updated']) {
    $(`tab-${kind}`).addEventListener('click', () => {
      if (!init || init.kind === kind) return;
      init.kind = kind;
      renderTabs();
      setBusy(true);
      send({ type: 'kind', kind });
    });
  }
  for (const move of ['first', 'prev', 'next']) {
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
  const sync = (from, to) => () => {
    if (syncing) return;
    syncing = true;
    to.scrollTop = from.scrollTop;
    syncing = false;
  };
  left.addEventListener('scroll', sync(left, right));
  right.addEventListener('scroll', sync(right, left));

  window.addEventListener('message', (e) => {
    const msg = e.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'init') {
      init = msg;
      rows = null;
      document.body.classList.remove('stale');
      renderHeader();
    } else if (msg.type === 'rows') {
      rows = msg;
      if (init) {
        init.kind = msg.kind;
        renderTabs();
        renderRows();
      }
    } else if (msg.type === 'error') {
      // A comparison that no longer holds is not left on screen under the message.
      if (msg.stale) {
        init = null;
        rows = null;
        document.body.classList.add('stale');
      }
      showMessage(String(msg.message));
    }
    setBusy(false);
  });

  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
  }

  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function renderHeader() {
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
    renderTabs();
    showMessage(init.rowsCompared ? '' : init.matched);
  }

  function renderTabs() {
    for (const kind of ['deleted', 'inserted', 'updated']) {
      const b = $(`tab-${kind}`);
      b.textContent = `${LABELS[kind]} ${SIGNS[kind]}${nf.format(init.counts[kind])}`;
      b.classList.toggle('active', init.kind === kind);
      b.setAttribute('aria-pressed', String(init.kind === kind));
    }
  }

  function renderRows() {
    const cols = init.columns;
    fill(left, cols, 'left');
    fill(right, cols, 'right');
    const first = rows.page * rows.pageSize;
    $('range').textContent = rows.total ? `${nf.format(first + 1)}–${nf.format(first + rows.rows.length)} of ${nf.format(rows.total)}` : 'none';
    /** @type {HTMLButtonElement} */ ($('first')).disabled = !rows.hasPrev;
    /** @type {HTMLButtonElement} */ ($('prev')).disabled = !rows.hasPrev;
    /** @type {HTMLButtonElement} */ ($('next')).disabled = !rows.hasNext;
    if (init.rowsCompared && rows.total === 0) showMessage(`No rows ${LABELS[rows.kind].toLowerCase()} in ${init.table}.`);
    else if (init.rowsCompared) showMessage('');
  }

  /**
   * Column order on both sides: the key columns, then the columns changed in any row of this page
   * (so that a change is visible without scrolling sideways), then the rest.
   */
  function columnOrder(cols) {
    const keys = cols.map((_, i) => i).filter((i) => init.keyColumns.includes(cols[i]));
    const changed = new Set(rows.rows.flatMap((r) => r.changed));
    const rest = cols.map((_, i) => i).filter((i) => !keys.includes(i));
    return [...keys, ...rest.filter((i) => changed.has(i)), ...rest.filter((i) => !changed.has(i))];
  }

  /** One side's table: a key column when the key is not a column (rowid), then the columns; an absent row is a dashed placeholder. */
  function fill(scroll, cols, side) {
    const table = /** @type {HTMLTableElement} */ (scroll.querySelector('table'));
    const order = columnOrder(cols);
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
    table.tHead.replaceChildren(headRow);
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
        td.textContent = side === 'left' ? 'not on the host' : 'not in the container';
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
        td.textContent = `BLOB ${nf.format(c.size)} B ${c.head}`;
        td.classList.add('blob');
        break;
      default:
        td.textContent = c.more ? `${c.v}…` : c.v;
        td.title = c.more ? `${c.v}… (${nf.format(c.more)} more characters)` : c.v;
    }
  }

  send({ type: 'ready' });
})();
