/**
 * One webview panel showing one table of one pulled database, a page at a time (keyset paging,
 * see core/tablePage). The webview gets display cells only; full values stay here and reach the
 * user through the detail pane, the clipboard or an untitled editor.
 */
import * as vscode from 'vscode';
import { webviewPage, wireWebview } from '../webviewPage';
import { errorLine } from '../../core/errors';
import { Page, PageCursor, PageDirection, readPage } from '../../core/sqlEngine';
import { maskRows, secretColumns } from '../../core/secrets';
import type { SqlValue, TableInfo } from '../../core/types';
import type { ErrorReporter } from '../errorReporter';
import { formatClock } from '../format';
import { secretReveal, REVEAL_SECRETS_COMMAND, HIDE_SECRETS_COMMAND } from '../secretReveal';
import { readSettings } from '../settings';
import type { DatabaseEntry, SnapshotStore } from '../snapshotStore';
import { DETAIL_TEXT_LIMIT, fullText, looksLikeJson, prettyJson, rowAsJson, toCell } from './cellView';
import { GridColumn, HostMessage, PageMove, parseWebviewMessage, WebviewMessage } from './gridProtocol';

export const GRID_VIEW_TYPE = 'containerDb.tableGrid';

export interface GridTarget {
  containerId: string;
  tableName: string;
}

