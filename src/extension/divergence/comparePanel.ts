/**
 * The row comparison of one table: a webview listing the rows only on the host, only in the
 * container, and changed, a page at a time (keyset-paged by the core's diffRows), the host's
 * values on the left and the container's on the right, changed cells marked. The explanation of
 * which file is which sits at the top.
 */
import * as vscode from 'vscode';
import { PanelSet } from '../panelSet';
import type { RowKind, RowPage, TableDiff } from '../../core/diff';
import type { SqlValue } from '../../core/types';
import type { EngineSet } from '../engines/engineSet';
import { tableBadge } from './badges';
import type { CompareKind, HostMessage } from './compareProtocol';
import type { DivergenceService } from './divergenceService';
import { RowDiffPanel } from './rowDiffPanel';
import { explain, matchedText } from './explanation';

export const COMPARE_VIEW_TYPE = 'containerDb.compare';

export class ComparePanel extends RowDiffPanel {
  constructor(
    panel: vscode.WebviewPanel,
    readonly containerId: string,
    public table: string,
    private readonly divergence: DivergenceService,
    private readonly docker: EngineSet,
    log: vscode.LogOutputChannel,
    mediaUri: vscode.Uri,
  ) {
    super(panel, log, mediaUri, { title: 'Compare with Host Database', view: 'Compare view', noTable: 'There is no comparison for this table.', kinds: ['deleted', 'inserted', 'updated'] });
    this.disposables.push(
      divergence.onDidChange((id) => {
        if (id === containerId && divergence.get(id)?.kind !== 'computing') void this.init(this.kind);
      }),
    );
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
      return this.error(d?.kind === 'computing' ? 'Comparing…' : 'There is no comparison for this container: run Compare with Host Database.', d?.kind !== 'computing');
    }
    const t = d.diff.tables.find((x) => x.name === this.table);
    if (!t) return this.error(`The table ${this.table} is in neither database any more.`, true);
    this.kind = kind ?? this.firstKind(t);
    const label = this.docker.label(container.id, container.name);
    this.panel.title = `${t.name}: host ↔ ${label}`;
    return this.start(
      {
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
        rowsCompared: rowsCompared(t),
        kind: this.kind,
      },
      t,
    );
  }

  protected currentTable(): TableDiff | undefined {
    const d = this.divergence.get(this.containerId);
    return d?.kind === 'diff' ? d.diff.tables.find((x) => x.name === this.table) : undefined;
  }

  protected readRows(table: TableDiff, kind: CompareKind, after: SqlValue[] | undefined, limit: number): Promise<RowPage<RowKind>> {
    return this.divergence.withPair(this.containerId, async ({ engine, host, container }) => {
      const { diffRows } = await import('../../core/diff');
      return diffRows(engine, host, container.db, table.name, kind, { after, limit });
    });
  }

  protected async pickTable(name: string): Promise<void> {
    await vscode.commands.executeCommand('containerDb.compareWithHost', { containerId: this.containerId, table: name });
  }
}

/** Whether the table's rows were paired (the views then page them): not for a table on one side only. */
export function rowsCompared(t: TableDiff): boolean {
  return t.rowsCompared && (t.status === 'changed' || t.status === 'same' || t.status === 'schema-changed');
}

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

