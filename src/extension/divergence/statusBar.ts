/**
 * The status bar item for the focused container: "host ≠ container (3 tables)", "host = container",
 * "same file: bind mount". Focus follows the Containers view's selection; with nothing selected,
 * the container pulled last. Clicking it opens Compare with Host Database.
 */
import * as vscode from 'vscode';
import type { TreeNode } from '../treeItems/treeNode';
import { statusText } from './badges';
import type { DivergenceService } from './divergenceService';
import { containerIdOf } from './treeBadges';

export class DivergenceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('containerDb.divergence', vscode.StatusBarAlignment.Left, 50);
  private focused: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly divergence: DivergenceService,
    treeView: vscode.TreeView<TreeNode>,
    onDidList: vscode.Event<void>,
    /** The container as named with its engine, when several engines are configured; undefined otherwise. */
    private readonly labelOf: (containerId: string) => string | undefined = () => undefined,
  ) {
    this.item.name = 'Container DB: host vs container';
    this.subscriptions.push(
      this.item,
      treeView.onDidChangeSelection((e) => this.follow(e.selection[0])),
      // A selection made while its node was being re-listed arrives empty (VS Code cannot name the
      // element yet); read it again once the view has the listing.
      onDidList(() => this.follow(treeView.selection[0])),
      divergence.onDidChange((id) => {
        // A container compared for the first time takes the focus when none is selected.
        if (!this.focused || !divergence.get(this.focused)) this.focused = id;
        if (id === this.focused) this.render();
      }),
    );
  }

  private follow(node: TreeNode | undefined): void {
    const id = containerIdOf(node);
    if (id && id !== this.focused) {
      this.focused = id;
      this.render();
    }
  }

  /** The text shown now ('' when hidden), for tests. */
  get text(): string {
    return this.visible ? this.plain : '';
  }

  get focusedContainer(): string | undefined {
    return this.focused;
  }

  private visible = false;
  private plain = '';

  private render(): void {
    const d = this.focused ? this.divergence.get(this.focused) : undefined;
    if (!d) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const icon = d.kind === 'diff' ? (d.diff.identical ? '$(pass)' : '$(diff)') : d.kind === 'same-file' ? '$(link)' : d.kind === 'computing' ? '$(sync~spin)' : '$(warning)';
    const label = this.focused ? this.labelOf(this.focused) : undefined;
    this.plain = label ? `${statusText(d)} · ${label}` : statusText(d);
    this.item.text = `${icon} ${this.plain}`;
    this.item.tooltip = label ? `${label}: ${tooltip(d)}` : tooltip(d);
    this.item.command =
      d.kind === 'no-host'
        ? { command: 'containerDb.chooseHostDatabase', title: 'Choose Host Database' }
        : { command: 'containerDb.compareWithHost', title: 'Compare with Host Database', arguments: [this.focused] };
    this.item.backgroundColor = d.kind === 'diff' && !d.diff.identical ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function tooltip(d: ReturnType<DivergenceService['get']> & object): string {
  switch (d.kind) {
    case 'diff':
      return `Container database vs ${d.hostPath} (compared in ${d.ms} ms). Click to compare.`;
    case 'same-file':
      return `The container reads ${d.hostPath} itself through the bind mount ${d.mountSource}.`;
    case 'no-host':
      return 'No host database found in the workspace. Click to choose one.';
    case 'error':
      return `Comparison failed: ${d.message}`;
    default:
      return 'Comparing the container database with the host database…';
  }
}
