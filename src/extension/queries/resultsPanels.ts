import * as vscode from 'vscode';
import type { ErrorReporter } from '../errorReporter';
import { PanelSet } from '../panelSet';
import type { QueryRunner } from './queryRunner';
import { Exporter, RESULTS_VIEW_TYPE, ResultsPanel } from './resultsPanel';

/** One results panel per key (a quick query on a target, a console document); the last focused one is "active" for Export. */
export class ResultsPanels implements vscode.Disposable {
  private readonly panels = new PanelSet<ResultsPanel>();
  private lastActive: ResultsPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runner: QueryRunner,
    private readonly errors: ErrorReporter,
    private readonly log: vscode.LogOutputChannel,
    private readonly exporter: Exporter,
    private readonly rowStep: () => number,
  ) {}

  open(key: string, title: string, column = vscode.ViewColumn.Active): ResultsPanel {
    const { panel: results } = this.panels.open(key, () => {
      const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, title, { viewColumn: column, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: false });
      const made = new ResultsPanel(panel, key, this.runner, this.errors, this.log, this.exporter, this.rowStep, vscode.Uri.joinPath(this.extensionUri, 'media'));
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.lastActive = made;
      });
      made.onDidClose(() => {
        if (this.lastActive === made) this.lastActive = undefined;
      });
      return made;
    });
    this.lastActive = results;
    return results;
  }

  /** The panel Export acts on: the focused one, else the last one shown. */
  get active(): ResultsPanel | undefined {
    return this.panels.all().find((p) => p.panel.active) ?? this.lastActive;
  }

  get(key: string): ResultsPanel | undefined {
    return this.panels.get(key);
  }

  dispose(): void {
    this.panels.dispose();
  }
}
