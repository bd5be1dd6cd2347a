import * as vscode from 'vscode';
import type { TriggerInfo } from '../../core/types';
import { TreeNode } from './treeNode';

export class TriggerItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    containerId: string,
    readonly trigger: TriggerInfo,
  ) {
    super(trigger.name, vscode.TreeItemCollapsibleState.None);
    this.id = `container:${containerId}/db/trigger/${encodeURIComponent(trigger.name)}`;
    this.description = `on ${trigger.table}`;
    this.iconPath = new vscode.ThemeIcon('zap');
    this.contextValue = 'trigger';
    const md = new vscode.MarkdownString();
    if (trigger.sql) md.appendCodeblock(trigger.sql, 'sql');
    this.tooltip = md;
  }
}
