import * as vscode from 'vscode';
import type { ContainerInfo } from '../../core/types';
import { DatabaseItem } from './databaseItem';
import { MountItem } from './mountItem';
import { GroupItem, TreeContext, TreeNode } from './treeNode';

/** A container: name, image · state; expands to its Mounts and its database. */
export class ContainerItem extends TreeNode {
  /** `parent`: the engine's root node when `containerDb.engines` lists several (engineItem.ts). */
  constructor(
    public container: ContainerInfo,
    readonly parent: TreeNode | undefined = undefined,
    /** The engine's entry name, shown in the tooltip when several engines are configured. */
    readonly engineName?: string,
  ) {
    super(container.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = containerItemId(container.id);
    this.show(container);
  }

  /** New data for the same container (same id): the view redraws this item alone. */
  show(container: ContainerInfo): void {
    this.container = container;
    this.label = container.name;
    this.description = `${container.image} · ${container.state}`;
    this.tooltip = containerTooltip(container, this.engineName);
    const running = container.state === 'running';
    this.iconPath = new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline', running ? new vscode.ThemeColor('charts.green') : undefined);
    const hasDb = !!container.database.path && !container.database.unsupported;
    this.contextValue = hasDb ? 'container.db' : 'container';
  }

  override children(ctx: TreeContext): TreeNode[] {
    const c = this.container;
    const nodes: TreeNode[] = [];
    nodes.push(new DatabaseItem(this, c, ctx.store.get(c.id), ctx.store.isPulling(c.id)));
    nodes.push(
      new GroupItem(this, mountsGroupId(c.id), 'Mounts', 'folder-library', (g) => c.mounts.map((m, i) => new MountItem(g, c.id, i, m)), {
        description: c.mounts.length ? String(c.mounts.length) : 'none',
        contextValue: 'mounts',
      }),
    );
    return nodes;
  }
}

export function containerItemId(containerId: string): string {
  return `container:${containerId}`;
}

export function mountsGroupId(containerId: string): string {
  return `container:${containerId}/mounts`;
}

/** Every value comes from the engine, so it is added as text (escaped), never as markdown. */
function containerTooltip(c: ContainerInfo, engineName: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const row = (label: string, value: string): void => {
    md.appendMarkdown(`**${label}:** `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  };
  row('Container', c.name);
  if (engineName) row('Engine', engineName);
  row('ID', c.id.slice(0, 12));
  row('Image', c.image);
  row('State', c.status || c.state);
  if (c.startedAt) row('Started', new Date(c.startedAt).toLocaleString());
  row('Ports', c.ports.length ? c.ports.join(', ') : 'none published');
  if (c.database.unsupported) row('Database', `unsupported: ${c.database.unsupported.kind}`);
  else if (c.database.path) row('Database', `${c.database.path} (from ${c.database.source})`);
  return md;
}
