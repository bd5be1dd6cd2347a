/**
 * What the compare view and the change view share: one table of a comparison between two
 * databases shown on the two-sided page (media/compare.js), a kind of row at a time (only left,
 * only right, changed), keyset-paged by the core's diffRows, secrets masked and re-rendered when
 * they are revealed or hidden, and the page restored when its webview is rebuilt. A subclass says
 * where its comparison comes from and what the header says.
 */
import * as vscode from 'vscode';
import { errorLine } from '../../core/errors';
import type { KeyedRow, RowKind, RowPage, TableDiff, UpdatedRow } from '../../core/diff';
import type { SqlValue } from '../../core/types';
import { secretReveal } from '../secretReveal';
import { readSettings } from '../settings';
import { wireWebview } from '../webviewPage';
import { comparePage, toRow } from './comparePage';
import { CompareKind, HostMessage, parseCompareMessage, WebviewMessage } from './compareProtocol';

export abstract class RowDiffPanel implements vscode.Disposable {
  protected kind: CompareKind;
  /** `after` cursor of each page shown so far (page 0 starts at undefined). */
  private cursors: (SqlValue[] | undefined)[] = [undefined];
  private page = 0;
  private seq = 0;
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** What the webview was last sent, for tests: what the user sees, as data. */
  lastInit: (HostMessage & { type: 'init' }) | undefined;
  lastRows: (HostMessage & { type: 'rows' }) | undefined;
  lastError: string | undefined;
  /** The rows of the page shown, as read (secrets included): re-rendered when secrets are revealed or hidden. */
  private shownPage: { raw: (KeyedRow | UpdatedRow)[]; table: TableDiff } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly log: vscode.LogOutputChannel,
    mediaUri: vscode.Uri,
    private readonly what: { title: string; view: string; noTable: string; kinds: CompareKind[] },
  ) {
    this.kind = what.kinds[0];
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      wireWebview(panel, mediaUri, comparePage(what.title), parseCompareMessage, (msg) => void this.handle(msg), log, what.view),
      secretReveal.onDidChange(() => {
        const shown = this.shownPage;
        if (!shown || !this.lastRows) return;
        this.lastRows = { ...this.lastRows, rows: shown.raw.map((r) => toRow(this.lastRows!.kind, r, shown.table.columns, secretReveal.masking(), shown.table)) };
        this.post(this.lastRows);
      }),
    );
  }

  /** Sends the header and the first page of `kind` (default: the first kind with rows). */
  abstract init(kind: CompareKind | undefined): Promise<HostMessage>;
  /** The table shown, as the comparison now has it. */
  protected abstract currentTable(): TableDiff | undefined;
  /** One page of `kind` rows of `table` after the cursor, read from the comparison's two databases. */
  protected abstract readRows(table: TableDiff, kind: CompareKind, after: SqlValue[] | undefined, limit: number): Promise<RowPage<RowKind>>;
  /** The user picked another table in the page's list. */
  protected abstract pickTable(name: string): Promise<unknown>;

  reveal(): void {
    this.panel.reveal();
  }

  /** The first kind, in this view's order, that has rows. */
  protected firstKind(t: TableDiff): CompareKind {
    return this.what.kinds.find((k) => t[k] > 0) ?? this.what.kinds[0];
  }

  /** Posts the header built by the subclass, then the first page of its kind. */
  protected start(init: HostMessage & { type: 'init' }, t: TableDiff): Promise<HostMessage> {
    this.lastError = undefined;
    this.lastInit = init;
    this.post(init);
    return this.load('first', t);
  }

  /** Switches to the rows of another kind, from their first page. */
  async showKind(kind: CompareKind): Promise<HostMessage> {
    this.kind = kind;
    if (this.lastInit) this.lastInit.kind = kind;
    return this.load('first');
  }

  /** Loads a page of the current kind and posts it. */
  async load(move: 'first' | 'prev' | 'next', t?: TableDiff): Promise<HostMessage> {
    const table = t ?? this.currentTable();
    if (!table) return this.error(this.what.noTable);
    const pageSize = readSettings().pageSize;
    const total = table[this.kind];
    if (move === 'first') {
      this.page = 0;
      this.cursors = [undefined];
    } else if (move === 'prev') this.page = Math.max(0, this.page - 1);
    else if (this.cursors[this.page + 1] !== undefined) this.page += 1;
    const kind = this.kind;
    const page = this.page;
    const seq = ++this.seq;
    try {
      const result = this.lastInit?.rowsCompared && total > 0 ? await this.readRows(table, kind, this.cursors[page], pageSize) : { rows: [], after: undefined };
      if (seq !== this.seq) return { type: 'error', message: 'superseded' };
      this.cursors[page + 1] = result.after;
      const raw = result.rows as (KeyedRow | UpdatedRow)[];
      this.shownPage = { raw, table };
      const rows = raw.map((r) => toRow(kind, r, table.columns, secretReveal.masking(), table));
      const msg: HostMessage & { type: 'rows' } = { type: 'rows', kind, page, pageSize, total, rows, hasPrev: page > 0, hasNext: result.after !== undefined };
      this.lastRows = msg;
      return this.post(msg);
    } catch (err) {
      this.log.warn(`${this.what.view}, ${table.name}: ${errorLine(err)}`);
      return this.error(errorLine(err));
    }
  }

  dispose(): void {
    this.seq++;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }

  /**
   * Shows `message` instead of rows. `stale`: what the view showed no longer holds (its comparison
   * is gone), so a rebuilt webview must not be handed it again.
   */
  protected error(message: string, stale = false): HostMessage {
    this.lastError = message;
    if (stale) {
      this.lastInit = undefined;
      this.lastRows = undefined;
    }
    return this.post({ type: 'error', message, stale });
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        // A hidden panel's webview is rebuilt when shown again: show what it showed.
        if (this.lastInit && this.lastRows) {
          this.post(this.lastInit);
          this.post(this.lastRows);
        } else await this.init(undefined);
        return;
      case 'kind':
        await this.showKind(msg.kind);
        return;
      case 'page':
        await this.load(msg.move);
        return;
      case 'table':
        await this.pickTable(msg.name);
        return;
    }
  }

  private post(msg: HostMessage): HostMessage {
    void this.panel.webview.postMessage(msg);
    return msg;
  }
}
