/**
 * The changes-since-the-last-pull badge in the Containers view, in its own slot after the host
 * divergence badge: `+3 ~1 −2 since last pull` on a table, `2 tables changed since last pull` on
 * the database. Items are recognised by their ids, as the divergence badges are.
 */
import { badgeOf, setBadge } from '../treeItems/descriptionBadges';
import type { TreeNode } from '../treeItems/treeNode';
import { ITEM_ID } from '../divergence/treeBadges';
import type { Changes } from './changes';
import { databaseChangeBadge, tableChangeBadge } from './changeBadges';

export function decorateChanges(node: TreeNode, changes: (containerId: string) => Changes | undefined): void {
  const m = node.id ? ITEM_ID.exec(node.id) : null;
  if (!m) return;
  const c = changes(m[1]);
  let badge: string | undefined;
  if (c && m[2] === undefined) badge = node.contextValue === 'database.pulled' ? databaseChangeBadge(c) : undefined;
  else if (c?.kind === 'diff') {
    const name = decodeURIComponent(m[2]);
    const t = c.diff.tables.find((x) => x.name === name);
    badge = t && tableChangeBadge(t, !!badgeOf(node, 'divergence'));
  }
  setBadge(node, 'changes', badge);
}
