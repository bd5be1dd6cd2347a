import * as vscode from 'vscode';
import type { IndexInfo, TableInfo } from '../../core/types';
import { ColumnItem } from './columnItem';
import { IndexItem } from './indexItem';
import { plural } from '../format';
import { GroupItem, TreeNode } from './treeNode';

/** A table or view: its row count as description; expands to columns and an Indexes group. Click opens the grid. */
export class TableItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    readonly containerId: string,
    readonly table: TableInfo,
    private readonly allIndexes: IndexInfo[],
  ) {
    super(table.name, vscode.TreeItemCollapsibleState.Collapsed);
    // Table names are arbitrary text: encodeURIComponent keeps ids unambiguous.
    this.id = `container:${containerId}/db/${table.kind}/${encodeURIComponent(table.name)}`;
    this.description = table.rows === null ? table.kind : plural(table.rows, 'row');
    this.iconPath = new vscode.ThemeIcon(table.kind === 'view' ? 'eye' : 'table');
    this.contextValue = table.kind;
    const md = new vscode.MarkdownString();
    if (table.sql) md.appendCodeblock(table.sql, 'sql');
    else md.appendText(table.name);
    this.tooltip = md;
    this.command = { command: 'containerDb.openTable', title: 'Open Table', arguments: [this] };
  }

  override children(): TreeNode[] {
    const nodes: TreeNode[] = this.table.columns.map((c, i) => new ColumnItem(this, `${this.id}/col/${i}`, c));
    const indexes = this.allIndexes.filter((i) => i.table === this.table.name);
    if (indexes.length) {
      nodes.push(
        new GroupItem(this, `${this.id}/indexes`, 'Indexes', 'list-tree', (g) => indexes.map((ix, i) => new IndexItem(g, `${g.id}/${i}`, ix)), {
          description: String(indexes.length),
          contextValue: 'indexes',
        }),
      );
    }
    return nodes;
  }
}
