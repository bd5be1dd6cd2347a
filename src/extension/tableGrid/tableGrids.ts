import * as vscode from 'vscode';
import type { ErrorReporter } from '../errorReporter';
import { PanelSet } from '../panelSet';
import type { SnapshotStore } from '../snapshotStore';
import { GRID_VIEW_TYPE, GridTarget, TableGridPanel } from './tableGridPanel';

/** One grid panel per (container, table): opening a table again reveals its panel. */
export class TableGrids implements vscode.Disposable {
  private readonly panels = new PanelSet<TableGridPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: SnapshotStore,
    private readonly errors: ErrorReporter,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  open(target: GridTarget): TableGridPanel {
    return this.panels.open(gridKey(target), () => {
      const panel = vscode.window.createWebviewPanel(GRID_VIEW_TYPE, target.tableName, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
      return new TableGridPanel(panel, target, this.store, this.errors, this.log, vscode.Uri.joinPath(this.extensionUri, 'media'));
    }).panel;
  }

  get(target: GridTarget): TableGridPanel | undefined {
    return this.panels.get(gridKey(target));
  }

  dispose(): void {
    this.panels.dispose();
  }
}

function gridKey(t: GridTarget): string {
  return `${t.containerId}\u0000${t.tableName}`;
}
