import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ContainerInfo, DatabaseLocation } from '../../core/types';
import { formatByteSize } from '../../core/byteSize';
import { formatClock, plural } from '../format';
import { quickQueriesGroup } from '../queries/quickQueriesNode';
import type { DatabaseEntry } from '../snapshotStore';
import { TableItem } from './tableItem';
import { TriggerItem } from './triggerItem';
import { GroupItem, MessageItem, TreeContext, TreeNode } from './treeNode';

/**
 * The container's database: where the file lives and whether it has been pulled. Once pulled it
 * expands to the tables, then Views, Triggers and (by setting) System tables.
 */
export class DatabaseItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    readonly container: ContainerInfo,
    readonly entry: DatabaseEntry | undefined,
    pulling: boolean,
  ) {
    const loc = container.database;
    super(loc.unsupported ? `DATABASE_URL ${loc.unsupported.url}` : loc.path || 'no database path', entry ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.id = databaseItemId(container.id);
    const where = locationText(loc);
    if (loc.unsupported) {
      this.description = `unsupported: ${loc.unsupported.kind}`;
      this.iconPath = new vscode.ThemeIcon('circle-slash');
      this.contextValue = 'database.unsupported';
    } else if (entry) {
      const st = entry.snapshot.stamp;
      const wal = st.walFramesApplied ? ` · WAL ${plural(st.walFramesApplied, 'frame')}` : '';
      this.description = `${pulling ? 'pulling… · ' : ''}pulled ${formatClock(st.pulledAt)} · ${formatByteSize(entry.snapshot.bytes.byteLength)}${wal}`;
      this.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('charts.blue'));
      this.contextValue = 'database.pulled';
    } else {
      this.description = `${where} · ${pulling ? 'pulling…' : 'not pulled'}`;
      this.iconPath = new vscode.ThemeIcon(pulling ? 'sync~spin' : 'database');
      this.contextValue = 'database';
    }
    this.tooltip = databaseTooltip(container, entry);
  }

  override children(ctx: TreeContext): TreeNode[] {
    const entry = this.entry;
    if (!entry) return [];
    const schema = entry.schema;
    const cid = this.container.id;
    const userTables = schema.tables.filter((t) => !t.system);
    const nodes: TreeNode[] = userTables.map((t) => new TableItem(this, cid, t, schema.indexes));
    if (userTables.length === 0) nodes.push(new MessageItem(this, `${this.id}/no-tables`, 'No tables'));
    if (schema.views.length) {
      nodes.push(new GroupItem(this, `${this.id}/views`, 'Views', 'eye', (g) => schema.views.map((v) => new TableItem(g, cid, v, [])), { description: String(schema.views.length), contextValue: 'views' }));
    }
    if (schema.triggers.length) {
      nodes.push(
        new GroupItem(this, `${this.id}/triggers`, 'Triggers', 'zap', (g) => schema.triggers.map((t) => new TriggerItem(g, cid, t)), {
          description: String(schema.triggers.length),
          contextValue: 'triggers',
        }),
      );
    }
    const quick = quickQueriesGroup(this, cid, this.container.name, entry);
    if (quick) nodes.push(quick);
    const system = schema.tables.filter((t) => t.system);
    if (ctx.settings.showSystemTables && system.length) {
      nodes.push(
        new GroupItem(this, `${this.id}/system`, 'System tables', 'gear', (g) => system.map((t) => new TableItem(g, cid, t, schema.indexes)), {
          description: String(system.length),
          contextValue: 'systemTables',
        }),
      );
    }
    return nodes;
  }
}

export function databaseItemId(containerId: string): string {
  return `container:${containerId}/db`;
}

/** "in volume open-webui", "in bind mount /home/me/data", "in the container's own layer". */
export function locationText(loc: DatabaseLocation): string {
  if (!loc.mount) return "in the container's own layer";
  if (loc.mount.kind === 'volume') return `in volume ${loc.mount.source}`;
  if (loc.mount.kind === 'bind') return `in bind mount ${loc.mount.source}`;
  return `in ${loc.mount.kind} ${loc.mount.destination}`;
}

function databaseTooltip(c: ContainerInfo, entry: DatabaseEntry | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const row = (label: string, value: string): void => {
    md.appendMarkdown(`**${label}:** `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  };
  const loc = c.database;
  if (loc.unsupported) {
    row('DATABASE_URL', loc.unsupported.url);
    md.appendText('Only SQLite databases can be inspected.');
    return md;
  }
  row('Path', loc.path);
  row('Found from', loc.source);
  row('Lives', locationText(loc));
  if (!entry) {
    md.appendText('Not pulled yet: run Inspect Container DB.');
    return md;
  }
  const st = entry.snapshot.stamp;
  row('Pulled', new Date(st.pulledAt).toLocaleString());
  row('Size', `${formatByteSize(st.size)} file, ${formatByteSize(entry.snapshot.bytes.byteLength)} with WAL applied`);
  row('WAL frames applied', String(st.walFramesApplied));
  row('Journal', st.journal);
  row('SHA-256', st.sha256?.slice(0, 16) ?? 'not computed');
  row('Tables', String(entry.schema.tables.filter((t) => !t.system).length));
  for (const w of st.warnings) row('Warning', w);
  return md;
}

export function databaseFileName(entry: { path: string }): string {
  return path.posix.basename(entry.path) || 'database.db';
}
