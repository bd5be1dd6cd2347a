import * as vscode from 'vscode';
import type { ColumnInfo, IndexInfo, TableInfo } from '../../core/types';
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
