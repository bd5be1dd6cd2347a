/**
 * The cheap answer first: when a table's b-tree in A (every interior, leaf and overflow page
 * reachable from its root) sits at the same page numbers with the same bytes in B, the table's
 * rows are identical and no row needs comparing. Reads the pages of the two databases directly
 * (a PagePair: images in memory, or files read on demand; file format:
 * https://sqlite.org/fileformat2.html#b_tree_pages), stops at the first page that differs, and
 * gives up (null) on anything unexpected, so the caller falls back to SQL.
 *
 * sharedRowidRanges does the same per leaf, like rsync: two copies of one database that diverged
 * (the host's and the container's) still share most pages, so only the leaves that differ need
 * their rows paired in SQL.
 */
import { u32, type PagePair } from './pagePair';

function varint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const b = bytes[at + i];
    v = v * 128 + (b & 0x7f);
    if (b < 0x80) return [v, at + i + 1];
  }
  return [v * 256 + bytes[at + 8], at + 9];
}

const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];

/** The payload-on-page rule of the file format: the bytes kept on the page, null when all fit. */
function localBytes(usable: number, payload: number, leafTable: boolean): number | null {
  const x = leafTable ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
  if (payload <= x) return null;
  const m = Math.floor(((usable - 12) * 32) / 255) - 23;
  const k = m + ((payload - m) % (usable - 4));
  return k <= x ? k : m;
}

/**
 * Rows in the table rooted at `root` when its whole b-tree is byte-identical in A and B; null
 * when any page differs or cannot be read.
 */
export function identicalTreeRows(pair: PagePair, root: number): number | null {
  const { pageSize, usable } = pair;
  const seen = new Set<number>();
  /** Page n when it is shared and not seen before (a loop), else null. */
  const shared = (n: number): boolean => {
    if (n < 1 || seen.has(n) || !pair.same(n)) return false;
    seen.add(n);
    return true;
  };
  const page = (n: number): Uint8Array | null => (shared(n) ? pair.pageA(n) : null);
  const overflow = (first: number): boolean => {
    for (let n = first; n !== 0; n = pair.nextA(n)) if (!shared(n)) return false;
    return true;
  };
  const spills = (payload: number, leafTable: boolean) => localBytes(usable, payload, leafTable);
  let rows = 0;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    const p = page(n);
    if (!p) return null;
    const h = n === 1 ? 100 : 0;
    const type = p[h];
    const cells = u16(p, h + 3);
    const interior = type === 0x02 || type === 0x05;
    if (![0x02, 0x05, 0x0a, 0x0d].includes(type)) return null;
    const ptrs = h + (interior ? 12 : 8);
    if (interior) stack.push(u32(p, h + 8));
    for (let i = 0; i < cells; i++) {
      let at = u16(p, ptrs + 2 * i);
      if (at >= pageSize) return null;
      if (interior) {
        stack.push(u32(p, at));
        at += 4;
        if (type === 0x05) continue; // interior table cell: child pointer and rowid only
      }
      const [payload, afterSize] = varint(p, at);
      at = afterSize;
      if (type === 0x0d) at = varint(p, at)[1];
      rows++; // a leaf table cell, or an index cell (WITHOUT ROWID rows sit in interior cells too)
      const local = spills(payload, type === 0x0d);
      if (local !== null) {
        if (at + local + 4 > pageSize) return null;
        if (!overflow(u32(p, at + local))) return null;
      }
    }
  }
  return rows;
}

/** A 64-bit varint as SQLite's signed rowid (exact: rowids go beyond 2^53). */
function rowidVarint(bytes: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) {
    const b = bytes[at + i];
    v = (v << 7n) | BigInt(b & 0x7f);
    if (b < 0x80) return BigInt.asIntN(64, v);
  }
  return BigInt.asIntN(64, (v << 8n) | BigInt(bytes[at + 8]));
}

/** The rows of leaves that both trees hold, byte for byte: `[lo, hi]` rowid ranges, ascending. */
export interface SharedRows {
  /** Rows inside `ranges`: identical in A and B. */
  rows: number;
  /** Each range holds exactly the same rows in A and in B (whole leaves: no other row of either side lies inside). */
  ranges: [lo: bigint, hi: bigint][];
  /** Every page of both trees is shared: the table is identical, `rows` is all of it. */
  whole: boolean;
}

interface RowidTree {
  /** Leaf page numbers, in key order. */
  leaves: number[];
  /** Interior page numbers, in walk order. */
  interiors: number[];
}

