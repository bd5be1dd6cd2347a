import * as vscode from 'vscode';
import type { IndexInfo } from '../../core/types';
import { TreeNode } from './treeNode';

/** An index: its columns, UNIQUE when it is. */
export class IndexItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    id: string,
    readonly index: IndexInfo,
  ) {
    super(index.name, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.description = `${index.unique ? 'UNIQUE ' : ''}(${index.columns.join(', ')})`;
    this.iconPath = new vscode.ThemeIcon('list-ordered');
    this.contextValue = 'index';
    const md = new vscode.MarkdownString();
    if (index.sql) md.appendCodeblock(index.sql, 'sql');
    else md.appendText(`${index.name}: automatic index (${index.origin === 'pk' ? 'PRIMARY KEY' : 'UNIQUE constraint'})`);
    this.tooltip = md;
  }
}
