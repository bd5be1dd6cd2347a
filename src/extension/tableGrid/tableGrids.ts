import * as vscode from 'vscode';
import type { ErrorReporter } from '../errorReporter';
import type { SnapshotStore } from '../snapshotStore';
import { GRID_VIEW_TYPE, GridTarget, TableGridPanel } from './tableGridPanel';

/** One grid panel per (container, table): opening a table again reveals its panel. */
export class TableGrids implements vscode.Disposable {
  private readonly panels = new Map<string, TableGridPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: SnapshotStore,
    private readonly errors: ErrorReporter,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  open(target: GridTarget): TableGridPanel {
    const key = gridKey(target);
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(GRID_VIEW_TYPE, target.tableName, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    const grid = new TableGridPanel(panel, target, this.store, this.errors, this.log, vscode.Uri.joinPath(this.extensionUri, 'media'));
    this.panels.set(key, grid);
    grid.onDidClose(() => this.panels.delete(key));
    return grid;
  }

  get(target: GridTarget): TableGridPanel | undefined {
    return this.panels.get(gridKey(target));
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

function gridKey(t: GridTarget): string {
  return `${t.containerId}\u0000${t.tableName}`;
}
