/**
 * Show Changes: the rows that changed in one container's database between its previous pull and
 * its last one, a table at a time: inserted (this pull only, right), deleted (previous pull only,
 * left), updated (old values left, new right, changed cells marked), keyset-paged by the core's
 * diffRows. It is the compare view's page (media/compare.js) with its own words; secrets masked
 * through secretReveal. One panel per container: it follows the container's next re-pull.
 */
import * as vscode from 'vscode';
import { errorLine } from '../../core/errors';
import type { KeyedRow, TableDiff, UpdatedRow } from '../../core/diff';
import type { SqlValue } from '../../core/types';
import { PanelSet } from '../panelSet';
import { secretReveal } from '../secretReveal';
import { readSettings } from '../settings';
import type { SnapshotStore } from '../snapshotStore';
import { wireWebview } from '../webviewPage';
import { comparePage, toRow } from '../divergence/comparePanel';
import { CompareKind, HostMessage, parseCompareMessage, SideWords, WebviewMessage } from '../divergence/compareProtocol';
import { matchedText } from '../divergence/explanation';
import { changedTables, tableChange, tablesChangedText } from './changeBadges';
import type { ChangesService } from './changesService';

export const CHANGES_VIEW_TYPE = 'containerDb.changes';

const WORDS: SideWords = {
  tabs: { deleted: 'Deleted', inserted: 'Inserted', updated: 'Updated' },
  absentLeft: 'not in the previous pull',
  absentRight: 'deleted since the previous pull',
};

const time = (ms: number): string => new Date(ms).toLocaleTimeString('en-GB');

