/**
 * The row comparison of one table: a webview listing the rows only on the host, only in the
 * container, and changed, a page at a time (keyset-paged by the core's diffRows), the host's
 * values on the left and the container's on the right, changed cells marked. The explanation of
 * which file is which sits at the top.
 */
import * as vscode from 'vscode';
import { PanelSet } from '../panelSet';
import { webviewPage, wireWebview } from '../webviewPage';
import { errorLine } from '../../core/errors';
import type { KeyedRow, TableDiff, UpdatedRow } from '../../core/diff';
import { maskRows, secretColumns, type SecretPolicy } from '../../core/secrets';
import type { SqlValue } from '../../core/types';
import type { EngineSet } from '../engines/engineSet';
import { secretReveal } from '../secretReveal';
import { readSettings } from '../settings';
import { fullText, toCell } from '../tableGrid/cellView';
import { tableBadge } from './badges';
import { CompareKind, CompareRow, HostMessage, parseCompareMessage, WebviewMessage } from './compareProtocol';
import type { DivergenceService } from './divergenceService';
import { explain, matchedText } from './explanation';

export const COMPARE_VIEW_TYPE = 'containerDb.compare';
const KEY_TEXT_LIMIT = 80;

export class ComparePanel implements vscode.Disposable {
  private kind: CompareKind = 'deleted';
  /** `after` cursor of each page shown so far (page 0 starts at undefined). */
  private cursors: (SqlValue[] | undefined)[] = [undefined];
  private page = 0;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** What the webview was last sent, for tests: what the user sees, as data. */
  lastInit: (HostMessage & { type: 'init' }) | undefined;
  lastRows: (HostMessage & { type: 'rows' }) | undefined;
  /** The rows of the page shown, as read (secrets included): re-rendered when secrets are revealed or hidden. */
  private shownPage: { raw: (KeyedRow | UpdatedRow)[]; table: TableDiff } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly containerId: string,
    public table: string,
    private readonly divergence: DivergenceService,
    private readonly docker: EngineSet,
    private readonly log: vscode.LogOutputChannel,
    mediaUri: vscode.Uri,
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      wireWebview(panel, mediaUri, comparePage('Compare with Host Database'), parseCompareMessage, (msg) => void this.handle(msg), this.log, 'Compare view'),
      divergence.onDidChange((id) => {
        if (id === containerId && divergence.get(id)?.kind !== 'computing') void this.init(this.kind);
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

  /** Shows `table` (another table of the same comparison) from its first page. */
  async show(table: string): Promise<void> {
    this.table = table;
    await this.init(undefined);
  }

  /** Sends the header (explanation, counts) and the first page of `kind` (default: the first non-empty kind). */
  async init(kind: CompareKind | undefined): Promise<HostMessage> {
    const d = this.divergence.get(this.containerId);
    const container = this.docker.container(this.containerId);
    if (!d || d.kind !== 'diff' || !container) {
      return this.post({ type: 'error', message: d?.kind === 'computing' ? 'Comparing…' : 'There is no comparison for this container: run Compare with Host Database.', stale: d?.kind !== 'computing' });
    }
    const t = d.diff.tables.find((x) => x.name === this.table);
    if (!t) return this.post({ type: 'error', message: `The table ${this.table} is in neither database any more.`, stale: true });
    this.kind = kind ?? firstKind(t);
    const label = this.docker.label(container.id, container.name);
    this.panel.title = `${t.name}: host ↔ ${label}`;
    const init: HostMessage & { type: 'init' } = {
      type: 'init',
      table: t.name,
      explanation: explain(container, d.hostPath, d, label),
      hostLabel: `Host · ${vscode.workspace.asRelativePath(d.hostPath)}`,
      containerLabel: `Container · ${label}:${container.database.path}`,
      tables: d.diff.tables.map((x) => ({ name: x.name, status: x.status, badge: tableBadge(x) ?? 'same' })),
      matched: matchedText(t),
      columns: t.columns,
      keyColumns: t.keyColumns,
      counts: { inserted: t.inserted, deleted: t.deleted, updated: t.updated, unchanged: t.unchanged },
      rowsCompared: t.rowsCompared && (t.status === 'changed' || t.status === 'same' || t.status === 'schema-changed'),
      kind: this.kind,
    };
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
    const d = this.divergence.get(this.containerId);
    const table = t ?? (d?.kind === 'diff' ? d.diff.tables.find((x) => x.name === this.table) : undefined);
    if (!table) return this.post({ type: 'error', message: 'There is no comparison for this table.' });
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
    const rowsOk = this.lastInit?.rowsCompared && total > 0;
    try {
      const result = rowsOk
        ? await this.divergence.withPair(this.containerId, async ({ engine, host, container }) => {
            const { diffRows } = await import('../../core/diff');
            return diffRows(engine, host, container.db, table.name, kind, { after: this.cursors[page], limit: pageSize });
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
      this.log.warn(`Compare ${table.name}: ${errorLine(err)}`);
      return this.post({ type: 'error', message: errorLine(err) });
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
        await vscode.commands.executeCommand('containerDb.compareWithHost', { containerId: this.containerId, table: msg.name });
        return;
    }
  }

  private post(msg: HostMessage): HostMessage {
    void this.panel.webview.postMessage(msg);
    return msg;
  }
}

function firstKind(t: TableDiff): CompareKind {
  if (t.deleted) return 'deleted';
  if (t.inserted) return 'inserted';
  if (t.updated) return 'updated';
  return 'deleted';
}

function keyText(key: SqlValue[]): string {
  const text = key.map((v) => fullText(v)).join(', ');
  return text.length > KEY_TEXT_LIMIT ? `${text.slice(0, KEY_TEXT_LIMIT)}…` : text;
}

/**
 * One row pair for the webview. With a `policy`, secrets are masked: the values of the table's
 * secret columns (a changed secret still shows as changed, with both sides masked), secret parts
 * of JSON text, and the key when a key column is secret.
 */
export function toRow(
  kind: CompareKind,
  r: KeyedRow | UpdatedRow,
  columns: string[],
  policy?: SecretPolicy,
  table?: Pick<TableDiff, 'name' | 'keyColumns'>,
): CompareRow {
  const cellsOf = (values: SqlValue[]) => (policy ? maskRows(policy, table?.name, columns, [values])[0] : values).map(toCell);
  const keyOf = (key: SqlValue[]) => (policy && table && secretColumns(policy, table.name, table.keyColumns).some(Boolean) ? maskRows(policy, table.name, table.keyColumns, [key])[0] : key);
  if (kind === 'updated') {
    const u = r as UpdatedRow;
    const changed = u.changedColumns.map((c) => columns.indexOf(c)).filter((i) => i >= 0);
    return { key: keyText(keyOf(u.key)), left: cellsOf(u.a), right: cellsOf(u.b), changed };
  }
  const k = r as KeyedRow;
  const cells = cellsOf(k.values);
  // Deleted = only in A (the host, left); inserted = only in B (the container, right).
  return kind === 'deleted' ? { key: keyText(keyOf(k.key)), left: cells, right: null, changed: [] } : { key: keyText(keyOf(k.key)), left: null, right: cells, changed: [] };
}

/** The page of two sides of rows (media/compare.js), shared by the compare view and the change view. */
export const comparePage = (title: string) => (webview: vscode.Webview, media: vscode.Uri): string =>
  webviewPage(webview, media, {
    title,
    styles: ['compare.css'],
    script: 'compare.js',
    body: `
<header class="explain" id="explain">
  <p class="headline" id="headline"></p>
  <p id="where-container"></p>
  <p id="where-host"></p>
  <p class="relation" id="relation"></p>
</header>
<nav class="bar">
  <label>Table <select id="table"></select></label>
  <span class="matched" id="matched"></span>
</nav>
<nav class="bar tabs" id="tabs">
  <button class="tab" data-kind="deleted" id="tab-deleted"></button>
  <button class="tab" data-kind="inserted" id="tab-inserted"></button>
  <button class="tab" data-kind="updated" id="tab-updated"></button>
  <span class="spacer"></span>
  <span class="range" id="range"></span>
  <button id="first" title="First page">«</button>
  <button id="prev" title="Previous page">‹</button>
  <button id="next" title="Next page">›</button>
</nav>
<p class="message" id="message" hidden></p>
<main class="sides" id="sides">
  <section class="side host"><h2 id="host-label"></h2><div class="scroll" id="left"><table><thead></thead><tbody></tbody></table></div></section>
  <section class="side container"><h2 id="container-label"></h2><div class="scroll" id="right"><table><thead></thead><tbody></tbody></table></div></section>
</main>
`,
  });

/** One panel per container and table; Compare reveals the open one. */
export class ComparePanels implements vscode.Disposable {
  private readonly panels = new PanelSet<ComparePanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly divergence: DivergenceService,
    private readonly docker: EngineSet,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async open(containerId: string, table: string): Promise<ComparePanel> {
    const { panel: p } = this.panels.open(`${containerId}\u0000${table}`, () => {
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `${table}: host ↔ container`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false });
      return new ComparePanel(panel, containerId, table, this.divergence, this.docker, this.log, media);
    });
    // An open one is brought up to date too: its comparison may have moved on while it was hidden.
    await p.init(undefined);
    return p;
  }

  /** The open panels, for tests. */
  all(): ComparePanel[] {
    return this.panels.all();
  }

  dispose(): void {
    this.panels.dispose();
  }
}

