/**
 * Show Changes: the rows that changed in one container's database between its previous pull and
 * its last one, a table at a time: inserted (this pull only, right), deleted (previous pull only,
 * left), updated (old values left, new right, changed cells marked), keyset-paged by the core's
 * diffRows. It is the compare view's page (media/compare.js) with its own words; secrets masked
 * through secretReveal. One panel per container: it follows the container's next re-pull.
 */
import * as vscode from 'vscode';
import type { RowKind, RowPage, TableDiff } from '../../core/diff';
import type { SqlValue } from '../../core/types';
import { PanelSet } from '../panelSet';
import type { SnapshotStore } from '../snapshotStore';
import { rowsCompared } from '../divergence/comparePanel';
import type { CompareKind, HostMessage, SideWords } from '../divergence/compareProtocol';
import { RowDiffPanel } from '../divergence/rowDiffPanel';
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

export class ChangesPanel extends RowDiffPanel {
  constructor(
    panel: vscode.WebviewPanel,
    readonly containerId: string,
    public table: string | undefined,
    private readonly changes: ChangesService,
    private readonly store: SnapshotStore,
    log: vscode.LogOutputChannel,
    mediaUri: vscode.Uri,
  ) {
    super(panel, log, mediaUri, { title: 'Changes since the last pull', view: 'Change view', noTable: 'There are no changes for this table.', kinds: ['inserted', 'updated', 'deleted'] });
    this.disposables.push(
      changes.onDidChange((id) => {
        if (id === containerId && changes.get(id)?.kind !== 'computing') void this.init(undefined);
      }),
    );
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
    this.kind = kind ?? this.firstKind(t);
    this.panel.title = `Changes: ${entry.containerLabel}`;
    const n = t.inserted + t.updated + t.deleted;
    return this.start(
      {
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
        rowsCompared: rowsCompared(t),
        kind: this.kind,
        words: WORDS,
      },
      t,
    );
  }

  protected currentTable(): TableDiff | undefined {
    const c = this.changes.get(this.containerId);
    return c?.kind === 'diff' ? c.diff.tables.find((x) => x.name === this.table) : undefined;
  }

  protected readRows(table: TableDiff, kind: CompareKind, after: SqlValue[] | undefined, limit: number): Promise<RowPage<RowKind>> {
    return this.store.withPair(this.containerId, async ({ engine, previous, current }) => {
      const { diffRows } = await import('../../core/diff');
      return diffRows(engine, previous.db, current.db, table.name, kind, { after, limit });
    });
  }

  protected pickTable(name: string): Promise<HostMessage> {
    return this.show(name);
  }
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