export class ChangesPanel implements vscode.Disposable {
  private kind: CompareKind = 'inserted';
  private cursors: (SqlValue[] | undefined)[] = [undefined];
  private page = 0;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** What the webview was last sent, for tests: what the user sees, as data. */
  lastInit: (HostMessage & { type: 'init' }) | undefined;
  lastRows: (HostMessage & { type: 'rows' }) | undefined;
  lastError: string | undefined;
  private shownPage: { raw: (KeyedRow | UpdatedRow)[]; table: TableDiff } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly containerId: string,
    public table: string | undefined,
    private readonly changes: ChangesService,
    private readonly store: SnapshotStore,
    private readonly log: vscode.LogOutputChannel,
    mediaUri: vscode.Uri,
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      wireWebview(panel, mediaUri, comparePage('Changes since the last pull'), parseCompareMessage, (msg) => void this.handle(msg), this.log, 'Change view'),
      changes.onDidChange((id) => {
        if (id === containerId && changes.get(id)?.kind !== 'computing') void this.init(undefined);
      }),
      secretReveal.onDidChange(() => {
        const shown = this.shownPage;
        if (!shown || !this.lastRows) return;
        this.lastRows = { ...this.lastRows, rows: shown.raw.map((r) => toRow(this.lastRows!.kind, r, shown.table.columns, secretReveal.masking(), shown.table)) };
        this.post(this.lastRows);
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Shows `table` (default: the one shown, else the first changed table) from its first page. */
  async show(table: string | undefined): Promise<HostMessage> {
    if (table) this.table = table;
    return this.init(undefined);
  }

  /** Sends the header (pull times, counts) and the first page of `kind` (default: the first non-empty kind). */
  async init(kind: CompareKind | undefined): Promise<HostMessage> {
    const c = this.changes.get(this.containerId);
    const entry = this.store.get(this.containerId);
    if (!c || !entry) return this.error('There are no changes to show: pull this container again to see what changed since this pull.', true);
    if (c.kind === 'computing') return this.error('Computing the changes since the last pull…');
    if (c.kind !== 'diff') return this.error(c.kind === 'unavailable' ? c.reason : `Computing the changes failed: ${c.message}`, true);
    // Without a table asked for, the one with the most changed rows: what the app just wrote most to.
    const changed = changedTables(c.diff).sort((x, y) => y.inserted + y.updated + y.deleted - (x.inserted + x.updated + x.deleted));
    const t = c.diff.tables.find((x) => x.name === this.table) ?? changed[0] ?? c.diff.tables[0];
    if (!t) return this.error('Neither pull holds any table.', true);
    this.table = t.name;
    this.kind = kind ?? firstKind(t);
    this.panel.title = `Changes: ${entry.containerLabel}`;
    this.lastError = undefined;
    const n = t.inserted + t.updated + t.deleted;
    const init: HostMessage & { type: 'init' } = {
      type: 'init',
      table: t.name,
      explanation: {
        headline: `${tablesChangedText(c.diff)} between the pulls of ${time(c.previousPulledAt)} and ${time(c.pulledAt)}` + (n ? ` · ${t.name}: ${tableChange(t)}` : ''),
        container: `${entry.containerLabel}:${entry.path}, pulled at ${time(c.previousPulledAt)} (left) and again at ${time(c.pulledAt)} (right).`,
        host: 'Rows are paired by their primary key (or rowid), as sqldiff --primarykey pairs them.',
        relation: '',
      },
      hostLabel: `Previous pull · ${time(c.previousPulledAt)}`,
      containerLabel: `This pull · ${time(c.pulledAt)}`,
      tables: c.diff.tables.map((x) => ({ name: x.name, status: x.status, badge: tableChange(x) ?? 'no changes' })),
      matched: matchedText(t),
      columns: t.columns,
      keyColumns: t.keyColumns,
      counts: { inserted: t.inserted, deleted: t.deleted, updated: t.updated, unchanged: t.unchanged },
      rowsCompared: t.rowsCompared && (t.status === 'changed' || t.status === 'same' || t.status === 'schema-changed'),
      kind: this.kind,
      words: WORDS,
    };
    this.lastInit = init;
    this.post(init);
    return this.load('first', t);
  }

  async showKind(kind: CompareKind): Promise<HostMessage> {
    this.kind = kind;
    if (this.lastInit) this.lastInit.kind = kind;
    return this.load('first');
  }

  /** Loads a page of the current kind and posts it. */
  async load(move: 'first' | 'prev' | 'next', t?: TableDiff): Promise<HostMessage> {
    const c = this.changes.get(this.containerId);
    const table = t ?? (c?.kind === 'diff' ? c.diff.tables.find((x) => x.name === this.table) : undefined);
    if (!table) return this.error('There are no changes for this table.');
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
      const result =
        this.lastInit?.rowsCompared && total > 0
          ? await this.store.withPair(this.containerId, async ({ engine, previous, current }) => {
              const { diffRows } = await import('../../core/diff');
              return diffRows(engine, previous.db, current.db, table.name, kind, { after: this.cursors[page], limit: pageSize });
            })
          : { rows: [], after: undefined };
      if (seq !== this.seq) return { type: 'error', message: 'superseded' };
      this.cursors[page + 1] = result.after;
      const raw = result.rows as (KeyedRow | UpdatedRow)[];
      this.shownPage = { raw, table };
      const policy = secretReveal.masking();
      const rows = raw.map((r) => toRow(kind, r, table.columns, policy, table));
      const msg: HostMessage & { type: 'rows' } = { type: 'rows', kind, page, pageSize, total, rows, hasPrev: page > 0, hasNext: result.after !== undefined };
      this.lastRows = msg;
      return this.post(msg);
    } catch (err) {
      this.log.warn(`Changes of ${table.name}: ${errorLine(err)}`);
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
        await this.show(msg.name);
        return;
    }
  }

  private error(message: string, stale = false): HostMessage {
    this.lastError = message;
    if (stale) {
      this.lastInit = undefined;
      this.lastRows = undefined;
    }
    return this.post({ type: 'error', message, stale });
  }

  private post(msg: HostMessage): HostMessage {
    void this.panel.webview.postMessage(msg);
    return msg;
  }
}

function firstKind(t: TableDiff): CompareKind {
  if (t.inserted) return 'inserted';
  if (t.updated) return 'updated';
  if (t.deleted) return 'deleted';
  return 'inserted';
}

/** One change view per container; Show Changes reveals the open one on the table asked for. */
export class ChangesPanels implements vscode.Disposable {
  private readonly panels = new PanelSet<ChangesPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly changes: ChangesService,
    private readonly store: SnapshotStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async open(containerId: string, table: string | undefined): Promise<ChangesPanel> {
    const { panel: p } = this.panels.open(containerId, () => {
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      const panel = vscode.window.createWebviewPanel(CHANGES_VIEW_TYPE, 'Changes since the last pull', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false });
      return new ChangesPanel(panel, containerId, table, this.changes, this.store, this.log, media);
    });
    await p.show(table);
    return p;
  }

  all(): ChangesPanel[] {
    return this.panels.all();
  }

  dispose(): void {
    this.panels.dispose();
  }
}
