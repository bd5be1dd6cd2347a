/**
 * The divergence badge in the Containers view: appended to the description of the database node
 * and of each table, as the tree lists them. Items are recognised by their ids (the tree's own
 * scheme: container:<id>/db, container:<id>/db/table/<encoded name>), not by class, so the hook
 * needs nothing from the item classes.
 */
import { setBadge } from '../treeItems/descriptionBadges';
import type { TreeNode } from '../treeItems/treeNode';
import { databaseBadge, tableBadge } from './badges';
import type { Divergence } from './divergence';

export const ITEM_ID = /^container:([^/]+)\/db(?:\/table\/([^/]+))?$/;

/** Adds the badge for `node` (if it is a pulled database or one of its tables) to its description. */
export function decorateNode(node: TreeNode, divergence: (containerId: string) => Divergence | undefined): void {
  const m = node.id ? ITEM_ID.exec(node.id) : null;
  if (!m) return;
  setBadge(node, 'divergence', badgeFor(node, m[1], m[2], divergence));
}

function badgeFor(node: TreeNode, containerId: string, table: string | undefined, divergence: (containerId: string) => Divergence | undefined): string | undefined {
  const state = divergence(containerId);
  if (!state) return undefined;
  if (table === undefined) {
    if (node.contextValue !== 'database.pulled' || state.kind === 'computing') return undefined;
    return databaseBadge(state);
  }
  if (state.kind !== 'diff') return undefined;
  const name = decodeURIComponent(table);
  const t = state.diff.tables.find((x) => x.name === name);
  return t && tableBadge(t);
}

/** The container id an item belongs to (every item id of the tree starts with container:<id>). */
export function containerIdOf(node: TreeNode | undefined): string | undefined {
  const m = node?.id ? /^container:([^/]+)/.exec(node.id) : null;
  return m?.[1];
}
