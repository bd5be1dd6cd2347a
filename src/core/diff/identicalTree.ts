/**
 * The cheap answer first: when a table's b-tree in A (every interior, leaf and overflow page
 * reachable from its root) sits at the same page numbers with the same bytes in B, the table's
 * rows are identical and no row needs comparing. Reads the two database images directly
 * (file format: https://sqlite.org/fileformat2.html#b_tree_pages), stops at the first page that
 * differs, and gives up (null) on anything unexpected, so the caller falls back to SQL.
 */

interface Geometry {
  pageSize: number;
  usable: number;
}

function geometry(image: Uint8Array): Geometry | null {
  if (image.length < 100) return null;
  const raw = (image[16] << 8) | image[17];
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return null;
  return { pageSize, usable: pageSize - image[20] };
}

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
const u32 = (b: Uint8Array, at: number) => ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];

/**
 * Rows in the table rooted at `root` when its whole b-tree is byte-identical in `a` and `b`;
 * null when any page differs or cannot be read.
 */
export function identicalTreeRows(a: Uint8Array, b: Uint8Array, root: number): number | null {
  const g = geometry(a);
  const gb = geometry(b);
  if (!g || !gb || g.pageSize !== gb.pageSize || g.usable !== gb.usable) return null;
  const { pageSize, usable } = g;
  const pages = Math.floor(a.length / pageSize);
  const seen = new Set<number>();
  const page = (n: number): Uint8Array | null => {
    if (n < 1 || n > pages || seen.has(n) || n * pageSize > b.length) return null;
    seen.add(n);
    const pa = a.subarray((n - 1) * pageSize, n * pageSize);
    const pb = b.subarray((n - 1) * pageSize, n * pageSize);
    return Buffer.compare(pa, pb) === 0 ? pa : null;
  };
  const overflow = (first: number): boolean => {
    for (let n = first; n !== 0; ) {
      const p = page(n);
      if (!p) return false;
      n = u32(p, 0);
    }
    return true;
  };
  // The payload-on-page rule of the file format: what does not fit spills to overflow pages.
  const spills = (payload: number, leafTable: boolean): number | null => {
    const x = leafTable ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
    if (payload <= x) return null;
    const m = Math.floor(((usable - 12) * 32) / 255) - 23;
    const k = m + ((payload - m) % (usable - 4));
    return k <= x ? k : m;
  };
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
