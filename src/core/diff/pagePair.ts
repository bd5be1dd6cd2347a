/**
 * Two database images seen page by page, for identicalTree.ts: which pages hold the same bytes
 * in A and B, the b-tree pages of each, and where an overflow page of A continues.
 *
 * Two images in memory answer each question when asked. Two files read on demand are compared
 * once, front to back, a few megabytes at a time (one sequential pass: measured 0.2 s for two
 * 357 MiB files, where asking page by page in b-tree order took 0.7 s of scattered reads);
 * afterwards only b-tree pages, a small part of a file whose rows spill to overflow pages, are read
 * again.
 */
import { BlockReader, memoryImage, type ImageReader } from '../bytes';
import { throwIfAborted } from '../errors';

export interface PagePair {
  readonly pageSize: number;
  /** Page size less the reserved bytes at the end of each page. */
  readonly usable: number;
  readonly pagesA: number;
  readonly pagesB: number;
  /** Page `n` (1-based) of A, null past its end. The view stays valid (see BlockReader.read). */
  pageA(n: number): Uint8Array | null;
  pageB(n: number): Uint8Array | null;
  /** Page `n` exists in both and has the same bytes in both. */
  same(n: number): boolean;
  /** The big-endian u32 at the start of A's page `n`: the next page of an overflow chain (0: the last). */
  nextA(n: number): number;
  /** The first byte of page `n` (n ≥ 2): a b-tree page's type (0x0d a table leaf); -1 past the end. */
  kindA(n: number): number;
  kindB(n: number): number;
}

/** An image in memory, or a file read on demand. */
export type PageImage = Uint8Array | ImageReader;

interface Geometry {
  pageSize: number;
  usable: number;
}

function geometry(header: Uint8Array): Geometry | null {
  if (header.length < 100) return null;
  const raw = (header[16] << 8) | header[17];
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return null;
  return { pageSize, usable: pageSize - header[20] };
}

export const u32 = (b: Uint8Array, at: number) => ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];

/**
 * Page size and usable size when both images agree on them and on the text encoding (identical
 * record bytes are identical values only under one encoding, header offset 56).
 */
function sameGeometry(a: ImageReader, b: ImageReader): Geometry | null {
  const ha = a.read(0, 100);
  const hb = b.read(0, 100);
  const g = geometry(ha);
  const gb = geometry(hb);
  if (!g || !gb || g.pageSize !== gb.pageSize || g.usable !== gb.usable) return null;
  return u32(ha, 56) === u32(hb, 56) ? g : null;
}

const asReader = (image: PageImage): ImageReader => (image instanceof Uint8Array ? memoryImage(image) : image);

const pageIn = (image: ImageReader, n: number, pageSize: number, pages: number): Uint8Array | null =>
  n >= 1 && n <= pages ? image.read((n - 1) * pageSize, pageSize) : null;

/**
 * The pair for two images; null when they differ in page size, reserved bytes or text encoding
 * (then no page of one can be compared with a page of the other). Two files read on demand are
 * compared here, once (see above); anything else when asked.
 */
export async function pagePair(imageA: PageImage, imageB: PageImage, signal?: AbortSignal): Promise<PagePair | null> {
  const a = asReader(imageA);
  const b = asReader(imageB);
  const g = sameGeometry(a, b);
  if (!g) return null;
  const { pageSize, usable } = g;
  const pagesA = Math.floor(a.length / pageSize);
  const pagesB = Math.floor(b.length / pageSize);
  const pageA = (n: number) => pageIn(a, n, pageSize, pagesA);
  const pageB = (n: number) => pageIn(b, n, pageSize, pagesB);
  const base = { pageSize, usable, pagesA, pagesB, pageA, pageB };
  if (a instanceof BlockReader && b instanceof BlockReader) {
    const pass = await comparePass(a, b, pageSize, signal);
    const kind = (kinds: Uint8Array, pages: number) => (n: number) => (n >= 1 && n <= pages ? kinds[n] : -1);
    return {
      ...base,
      pageA: (n) => pass.keptA.get(n) ?? pageA(n),
      pageB: (n) => pass.keptB.get(n) ?? pageB(n),
      same: (n) => pass.same[n] === 1,
      nextA: (n) => (n >= 1 && n <= pagesA ? pass.next[n] : 0),
      kindA: kind(pass.kindA, pagesA),
      kindB: kind(pass.kindB, pagesB),
    };
  }
  const kind = (page: (n: number) => Uint8Array | null) => (n: number) => page(n)?.[0] ?? -1;
  return {
    ...base,
    same(n) {
      const pa = pageA(n);
      const pb = pageB(n);
      return pa !== null && pb !== null && Buffer.compare(pa, pb) === 0;
    },
    nextA(n) {
      const p = pageA(n);
      return p ? u32(p, 0) : 0;
    },
    kindA: kind(pageA),
    kindB: kind(pageB),
  };
}

