import type { Services } from '../services';
import { containerItemId, mountsGroupId } from '../treeItems/containerItem';
import { containerTarget } from './containerTarget';

/** Show Container Mounts: reveals the container's Mounts node, expanded. */
export async function showMountsCommand(s: Services, arg?: unknown): Promise<string[] | undefined> {
  const container = await containerTarget(s, arg, 'Show Container Mounts');
  if (!container) return undefined;
  const item = await s.tree.resolve([containerItemId(container.id), mountsGroupId(container.id)]);
  if (item) await s.treeView.reveal(item, { select: true, focus: true, expand: true });
  return item ? (await s.tree.getChildren(item)).map((m) => String(m.label)) : [];
}
