import * as vscode from 'vscode';
import type { DockerService } from '../dockerService';
import { ContainerItem } from './containerItem';
import { MessageItem, TreeContext, TreeNode } from './treeNode';

/** A codicon per engine kind, none of them a container's (vm-running / vm-outline). */
const KIND_ICONS: Record<string, string> = { docker: 'server-environment', podman: 'server-process' };

/**
 * One engine of `containerDb.engines`, a root node of the Containers view: its name, kind,
 * version and address, and its containers under it. An unreachable engine says why, with a Retry
 * action (contextValue engine.unreachable); the other engines keep working.
 */
export class EngineItem extends TreeNode {
  readonly parent = undefined;

  constructor(
    readonly engine: DockerService,
    /** The entry this one repeats (the same engine reached twice). */
    readonly duplicateOf: string | undefined,
  ) {
    super(engine.name ?? 'default', vscode.TreeItemCollapsibleState.Expanded);
    const name = engine.name ?? 'default';
    this.id = engineItemId(name);
    const state = engine.state;
    const conn = engine.engine;
    const tip = new vscode.MarkdownString();
    const row = (label: string, value: string): void => {
      tip.appendMarkdown(`**${label}:** `);
      tip.appendText(value);
      tip.appendMarkdown('  \n');
    };
    row('Engine', name);
    if (duplicateOf !== undefined) {
      this.description = `same engine as '${duplicateOf}'`;
      this.iconPath = new vscode.ThemeIcon('copy', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      this.collapsibleState = vscode.TreeItemCollapsibleState.None;
      this.contextValue = 'engine.duplicate';
      if (conn) row('Address', conn.description);
      tip.appendText(`This entry reaches the same engine as '${duplicateOf}': its containers are listed there, once.`);
    } else if (state.kind === 'unreachable') {
      this.description = `unreachable: ${state.error.message}`;
      this.iconPath = new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('errorForeground'));
      this.collapsibleState = vscode.TreeItemCollapsibleState.None;
      this.contextValue = 'engine.unreachable';
      row('State', 'unreachable');
      tip.appendText(state.error.message);
    } else if (state.kind === 'ready' && conn) {
      const n = state.containers.length;
      this.description = `${conn.kind} ${conn.version} · ${n} ${n === 1 ? 'container' : 'containers'}`;
      this.iconPath = new vscode.ThemeIcon(KIND_ICONS[conn.kind] ?? 'server');
      this.contextValue = 'engine';
      row('Kind', conn.kind);
      row('Version', `${conn.version} (API ${conn.apiVersion})`);
      row('Address', conn.description);
      row('Containers', String(n));
    } else {
      this.description = 'connecting…';
      this.iconPath = new vscode.ThemeIcon('sync~spin');
      this.contextValue = 'engine.loading';
    }
    this.tooltip = tip;
    this.accessibilityInformation = { label: `Engine ${name}, ${this.description}` };
  }

  override children(ctx: TreeContext): TreeNode[] {
    if (this.duplicateOf !== undefined || this.engine.state.kind !== 'ready') return [];
    const containers = this.engine.containers();
    if (!containers.length) {
      const text = ctx.settings.showAllContainers ? 'No containers' : 'No container is running';
      return [new MessageItem(this, `${this.id}/empty`, text)];
    }
    return containers.map((c) => new ContainerItem(c, this, this.engine.name));
  }
}

export function engineItemId(name: string): string {
  return `engine:${name}`;
}
