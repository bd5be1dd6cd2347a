/**
 * Show Changes (`containerDb.showChanges`): opens the change view of a container on the table it
 * was invoked on, else the first table that changed. Invoked from a database or table row, the
 * status bar (a container id), tests ({containerId, table}), or the palette (the container the
 * status bar follows, else a pick).
 */
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../core/types';
import { containerTarget } from '../commands/containerTarget';
import type { Services } from '../services';
import type { TreeNode } from '../treeItems/treeNode';
import { containerIdOf } from '../divergence/treeBadges';
import type { ChangesFeature } from './changesFeature';
import type { ChangesPanel } from './changesPanel';

export async function showChangesCommand(s: Services, f: ChangesFeature, arg?: unknown): Promise<ChangesPanel | undefined> {
  const { container, table } = await target(s, f, arg);
  if (!container) return undefined;
  const label = s.docker.label(container.id, container.name);
  if (!s.store.get(container.id)) {
    void vscode.window.showInformationMessage(`${label} has not been pulled: inspect it, then re-pull it to see what changes.`);
    return undefined;
  }
  await f.service.settled(container.id);
  if (!f.service.get(container.id)) {
    void vscode.window.showInformationMessage(`${label} has been pulled once: re-pull it to see what changed since.`);
    return undefined;
  }
  return f.panels.open(container.id, table);
}

async function target(s: Services, f: ChangesFeature, arg: unknown): Promise<{ container?: ContainerInfo; table?: string }> {
  if (arg instanceof vscode.TreeItem) {
    const node = arg as TreeNode;
    const id = containerIdOf(node);
    const m = node.id ? /\/db\/table\/([^/]+)$/.exec(node.id) : null;
    if (id) return { container: s.docker.container(id), table: m ? decodeURIComponent(m[1]) : undefined };
  }
  if (arg && typeof arg === 'object' && 'containerId' in arg) {
    const a = arg as { containerId: unknown; table?: unknown };
    if (typeof a.containerId === 'string') return { container: s.docker.container(a.containerId), table: typeof a.table === 'string' ? a.table : undefined };
  }
  if (typeof arg === 'string' && s.docker.container(arg)) return { container: s.docker.container(arg) };
  const focused = f.status.focusedContainer;
  if (arg === undefined && focused && s.store.get(focused)) return { container: s.docker.container(focused) };
  return { container: await containerTarget(s, arg, 'Show Changes') };
}
