/**
 * Which container a command acts on: the tree item it was invoked on, a name or id passed by
 * another extension or a test, or else the user's pick.
 */
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { ContainerInfo } from '../../core/types';
import type { Services } from '../services';
import { ContainerItem } from '../treeItems/containerItem';
import { DatabaseItem, locationText } from '../treeItems/databaseItem';
import { TreeNode } from '../treeItems/treeNode';

export async function containerTarget(s: Services, arg: unknown, purpose: string): Promise<ContainerInfo | undefined> {
  if (arg instanceof ContainerItem || arg instanceof DatabaseItem) return s.docker.container(arg.container.id) ?? arg.container;
  if (arg instanceof TreeNode) {
    for (let n: TreeNode | undefined = arg; n; n = n.parent) if (n instanceof ContainerItem) return n.container;
  }
  if (typeof arg === 'string' && arg) return findByNameOrId(s, arg);
  return pickContainer(s, purpose);
}

async function findByNameOrId(s: Services, nameOrId: string): Promise<ContainerInfo> {
  // With several engines a name may be on more than one: "open-webui on podman" says which.
  const on = / on ([^ ]+)$/.exec(nameOrId);
  if (on && s.docker.byName(on[1])) {
    const [name, engine] = [nameOrId.slice(0, on.index), on[1]];
    const c = s.docker.containers().find((x) => x.name === name && s.docker.engineOf(x.id)?.name === engine);
    if (c) return c;
  }
  const find = () => s.docker.containers().find((c) => c.name === nameOrId || c.id === nameOrId || (nameOrId.length >= 4 && c.id.startsWith(nameOrId)));
  let found = find();
  if (!found) {
    await s.docker.refresh();
    found = find();
  }
  if (found) return found;
  if (s.docker.state.kind === 'unreachable') throw s.docker.state.error;
  throw new CdbError('CONTAINER_NOT_FOUND', `No running container is named ${nameOrId}: start it, or pick one from the Containers view.`);
}

async function pickContainer(s: Services, purpose: string): Promise<ContainerInfo | undefined> {
  await s.docker.ensureLoaded();
  if (s.docker.state.kind === 'unreachable') throw s.docker.state.error;
  const containers = s.docker.containers();
  if (!containers.length) {
    void vscode.window.showInformationMessage('No container is running. Start your app, then try again.');
    return undefined;
  }
  const usable = (c: ContainerInfo) => !!c.database.path && !c.database.unsupported;
  type Item = vscode.QuickPickItem & { container?: ContainerInfo };
  const toItem = (c: ContainerInfo): Item => ({
    label: s.docker.label(c.id, c.name),
    description: `${c.image} · ${c.state}`,
    detail: c.database.unsupported
      ? `$(circle-slash) ${c.database.unsupported.kind} database (unsupported)`
      : c.database.path
        ? `$(database) ${c.database.path} ${locationText(c.database)}${s.store.get(c.id) ? ' · pulled' : ''}`
        : '$(question) no database found',
    iconPath: new vscode.ThemeIcon(c.state === 'running' ? 'vm-running' : 'vm-outline'),
    container: c,
  });
  const withDb = containers.filter(usable);
  const others = containers.filter((c) => !usable(c));
  const items: Item[] = [];
  if (withDb.length) items.push({ label: 'With a database', kind: vscode.QuickPickItemKind.Separator }, ...withDb.map(toItem));
  if (others.length) items.push({ label: 'Other containers', kind: vscode.QuickPickItemKind.Separator }, ...others.map(toItem));
  const picked = await vscode.window.showQuickPick(items, { title: purpose, placeHolder: 'Pick a container', matchOnDescription: true, matchOnDetail: true });
  return picked?.container;
}
