/**
 * Reads a file a block at a time, on demand, through a small cache: how a database file on this
 * machine is read when only some of its pages will be looked at, or each page once. Nothing is
 * read whole, so a 2 GiB file costs megabytes of memory instead of 2 GiB of freshly faulted pages
 * (measured on 357 MiB: reading it whole into new memory took 0.3-0.4 s, reading it through one
 * reused buffer 0.1 s).
 *
 * Synchronous on purpose: its callers are sql.js's file reads (synchronous, inside the worker) and
 * the page walks of diff/identicalTree.ts, which look at one page and decide which to read next.
 */
import * as fs from 'node:fs';

/**
 * 4 KiB, SQLite's default page size: b-tree pages and overflow chains lie scattered through a
 * file, and a larger block mostly reads bytes nobody asks for (measured on a 357 MiB database:
 * 256 KiB blocks made a comparison's page reads 5 times slower than 4 KiB ones).
 */
const BLOCK_BYTES = 4096;
/** Blocks kept: 16 MiB. Enough for a b-tree's interior pages and a query's working set. */
const CACHED_BLOCKS = 4096;

/** A database image read a range at a time: in memory, or a file read on demand (BlockReader). */
export interface ImageReader {
  readonly length: number;
  /** `length` bytes at `offset` (fewer at the end of the image); see BlockReader.read for how long the view is valid. */
  read(offset: number, length: number): Uint8Array;
}

/** An image already in memory, as an ImageReader: views of it, valid as long as it is. */
export function memoryImage(bytes: Uint8Array): ImageReader {
  return { length: bytes.length, read: (offset, length) => bytes.subarray(offset, Math.min(offset + length, bytes.length)) };
}

/**
 * Everything that changes when a writer touches a file: size, mtime, ctime (a rewrite that
 * restores both) and the inode (a file replaced by another). Two reads under one key read one file.
 */
export function fileKey(s: fs.Stats): string {
  return `${s.size}|${s.mtimeMs}|${s.ctimeMs}|${s.ino}`;
}

/** The file changed between two looks at it (fileOnDemand's stat and a reader opened after it). */
export class FileChangedError extends Error {}

export class BlockReader implements ImageReader {
  /**
   * Opens `filePath` read-only and checks that it is still the file whose fileKey was `key`.
   * Throws FileChangedError when not (the caller reads the file again, whole).
   */
  static open(filePath: string, key: string): BlockReader {
    const fd = fs.openSync(filePath, fs.constants.O_RDONLY);
    const stats = fs.fstatSync(fd);
    if (fileKey(stats) !== key) {
      fs.closeSync(fd);
      throw new FileChangedError(`${filePath} changed while it was being read`);
    }
    return new BlockReader(fd, stats.size);
  }

  private readonly cache = new Map<number, Uint8Array>();

  constructor(
    private readonly fd: number,
    /** The file's size when it was opened; nothing past it is read. */
    readonly length: number,
  ) {}

  /**
   * `length` bytes at `offset`, clipped to the file. The view stays valid for good (an evicted
   * block is dropped, never reused), so a caller may hold a page while it reads its children.
   * A read within one block goes through the cache; a larger one (a page over 4 KiB) is read as is.
   */
  read(offset: number, length: number): Uint8Array {
    const end = Math.min(offset + length, this.length);
    if (offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / BLOCK_BYTES);
    if (first === Math.floor((end - 1) / BLOCK_BYTES)) return this.block(first).subarray(offset - first * BLOCK_BYTES, end - first * BLOCK_BYTES);
    const bytes = new Uint8Array(end - offset);
    return bytes.subarray(0, this.readInto(bytes, offset));
  }

  /**
   * Fills `target` from `offset` on, straight from the file and past the cache (a sequential pass
   * reads each block once); returns how many bytes it got, fewer at the end of the file.
   */
  readInto(target: Uint8Array, offset: number): number {
    const want = Math.max(0, Math.min(target.length, this.length - offset));
    let got = 0;
    while (got < want) {
      const n = fs.readSync(this.fd, target, got, want - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  /** readInto on libuv's thread pool: two files read at once, on two cores, while the caller works. */
  async readIntoAsync(target: Uint8Array, offset: number): Promise<number> {
    const want = Math.max(0, Math.min(target.length, this.length - offset));
    let got = 0;
    while (got < want) {
      const n = await new Promise<number>((resolve, reject) => fs.read(this.fd, target, got, want - got, offset + got, (err, bytes) => (err ? reject(err) : resolve(bytes))));
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  /** Closes the file; reads after this fail. Closing twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    fs.closeSync(this.fd);
  }

  private closed = false;

  private block(index: number): Uint8Array {
    const hit = this.cache.get(index);
    if (hit) return hit;
    const start = index * BLOCK_BYTES;
    const buf = new Uint8Array(Math.min(BLOCK_BYTES, this.length - start));
    // Short when the file shrank since it was opened: the caller's version check reports that.
    const got = this.readInto(buf, start);
    const block = got === buf.length ? buf : buf.subarray(0, got);
    // First in, first out: cheaper per hit than least-recently-used, and as good here (measured).
    this.cache.set(index, block);
    if (this.cache.size > CACHED_BLOCKS) this.cache.delete(this.cache.keys().next().value as number);
    return block;
  }
}
