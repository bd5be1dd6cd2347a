import * as vscode from 'vscode';
import type { ColumnInfo } from '../../core/types';
import { TreeNode } from './treeNode';

/** A column: type plus PK / NOT NULL badges. */
export class ColumnItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    id: string,
    readonly column: ColumnInfo,
  ) {
    super(column.name, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.description = columnBadges(column);
    this.iconPath = new vscode.ThemeIcon(column.pk ? 'key' : 'symbol-field');
    this.contextValue = 'column';
    const md = new vscode.MarkdownString();
    md.appendText(`${column.name} ${column.type || '(no type)'}`);
    if (column.defaultValue !== null) {
      md.appendMarkdown('  \n**Default:** ');
      md.appendText(column.defaultValue);
    }
    this.tooltip = md;
  }
}

export function columnBadges(c: ColumnInfo): string {
  const parts = [c.type || 'ANY'];
  if (c.pk) parts.push('PK');
  if (c.notNull) parts.push('NOT NULL');
  return parts.join(' · ');
}