/** How much of each file one step of the pass reads. */
const PASS_CHUNK = 4 * 1024 * 1024;
/**
 * Chunks of each file read ahead of the comparison: two, so that four reads (libuv's whole pool)
 * keep both cores copying from the page cache (measured on two 357 MiB files: 2 ahead 105-108 ms
 * of reading, 1 ahead 127 ms), plus the one being compared.
 */
const READS_AHEAD = 2;
/** At most this much of the pages a walk reads is kept from the pass (the rest is read again). */
const KEPT_PAGE_BYTES = 32 * 1024 * 1024;

interface Pass {
  /** 1 when page n has the same bytes in both files. */
  same: Uint8Array;
  /** The u32 at the start of A's page n. */
  next: Uint32Array;
  /** The first byte of each page of A, of B. */
  kindA: Uint8Array;
  kindB: Uint8Array;
  /**
   * Copies of the pages a b-tree walk will read (interior table pages of both, table leaves of A
   * that B shares), up to KEPT_PAGE_BYTES: read again later they would cost a read each.
   */
  keptA: Map<number, Uint8Array>;
  keptB: Map<number, Uint8Array>;
}

/**
 * One pass over both files, a chunk of each at a time. Beside `same` it keeps what a b-tree walk
 * asks of every page: the type byte (so leaves need no read to be told from interior pages) and
 * A's overflow link (so a chain is followed without reading it again). The two files are read on
 * the thread pool, side by side, READS_AHEAD chunks ahead of the comparison.
 */
async function comparePass(a: BlockReader, b: BlockReader, pageSize: number, signal?: AbortSignal): Promise<Pass> {
  const pagesA = Math.floor(a.length / pageSize);
  const pagesB = Math.floor(b.length / pageSize);
  const pass: Pass = { same: new Uint8Array(pagesA + 1), next: new Uint32Array(pagesA + 1), kindA: new Uint8Array(pagesA + 1), kindB: new Uint8Array(pagesB + 1), keptA: new Map(), keptB: new Map() };
  let budget = Math.floor(KEPT_PAGE_BYTES / pageSize);
  const keep = (kept: Map<number, Uint8Array>, n: number, buf: Buffer, at: number) => {
    if (budget-- > 0) kept.set(n, Uint8Array.prototype.slice.call(buf, at, at + pageSize));
  };
  const chunk = Math.max(PASS_CHUNK - (PASS_CHUNK % pageSize), pageSize);
  const buffers = Array.from({ length: READS_AHEAD + 1 }, () => [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)]);
  const readChunk = (first: number, [bufA, bufB]: Buffer[]) => {
    const offset = (first - 1) * pageSize;
    return Promise.all([first <= pagesA ? a.readIntoAsync(bufA, offset) : 0, first <= pagesB ? b.readIntoAsync(bufB, offset) : 0]);
  };
  const step = chunk / pageSize;
  const last = Math.max(pagesA, pagesB);
  // Chunks in flight, oldest first: READS_AHEAD of each file at once on the thread pool.
  const pending: Promise<[number, number]>[] = [];
  let next = 1;
  const refill = () => {
    while (pending.length < READS_AHEAD && next <= last) {
      const read = readChunk(next, buffers[((next - 1) / step) % buffers.length]);
      read.catch(() => undefined); // awaited in turn; not unhandled if the pass stops before that
      pending.push(read);
      next += step;
    }
  };
  refill();
  for (let first = 1; first <= last; first += step) {
    const [gotA, gotB] = await pending.shift()!;
    throwIfAborted(signal, 'The comparison');
    refill();
    const k = ((first - 1) / step) % buffers.length;
    const [bufA, bufB] = buffers[k];
    for (let at = 0, n = first; at + pageSize <= Math.max(gotA, gotB); at += pageSize, n++) {
      const inA = at + pageSize <= gotA;
      const inB = at + pageSize <= gotB;
      if (inA) {
        pass.next[n] = bufA.readUInt32BE(at);
        pass.kindA[n] = bufA[at];
      }
      if (inB) pass.kindB[n] = bufB[at];
      if (inA && inB) pass.same[n] = bufA.compare(bufB, at, at + pageSize, at, at + pageSize) === 0 ? 1 : 0;
      if (inA && (bufA[at] === 0x05 || (bufA[at] === 0x0d && pass.same[n]))) keep(pass.keptA, n, bufA, at);
      if (inB && bufB[at] === 0x05) keep(pass.keptB, n, bufB, at);
    }
  }
  return pass;
}
