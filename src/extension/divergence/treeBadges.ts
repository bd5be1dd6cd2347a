/**
 * The divergence badge in the Containers view: appended to the description of the database node
 * and of each table, as the tree lists them. Items are recognised by their ids (the tree's own
 * scheme: container:<id>/db, container:<id>/db/table/<encoded name>), not by class, so the hook
 * needs nothing from the item classes.
 */
import type { TreeNode } from '../treeItems/treeNode';
import { databaseBadge, tableBadge } from './badges';
import type { Divergence } from './divergence';

const ITEM_ID = /^container:([^/]+)\/db(?:\/table\/([^/]+))?$/;

/**
 * Each decorated node's description before its badge, and as decorated: decorating again replaces
 * the badge, and a description that is neither (the node was updated in place) is the new base.
 */
const undecorated = new WeakMap<TreeNode, { base: string; decorated: string | undefined }>();

/** Adds the badge for `node` (if it is a pulled database or one of its tables) to its description. */
export function decorateNode(node: TreeNode, divergence: (containerId: string) => Divergence | undefined): void {
  const m = node.id ? ITEM_ID.exec(node.id) : null;
  if (!m) return;
  const current = typeof node.description === 'string' ? node.description : undefined;
  const known = undecorated.get(node);
  const base = known && known.decorated === current ? known.base : (current ?? '');
  const record = { base, decorated: base || undefined };
  undecorated.set(node, record);
  node.description = record.decorated;
  const state = divergence(m[1]);
  if (!state) return;
  let badge: string | undefined;
  if (m[2] === undefined) {
    if (node.contextValue !== 'database.pulled' || state.kind === 'computing') return;
    badge = databaseBadge(state);
  } else if (state.kind === 'diff') {
    const name = decodeURIComponent(m[2]);
    const t = state.diff.tables.find((x) => x.name === name);
    badge = t && tableBadge(t);
  }
  if (!badge) return;
  node.description = record.decorated = base ? `${base} · ${badge}` : badge;
}

/** The container id an item belongs to (every item id of the tree starts with container:<id>). */
export function containerIdOf(node: TreeNode | undefined): string | undefined {
  const m = node?.id ? /^container:([^/]+)/.exec(node.id) : null;
  return m?.[1];
}
