import * as vscode from 'vscode';
import type { EngineSet } from '../engines/engineSet';
import type { Settings } from '../settings';
import type { SnapshotStore } from '../snapshotStore';

/** What a node needs to list its children. */
export interface TreeContext {
  docker: EngineSet;
  store: SnapshotStore;
  settings: Settings;
}

/** Every item of the Containers view: a TreeItem that knows its parent and its children. */
export abstract class TreeNode extends vscode.TreeItem {
  abstract readonly parent: TreeNode | undefined;

  children(_ctx: TreeContext): TreeNode[] {
    return [];
  }

  /**
   * Takes the state of `fresh` (the same id, listed again): the tree keeps one object per id, since
   * VS Code keys what it drew (and the commands of drawn items) by the element object.
   */
  adopt(fresh: TreeNode): void {
    const self = this as unknown as Record<string, unknown>;
    const from = fresh as unknown as Record<string, unknown>;
    for (const key of Object.keys(self)) if (!(key in from)) delete self[key];
    for (const key of Object.keys(from)) self[key] = from[key];
    if (fresh.command?.arguments) this.command = { ...fresh.command, arguments: fresh.command.arguments.map((a) => (a === fresh ? this : a)) };
  }
}

/** A labelled folder of other nodes: Mounts, Views, Triggers, System tables, Indexes. */
export class GroupItem extends TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    id: string,
    label: string,
    icon: string,
    private readonly make: (group: GroupItem) => TreeNode[],
    opts: { description?: string; contextValue?: string; expanded?: boolean } = {},
  ) {
    super(label, opts.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.id = id;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = opts.description;
    this.contextValue = opts.contextValue ?? 'group';
  }

  override children(): TreeNode[] {
    return this.make(this);
  }
}

/** A line of text in the tree (e.g. "Pulling…"): no children, no actions. */
export class MessageItem extends TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    id: string,
    label: string,
    icon = 'info',
  ) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = 'message';
  }
}
