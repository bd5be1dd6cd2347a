/**
 * Badges that several features append to a tree node's description (the host divergence of issue
 * 4, the changes since the last pull of issue 11), each in its own slot, always in the same order.
 * One record per node holds the description without badges: when two features each remembered
 * "the description before my badge", each took the other's badge for part of the text.
 */
import type { TreeNode } from './treeNode';

/** The slots, in the order they are shown. */
export type BadgeSlot = 'divergence' | 'changes';
const ORDER: readonly BadgeSlot[] = ['divergence', 'changes'];

interface Record {
  base: string;
  /** The description as last composed: anything else found there is a new base. */
  composed: string | undefined;
  badges: Map<BadgeSlot, string>;
}

const records = new WeakMap<TreeNode, Record>();

/** Sets (or, with undefined, clears) one slot's badge on `node` and composes its description. */
export function setBadge(node: TreeNode, slot: BadgeSlot, badge: string | undefined): void {
  const current = typeof node.description === 'string' ? node.description : undefined;
  let r = records.get(node);
  if (!r || r.composed !== current) {
    r = { base: current ?? '', composed: current, badges: new Map() };
    records.set(node, r);
  }
  if (badge) r.badges.set(slot, badge);
  else r.badges.delete(slot);
  const parts = [r.base, ...ORDER.map((s) => r!.badges.get(s)).filter((b): b is string => !!b)].filter(Boolean);
  r.composed = parts.length ? parts.join(' · ') : undefined;
  node.description = r.composed;
}

/** The badge in `slot` of `node`, if any (the changes badge is written shorter beside a divergence badge). */
export function badgeOf(node: TreeNode, slot: BadgeSlot): string | undefined {
  return records.get(node)?.badges.get(slot);
}