/** The pages of a rowid table's b-tree; null when a page is not a table b-tree page or is reached twice. */
function rowidTree(kind: (n: number) => number, page: (n: number) => Uint8Array | null, root: number, pageSize: number): RowidTree | null {
  const seen = new Set<number>();
  const leaves: number[] = [];
  const interiors: number[] = [];
  // Left to right: a stack of pending children, the leftmost on top.
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n < 2 || seen.has(n)) return null;
    seen.add(n);
    // Leaves are told apart by their type byte alone: most of them are never read.
    const type = kind(n);
    if (type === 0x0d) {
      leaves.push(n);
      continue;
    }
    if (type !== 0x05) return null;
    const p = page(n);
    if (!p) return null;
    interiors.push(n);
    const cells = u16(p, 3);
    if (12 + 2 * cells > pageSize) return null;
    const children: number[] = [];
    for (let i = 0; i < cells; i++) {
      const ptr = u16(p, 12 + 2 * i);
      if (ptr + 4 > pageSize) return null;
      children.push(u32(p, ptr));
    }
    children.push(u32(p, 8));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { leaves, interiors };
}

/**
 * The rows of the rowid table rooted at `root` (in A; `rootB` in B) that need no pairing: those on
 * leaf pages that belong to the table in both images, with the same bytes there and on their
 * overflow pages. Such a leaf holds the same rowids with the same records on both sides, and no
 * other row of either side has a rowid between its first and last. With a key that cannot be NULL
 * (the caller's check) and the same table definition, each of its rows pairs with its own copy
 * and with nothing else: it is unchanged, and the rest of the table pairs among itself.
 * At most `maxRanges` ranges (the largest): each becomes a term of the SQL that pairs the rest.
 * Null when the tree is not a plain rowid table's, or cannot be read.
 */
export function sharedRowidRanges(pair: PagePair, root: number, rootB = root, maxRanges = 64): SharedRows | null {
  const { pageSize, usable } = pair;
  const treeA = rowidTree(pair.kindA, pair.pageA, root, pageSize);
  const treeB = rowidTree(pair.kindB, pair.pageB, rootB, pageSize);
  if (!treeA || !treeB) return null;
  const samePage = (n: number) => pair.same(n);
  // Every cell's overflow chain (same page numbers, since the leaf's bytes are equal) equal too.
  const sameOverflow = (n: number, cells: number): boolean => {
    const p = pair.pageA(n)!;
    for (let i = 0; i < cells; i++) {
      let at = u16(p, 8 + 2 * i);
      if (at >= pageSize) return false;
      const [payload, afterSize] = varint(p, at);
      at = varint(p, afterSize)[1];
      const local = localBytes(usable, payload, true);
      if (local === null) continue;
      if (at + local + 4 > pageSize) return false;
      let next = u32(p, at + local);
      for (let left = Math.ceil((payload - local) / (usable - 4)); left > 0; left--) {
        if (next < 2 || !samePage(next)) return false;
        next = pair.nextA(next);
      }
    }
    return true;
  };
  const inB = new Map(treeB.leaves.map((n, i) => [n, i]));
  type Run = { lo: bigint; hi: bigint; rows: number; lastA: number; lastB: number };
  const runs: Run[] = [];
  let shared = 0;
  treeA.leaves.forEach((n, i) => {
    const j = inB.get(n);
    if (j === undefined || !samePage(n)) return;
    const p = pair.pageA(n)!;
    const cells = u16(p, 3);
    if (8 + 2 * cells > pageSize) return;
    if (cells === 0) {
      shared++; // an empty table's root leaf: nothing to pair
      return;
    }
    if (!sameOverflow(n, cells)) return;
    const rowidAt = (c: number) => rowidVarint(p, varint(p, u16(p, 8 + 2 * c))[1]);
    const lo = rowidAt(0);
    const hi = rowidAt(cells - 1);
    shared++;
    const last = runs[runs.length - 1];
    // Neighbours on both sides: nothing of either side lies between them, so one range covers both.
    if (last && last.lastA === i - 1 && last.lastB === j - 1) {
      Object.assign(last, { hi, rows: last.rows + cells, lastA: i, lastB: j });
    } else {
      runs.push({ lo, hi, rows: cells, lastA: i, lastB: j });
    }
  });
  const whole =
    shared === treeA.leaves.length &&
    shared === treeB.leaves.length &&
    runs.length <= 1 &&
    treeA.interiors.length === treeB.interiors.length &&
    treeA.interiors.every((n, i) => treeB.interiors[i] === n && samePage(n));
  const kept = runs.length > maxRanges ? [...runs].sort((x, y) => y.rows - x.rows).slice(0, maxRanges).sort((x, y) => (x.lo < y.lo ? -1 : 1)) : runs;
  return { rows: kept.reduce((sum, r) => sum + r.rows, 0), ranges: kept.map((r) => [r.lo, r.hi]), whole };
}