export class TableGridPanel implements vscode.Disposable {
  private page: Page | undefined;
  /** The page's rows as shown: secrets masked unless revealed (copy, detail and open read these too). */
  private shown: SqlValue[][] = [];
  private entry: DatabaseEntry | undefined;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** The last page shown, for tests: what the user sees, as data. */
  lastPage: (HostMessage & { type: 'page' }) | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly target: GridTarget,
    private readonly store: SnapshotStore,
    private readonly errors: ErrorReporter,
    private readonly log: vscode.LogOutputChannel,
    mediaUri: vscode.Uri,
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      wireWebview(panel, mediaUri, gridHtml, parseWebviewMessage, (msg) => void this.handle(msg), this.log, 'Table grid'),
      store.onDidChange((id) => {
        const now = store.get(id);
        // A re-pull replaced the snapshot: show the new data from the first page.
        if (id === target.containerId && now && now !== this.entry) void this.load('first');
      }),
      // Reveal / hide (or a new pattern) re-renders the same page from the values already read.
      secretReveal.onDidChange(() => {
        if (this.lastPage && this.page) this.post(this.repaint(this.lastPage, this.page));
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Loads a page and posts it; returns what was posted (tests use it). */
  async load(move: PageMove): Promise<HostMessage> {
    const seq = ++this.seq;
    const entry = this.store.get(this.target.containerId);
    const title = this.target.tableName;
    if (!entry) return this.post({ type: 'error', message: 'This snapshot is no longer available: run Inspect Container DB again.' });
    const table = findTable(entry, this.target.tableName);
    if (!table) return this.post({ type: 'error', message: `The table ${this.target.tableName} is not in the latest snapshot.` });
    const sameSnapshot = entry === this.entry;
    this.entry = entry;
    this.panel.title = `${table.name} — ${entry.containerName}`;
    const direction: PageDirection = move === 'reload' ? 'first' : move;
    const cursor: PageCursor | undefined = sameSnapshot ? this.page?.cursor : undefined;
    try {
      const started = Date.now();
      const total = table.rows ?? (await this.countRows(entry, table));
      const page = await readPage((sql, params) => this.store.query(entry, sql, params), table, sameSnapshot ? direction : 'first', readSettings().pageSize, total, cursor);
      const ms = Date.now() - started;
      if (seq !== this.seq) return { type: 'loading', title };
      this.page = page;
      this.log.debug(`Grid ${entry.containerName}:${table.name}: ${move} page at ${page.cursor.offset} (${page.rows.length} rows) in ${ms} ms`);
      const msg: HostMessage & { type: 'page' } = {
        type: 'page',
        title: table.name,
        source: `${entry.containerLabel}:${entry.path} · pulled ${formatClock(entry.snapshot.stamp.pulledAt)}`,
        columns: gridColumns(page.columns, table),
        rows: [],
        offset: page.cursor.offset,
        total: page.total,
        hasPrev: page.cursor.offset > 0,
        hasNext: page.cursor.offset + page.rows.length < page.total,
        ms,
        secretColumns: [],
        secretsRevealed: false,
      };
      return this.post(this.repaint(msg, page));
    } catch (err) {
      this.errors.report(`Open table ${this.target.tableName}`, err);
      return this.post({ type: 'error', message: errorLine(err) });
    }
  }

  /** `msg` with the rows of `page` as they are to be shown now (masked or revealed); remembered as lastPage. */
  private repaint(msg: HostMessage & { type: 'page' }, page: Page): HostMessage & { type: 'page' } {
    const policy = secretReveal.masking();
    const tableName = this.target.tableName;
    this.shown = policy ? maskRows(policy, tableName, page.columns, page.rows) : page.rows;
    const secret = secretColumns(secretReveal.policy(), tableName, page.columns);
    this.lastPage = { ...msg, rows: this.shown.map((r) => r.map(toCell)), secretColumns: secret, secretsRevealed: !policy };
    return this.lastPage;
  }

  dispose(): void {
    this.seq++;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        // A hidden panel's webview is discarded and rebuilt when shown again: show the same page.
        if (this.lastPage && this.entry === this.store.get(this.target.containerId)) this.post(this.lastPage);
        else await this.load('first');
        return;
      case 'page':
        await this.load(msg.move);
        return;
      case 'copyCell': {
        const v = this.value(msg.row, msg.col);
        if (v !== undefined) await vscode.env.clipboard.writeText(fullText(v));
        return;
      }
      case 'secrets':
        await vscode.commands.executeCommand(msg.reveal ? REVEAL_SECRETS_COMMAND : HIDE_SECRETS_COMMAND);
        return;
      case 'copyRow': {
        const row = this.shown[msg.row];
        if (row) await vscode.env.clipboard.writeText(rowAsJson(this.page!.columns, row));
        return;
      }
      case 'openValue': {
        const v = this.value(msg.row, msg.col);
        if (v === undefined) return;
        const text = fullText(v);
        const json = typeof v === 'string' && looksLikeJson(v);
        const doc = await vscode.workspace.openTextDocument({ content: json ? prettyJson(text) : text, language: json ? 'json' : 'plaintext' });
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return;
      }
      case 'detail': {
        const v = this.value(msg.row, msg.col);
        if (v === undefined) return;
        const json = typeof v === 'string' && looksLikeJson(v);
        const text = json && msg.pretty ? prettyJson(v) : fullText(v);
        const shown = text.slice(0, DETAIL_TEXT_LIMIT);
        this.post({ type: 'detail', row: msg.row, col: msg.col, text: shown, more: text.length - shown.length, json, pretty: json && msg.pretty });
        return;
      }
    }
  }

  /** The whole value of a cell as Copy Cell copies it (masked while secrets are hidden). */
  cellText(row: number, col: number): string | undefined {
    const v = this.value(row, col);
    return v === undefined ? undefined : fullText(v);
  }

  private value(row: number, col: number) {
    const r = this.shown[row];
    return r && col < r.length ? r[col] : undefined;
  }

  private async countRows(entry: DatabaseEntry, table: TableInfo): Promise<number> {
    const { quoteIdent } = await import('../../core/sqlite');
    const r = await this.store.query(entry, `SELECT count(*) FROM ${quoteIdent(table.name)}`);
    return Number(r.rows[0]?.[0] ?? 0);
  }

  private post(msg: HostMessage): HostMessage {
    void this.panel.webview.postMessage(msg);
    return msg;
  }
}

function findTable(entry: DatabaseEntry, name: string): TableInfo | undefined {
  return entry.schema.tables.find((t) => t.name === name) ?? entry.schema.views.find((t) => t.name === name);
}

function gridColumns(names: string[], table: TableInfo): GridColumn[] {
  return names.map((name) => {
    const c = table.columns.find((x) => x.name === name);
    return { name, type: c?.type ?? '', pk: !!c?.pk, notNull: !!c?.notNull };
  });
}

function gridHtml(webview: vscode.Webview, media: vscode.Uri): string {
  return webviewPage(webview, media, {
    title: 'Table',
    styles: ['tableGrid.css'],
    libraries: ['gridCore.js'],
    script: 'tableGrid.js',
    body: `
<header class="toolbar" id="toolbar">
  <div class="title"><span id="title" class="table-name"></span><span id="source" class="source"></span></div>
  <div class="pager">
    <button id="first" title="First page">First</button>
    <button id="prev" title="Previous page">Prev</button>
    <span id="range" class="range" aria-live="polite"></span>
    <button id="next" title="Next page">Next</button>
    <button id="last" title="Last page">Last</button>
    <button id="secrets" class="secondary" title="Secret values (passwords, API keys, tokens) are masked: reveal them for this session">Reveal Secrets</button>
  </div>
</header>
<main id="grid-wrap" class="grid-wrap" tabindex="0"><table id="grid" class="grid"></table><p id="message" class="message"></p></main>
<section id="detail" class="detail" hidden>
  <div class="detail-bar">
    <span id="detail-title" class="detail-title"></span>
    <button id="pretty" class="secondary" title="Pretty-print JSON">Format JSON</button>
    <button id="copy-cell" class="secondary" title="Copy the whole value (Ctrl+C)">Copy Cell</button>
    <button id="copy-row" class="secondary" title="Copy the row as JSON">Copy Row as JSON</button>
    <button id="open-value" class="secondary" title="Open the whole value in an editor">Open in Editor</button>
    <button id="close-detail" class="secondary" title="Close">Close</button>
  </div>
  <pre id="detail-text" class="detail-text"></pre>
</section>
`,
  });
}
