/**
 * "Quick queries" under a pulled database: the catalogue's queries whose tables this database has
 * (the Open WebUI ones on any Open WebUI database, the usage ones only where the fork's usage
 * tables exist), then the user's. Clicking one runs it (the target is asked: container, host, both).
 */
import * as vscode from 'vscode';
import { missingTables, tableNames, type QuickQuery } from '../../core/queries';
import type { SchemaInfo } from '../../core/types';
import type { DatabaseEntry } from '../snapshotStore';
import { GroupItem, MessageItem, TreeNode } from '../treeItems/treeNode';
import { userQueries } from './userQueries';

export const QUICK_QUERY_CONTEXT = 'quickQuery';

export class QuickQueryItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    readonly containerId: string,
    readonly containerName: string,
    readonly query: QuickQuery,
  ) {
    super(query.title, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${encodeURIComponent(query.id)}`;
    this.description = query.source === 'user' ? 'yours' : undefined;
    this.iconPath = new vscode.ThemeIcon(query.source === 'user' ? 'account' : 'play');
    this.contextValue = QUICK_QUERY_CONTEXT;
    const md = new vscode.MarkdownString();
    md.appendText(query.description || query.title);
    if (query.params.length) {
      md.appendMarkdown('\n\n**Parameters:** ');
      md.appendText(query.params.map((p) => `:${p.name}${p.hint ? ` (${p.hint})` : ''}`).join(', '));
    }
    if (typeof query.sql === 'string') md.appendCodeblock(query.sql, 'sql');
    this.tooltip = md;
    this.command = { command: 'containerDb.runQuickQuery', title: 'Run Quick Query', arguments: [this] };
  }
}

/** The queries this schema can run, and how many others were left out for missing tables. */
export function applicableQueries(all: QuickQuery[], schema: SchemaInfo): { shown: QuickQuery[]; hidden: number } {
  const names = tableNames(schema);
  const shown = all.filter((q) => missingTables(q, names).length === 0);
  return { shown, hidden: all.length - shown.length };
}

/** The group for the database node; undefined when no query applies. */
export function quickQueriesGroup(parent: TreeNode, containerId: string, containerName: string, entry: DatabaseEntry): TreeNode | undefined {
  const source = userQueries();
  const { shown, hidden } = applicableQueries(source.all(), entry.schema);
  const problems = source.problems();
  if (shown.length === 0 && problems.length === 0) return undefined;
  const group = new GroupItem(
    parent,
    `${parent.id}/quick-queries`,
    'Quick queries',
    'beaker',
    (g) => [
      ...shown.map((q) => new QuickQueryItem(g, containerId, containerName, q)),
      ...(problems.length ? [problemsItem(g, problems)] : []),
    ],
    { description: String(shown.length), contextValue: 'quickQueries' },
  );
  if (hidden) group.tooltip = `${hidden} more quick ${hidden === 1 ? 'query needs tables' : 'queries need tables'} this database does not have.`;
  return group;
}

function problemsItem(parent: TreeNode, problems: string[]): TreeNode {
  const item = new MessageItem(parent, `${parent.id}/problems`, `${problems.length} problem${problems.length === 1 ? '' : 's'} in containerDb.queries`, 'warning');
  item.tooltip = problems.join('\n');
  item.contextValue = 'quickQueries.problems';
  item.command = { command: 'workbench.action.openSettingsJson', title: 'Open Settings (JSON)' };
  return item;
}
