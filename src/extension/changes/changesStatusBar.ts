/**
 * The status bar item "2 tables changed 4 s ago" for the focused container (the Containers view's
 * selection; else the container re-pulled last). Clicking it opens Show Changes. The relative
 * time is redrawn by one timer that runs only while the item is shown: every second for the
 * first minute, then every 30 s (the text only says minutes and hours by then).
 */
import * as vscode from 'vscode';
import type { TreeNode } from '../treeItems/treeNode';
import { containerIdOf } from '../divergence/treeBadges';
import { ago, tablesChangedText } from './changeBadges';
import type { ChangesService } from './changesService';

export class ChangesStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('containerDb.changes', vscode.StatusBarAlignment.Left, 49);
  private focused: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private plain = '';

  constructor(
    private readonly changes: ChangesService,
    treeView: vscode.TreeView<TreeNode>,
    private readonly now: () => number = Date.now,
  ) {
    this.item.name = 'Container DB: changes since the last pull';
    this.subscriptions.push(
      this.item,
      treeView.onDidChangeSelection((e) => this.follow(containerIdOf(e.selection[0]))),
      changes.onDidChange((id) => {
        // A re-pull with changes takes the focus: it is what the developer just did.
        if (changes.get(id)?.kind === 'diff' || !this.focused || !changes.get(this.focused)) this.focused = id;
        if (id === this.focused) this.render();
      }),
    );
  }

  /** The text shown now ('' when hidden), for tests. */
  get text(): string {
    return this.plain;
  }

  get focusedContainer(): string | undefined {
    return this.focused;
  }

  private follow(id: string | undefined): void {
    if (id && id !== this.focused && this.changes.get(id)) {
      this.focused = id;
      this.render();
    }
  }

  private render(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.focused ? this.changes.get(this.focused) : undefined;
    if (!c || c.kind === 'computing') {
      this.item.hide();
      this.plain = '';
      return;
    }
    const command = { command: 'containerDb.showChanges', title: 'Show Changes', arguments: [this.focused] };
    if (c.kind === 'diff') {
      const age = this.now() - c.pulledAt;
      this.plain = `${tablesChangedText(c.diff)} ${ago(age)}`;
      this.item.text = `$(history) ${this.plain}`;
      this.item.tooltip = `Changes between the last two pulls (computed in ${c.ms} ms). Click to show them.`;
      this.timer = setTimeout(() => this.render(), age < 60000 ? 1000 - (age % 1000) : 30000);
    } else {
      this.plain = c.kind === 'unavailable' ? 'changes: previous pull not kept' : 'changes: failed';
      this.item.text = `$(history) ${this.plain}`;
      this.item.tooltip = c.kind === 'unavailable' ? c.reason : c.message;
    }
    this.item.command = command;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of this.subscriptions) s.dispose();
  }
}
