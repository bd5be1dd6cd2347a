/**
 * Applies a -wal file to a database image the way SQLite's WAL recovery does, because sql.js opens
 * one in-memory file and cannot be handed a WAL.
 * Format: https://www.sqlite.org/fileformat2.html#walformat ; behaviour follows walIndexRecover()
 * and walDecodeFrame() in SQLite's wal.c.
 */
import { CdbError } from '../errors';
import { DEFAULT_MAX_BYTES, allocateShared, tooLargeError } from '../bytes';
import { decodePageSize, hasSqliteMagic, isValidPageSize } from './header';

export interface WalReplayResult {
  /** The database image with the committed WAL content applied; `db` itself when it was big enough. */
  db: Uint8Array;
  /** Valid WAL frames up to and including the last commit frame (what SQLite calls mxFrame). */
  framesApplied: number;
  /** 1-based index of the last valid commit frame; 0 when there is none. */
  lastCommitFrame: number;
  /** Distinct pages copied into the image (a page written by several transactions counts once). */
  pagesWritten: number;
  pageSize: number;
  /** Size of the resulting image in pages. */
  dbPages: number;
  /** Whole frames present in the file but not applied (uncommitted, invalid, or from an older salt generation). */
  ignoredFrames: number;
  /** Why nothing (or not everything) was applied, for the snapshot's warnings and logs. */
  note?: string;
  /** Where this replay ended, for a later applyWalAppended onto its image; absent when the WAL header was unusable. */
  position?: WalPosition;
}

/**
 * How far a replay went through one WAL generation: enough to tell later whether a WAL read again
 * is the same generation, only appended to (same header, the same running checksum at that commit).
 */
export interface WalPosition {
  /** The WAL's 32-byte header (magic, version, page size, checkpoint sequence, salts, checksum). */
  header: Uint8Array;
  /** Bytes of the WAL read then. */
  walBytes: number;
  lastCommitFrame: number;
  /** The running checksum after the last commit frame (the header's own when there was none). */
  checksum: [number, number];
  /** Pages of the image then. */
  dbPages: number;
  pageSize: number;
}

export interface ApplyWalOptions {
  /** Returns a zero-filled buffer of exactly `size` bytes when the WAL grows the database. Default: a SharedArrayBuffer. */
  allocate?(size: number): Uint8Array;
  /** Refuse to grow the image beyond this many bytes (a hostile WAL can claim 2^32 pages). Default 2 GiB. */
  maxBytes?: number;
}

const WAL_MAGIC = 0x377f0682;
const WAL_VERSION = 3007000;
const WAL_HEADER_SIZE = 32;
const FRAME_HEADER_SIZE = 24;

interface WalHeader {
  pageSize: number;
  bigEndianChecksums: boolean;
  salt1: number;
  salt2: number;
  checksum: [number, number];
}

interface FrameScan {
  lastCommitFrame: number;
  dbPages: number;
  wholeFrames: number;
  /** The running checksum after the last commit frame. */
  commitChecksum: [number, number];
  stopReason?: string;
}

/**
 * Returns the database as SQLite would read it from `db` + `wal`: every page's latest version up to
 * the last valid commit frame, the image cut or grown to that commit's size. `db` is patched in
 * place when it is big enough (the result is then a view of it); otherwise the content is copied
 * once into `opts.allocate(size)`. A WAL that SQLite would ignore (empty, bad magic or header
 * checksum, no committed frame) changes nothing but the WAL marker (see markRollbackMode), and
 * says why in `note`.
 *
 * One deliberate difference: next to a 0-byte database file SQLite deletes the WAL (pager.c,
 * pagerOpenWalIfPresent). A live writer never leaves that state (journal_mode=WAL writes page 1
 * first), so a copy that shows it caught the file being created; we apply the WAL rather than
 * show an empty database.
 *
 * Throws CdbError: CORRUPT (page sizes differ, unknown WAL version), NOT_SQLITE (the file to patch
 * is not SQLite), TOO_LARGE (the committed size exceeds `opts.maxBytes`).
 */
export function applyWal(db: Uint8Array, wal: Uint8Array, opts: ApplyWalOptions = {}): WalReplayResult {
  // An ignored WAL leaves the file as it is: whether it is SQLite at all is parseSqliteHeader's call.
  const filePageSize = db.length >= 100 && hasSqliteMagic(db) ? decodePageSize(db[16], db[17]) : 0;
  let position: WalPosition | undefined;
  const unchanged = (note: string, pageSize = filePageSize, ignoredFrames = 0): WalReplayResult => {
    markRollbackMode(db);
    const dbPages = pageSize ? Math.floor(db.length / pageSize) : 0;
    // A usable header with no commit yet: the image is the file itself, and a later WAL of this
    // generation applies onto it from its first frame.
    if (position && db.length % position.pageSize === 0) position.dbPages = db.length / position.pageSize;
    else position = undefined;
    return { db, framesApplied: 0, lastCommitFrame: 0, pagesWritten: 0, pageSize, dbPages, ignoredFrames, note, ...(position ? { position } : {}) };
  };

  // An empty -wal (a connection opened the database, nothing written since a restart): the next
  // writer starts a new generation, any header; frames of it apply onto the file from the first.
  if (wal.length === 0 && filePageSize) position = { header: new Uint8Array(0), walBytes: 0, lastCommitFrame: 0, checksum: [0, 0], dbPages: 0, pageSize: filePageSize };
  if (wal.length === 0) return unchanged('the WAL file is empty');
  if (wal.length < WAL_HEADER_SIZE) return unchanged(`the WAL file is ${wal.length} bytes, shorter than its header; SQLite ignores it`);
  const header = readWalHeader(wal);
  if (typeof header === 'string') return unchanged(`${header}; SQLite ignores such a WAL`);
  const pageSize = header.pageSize;
  const scan = scanFrames(wal, header);
  position = positionOf(wal, header, scan);
  const partial = (wal.length - WAL_HEADER_SIZE) % (FRAME_HEADER_SIZE + pageSize) !== 0;
  if (scan.wholeFrames === 0) return unchanged(partial ? 'the WAL holds only a partial first frame' : 'the WAL holds no frames (header only)', pageSize);
  if (scan.lastCommitFrame === 0) {
    return unchanged(`the WAL holds no committed transaction${scan.stopReason ? ` (${scan.stopReason})` : ''}`, pageSize, scan.wholeFrames);
  }
  const dbPageSize = databasePageSize(db);
  if (dbPageSize !== 0 && pageSize !== dbPageSize) {
    throw new CdbError('CORRUPT', `The -wal file's page size (${pageSize}) differs from the database's (${dbPageSize}), so they do not belong together. Pull the database again.`);
  }

  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = scan.dbPages * pageSize;
  if (size > maxBytes) {
    throw tooLargeError('The database with its -wal applied', size, maxBytes);
  }
  let image: Uint8Array;
  if (db.length >= size) {
    image = db.subarray(0, size);
  } else {
    image = (opts.allocate ?? allocateShared)(size);
    if (image.length < size) throw new RangeError(`allocate(${size}) returned ${image.length} bytes`);
    image = image.subarray(0, size);
    image.set(db);
    // Pages between the old end of file and the new one that no frame writes read as zeros in
    // SQLite (a short read is zero-filled); a recycled buffer must not leak old bytes into them.
    image.fill(0, db.length);
  }

  const pagesWritten = copyCommittedPages(wal, image, pageSize, scan);
  markRollbackMode(image);
  const notes: string[] = [];
  if (scan.lastCommitFrame < scan.wholeFrames) {
    notes.push(`${scan.wholeFrames - scan.lastCommitFrame} frame(s) after the last commit ignored${scan.stopReason ? ` (${scan.stopReason})` : ' (uncommitted transaction)'}`);
  }
  if (partial) notes.push('the WAL ends in a partial frame (a write was in progress)');
  if (db.length === 0) notes.push('the database file was empty: its content comes from the WAL alone');
  return {
    db: image,
    framesApplied: scan.lastCommitFrame,
    lastCommitFrame: scan.lastCommitFrame,
    pagesWritten,
    pageSize,
    dbPages: scan.dbPages,
    ignoredFrames: scan.wholeFrames - scan.lastCommitFrame,
    note: notes.length ? notes.join('; ') : undefined,
    position,
  };
}

function positionOf(wal: Uint8Array, header: WalHeader, scan: FrameScan): WalPosition {
  return {
    header: Uint8Array.from(wal.subarray(0, WAL_HEADER_SIZE)),
    walBytes: wal.length,
    lastCommitFrame: scan.lastCommitFrame,
    checksum: scan.lastCommitFrame ? scan.commitChecksum : header.checksum,
    dbPages: scan.dbPages,
    pageSize: header.pageSize,
  };
}

/**
 * The image a full replay of `wal` onto the database file would give, built from `image`, an
 * earlier replay's result at `from`, without the database file: `wal` must be the same generation
 * only appended to (same header bytes, at least as long, the same running checksum at `from`'s
 * commit; the whole chain is verified again, from the header on). Only frames after `from`'s
 * commit are copied in, onto a new buffer (`image` is never written: the earlier snapshot stays
 * usable). Returns null on anything that makes the result doubtful (another generation, a shorter
 * WAL, a broken chain, fewer commits, pages that only the database file would hold): the caller
 * then replays the whole database file. `dbFilePages` is the database file's size in pages, as
 * when `image` was made (its stat unchanged since).
 */
export function applyWalAppended(image: Uint8Array, wal: Uint8Array, from: WalPosition, dbFilePages: number, opts: ApplyWalOptions = {}): WalReplayResult | null {
  if (wal.length < from.walBytes || wal.length < WAL_HEADER_SIZE) return null;
  // No header then (an empty -wal): whatever generation began since applies from its first frame.
  const anyGeneration = from.header.length === 0;
  if (!anyGeneration) for (let i = 0; i < WAL_HEADER_SIZE; i++) if (wal[i] !== from.header[i]) return null;
  const header = readWalHeader(wal);
  if (typeof header === 'string' || header.pageSize !== from.pageSize) return null;
  if (image.length !== from.dbPages * from.pageSize) return null;
  const scan = scanFrames(wal, header);
  if (scan.lastCommitFrame < from.lastCommitFrame) return null;
  if (!anyGeneration) {
    const checksumAt = scan.lastCommitFrame === from.lastCommitFrame ? (scan.lastCommitFrame ? scan.commitChecksum : header.checksum) : commitChecksumOf(wal, header, from.lastCommitFrame);
    if (!checksumAt || checksumAt[0] !== from.checksum[0] || checksumAt[1] !== from.checksum[1]) return null;
  }
  const pageSize = header.pageSize;
  const dbPages = scan.lastCommitFrame ? scan.dbPages : from.dbPages;
  // Pages past the earlier image's end that no frame writes come from the database file in a full
  // replay: that image was cut short of the file (a truncation), so we no longer hold them.
  if (dbPages > from.dbPages && dbFilePages > from.dbPages) return null;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = dbPages * pageSize;
  if (size > maxBytes) throw tooLargeError('The database with its -wal applied', size, maxBytes);
  const out = (opts.allocate ?? allocateShared)(size);
  if (out.length < size) throw new RangeError(`allocate(${size}) returned ${out.length} bytes`);
  const next = out.subarray(0, size);
  next.set(image.subarray(0, Math.min(size, image.length)));
  if (size > image.length) next.fill(0, image.length);
  // New frames first; then, for pages the earlier image did not reach, their latest older frame
  // (a full replay copies every committed frame up to the last commit, whatever its age).
  const seen = new Set<number>();
  let pagesWritten = copyFrames(wal, next, pageSize, dbPages, scan.lastCommitFrame, from.lastCommitFrame, seen, () => true);
  if (dbPages > from.dbPages) pagesWritten += copyFrames(wal, next, pageSize, dbPages, from.lastCommitFrame, 0, seen, (pgno) => pgno > from.dbPages);
  markRollbackMode(next);
  const partial = (wal.length - WAL_HEADER_SIZE) % (FRAME_HEADER_SIZE + pageSize) !== 0;
  const notes: string[] = [];
  if (scan.lastCommitFrame < scan.wholeFrames) {
    notes.push(`${scan.wholeFrames - scan.lastCommitFrame} frame(s) after the last commit ignored${scan.stopReason ? ` (${scan.stopReason})` : ' (uncommitted transaction)'}`);
  }
  if (partial) notes.push('the WAL ends in a partial frame (a write was in progress)');
  return {
    db: next,
    framesApplied: scan.lastCommitFrame,
    lastCommitFrame: scan.lastCommitFrame,
    pagesWritten,
    pageSize,
    dbPages,
    ignoredFrames: scan.wholeFrames - scan.lastCommitFrame,
    note: notes.length ? notes.join('; ') : undefined,
    position: { ...positionOf(wal, header, scan), dbPages },
  };
}

/**
 * The running checksum stored in frame `n` (1-based; the header's for 0), null when that frame is
 * not a commit frame. scanFrames verified the chain up to it.
 */
function commitChecksumOf(wal: Uint8Array, header: WalHeader, n: number): [number, number] | null {
  if (n === 0) return header.checksum;
  const at = WAL_HEADER_SIZE + (n - 1) * (FRAME_HEADER_SIZE + header.pageSize);
  if (u32(wal, at + 4) === 0) return null;
  return [u32(wal, at + 16), u32(wal, at + 20)];
}

/** Page size from the database file's header; 0 for an empty file (a database created in WAL mode). */
function databasePageSize(db: Uint8Array): number {
  if (db.length === 0) return 0;
  if (!hasSqliteMagic(db) || db.length < 100) {
    throw new CdbError('NOT_SQLITE', `The database file is not an SQLite database (its header is not 'SQLite format 3'), so its -wal file cannot be applied. Check the path, or set containerDb.databasePath / --path.`);
  }
  const pageSize = decodePageSize(db[16], db[17]);
  if (pageSize === 0) {
    throw new CdbError('CORRUPT', 'The database header gives an impossible page size. Pull the database again.');
  }
  return pageSize;
}

/** The parsed header, or why SQLite would ignore the whole WAL. */
function readWalHeader(wal: Uint8Array): WalHeader | string {
  const magic = u32(wal, 0);
  if ((magic & 0xfffffffe) !== WAL_MAGIC) return 'the WAL header has no WAL magic number';
  const pageSize = u32(wal, 8);
  if (!isValidPageSize(pageSize)) return `the WAL header gives an impossible page size (${pageSize})`;
  // The magic's low bit says in which byte order the checksums read the data as 32-bit words;
  // the header and frame fields themselves are always big-endian.
  const bigEndianChecksums = (magic & 1) === 1;
  const checksum = walChecksum(wal, 0, 24, bigEndianChecksums, 0, 0);
  if (checksum[0] !== u32(wal, 24) || checksum[1] !== u32(wal, 28)) return 'the WAL header checksum is wrong';
  // SQLite checks the version only after the checksum, and refuses to open (SQLITE_CANTOPEN).
  const version = u32(wal, 4);
  if (version !== WAL_VERSION) {
    throw new CdbError('CORRUPT', `The -wal file has WAL format version ${version}, which this tool (like SQLite ${WAL_VERSION}) does not know. Check the file with the sqlite3 shell.`);
  }
  return { pageSize, bigEndianChecksums, salt1: u32(wal, 16), salt2: u32(wal, 20), checksum };
}

/**
 * Finds the last valid commit frame. A frame is valid when its salts equal the header's (frames
 * left over from before a WAL restart carry older salts), its page number is not 0, and its
 * checksum continues the running checksum from the header through every earlier frame. The scan
 * stops at the first invalid frame: nothing after it can be trusted, as in SQLite.
 */
function scanFrames(wal: Uint8Array, header: WalHeader): FrameScan {
  const frameSize = FRAME_HEADER_SIZE + header.pageSize;
  const wholeFrames = Math.floor((wal.length - WAL_HEADER_SIZE) / frameSize);
  let [s1, s2] = header.checksum;
  let lastCommitFrame = 0;
  let dbPages = 0;
  let commitChecksum: [number, number] = header.checksum;
  const stop = (stopReason: string): FrameScan => ({ lastCommitFrame, dbPages, wholeFrames, commitChecksum, stopReason });
  for (let i = 0; i < wholeFrames; i++) {
    const at = WAL_HEADER_SIZE + i * frameSize;
    if (u32(wal, at + 8) !== header.salt1 || u32(wal, at + 12) !== header.salt2) return stop(`frame ${i + 1} is from an older WAL generation (salt mismatch)`);
    if (u32(wal, at) === 0) return stop(`frame ${i + 1} has page number 0`);
    [s1, s2] = walChecksum(wal, at, 8, header.bigEndianChecksums, s1, s2);
    [s1, s2] = walChecksum(wal, at + FRAME_HEADER_SIZE, header.pageSize, header.bigEndianChecksums, s1, s2);
    if (s1 !== u32(wal, at + 16) || s2 !== u32(wal, at + 20)) return stop(`frame ${i + 1} fails its checksum`);
    const commitSize = u32(wal, at + 4);
    if (commitSize !== 0) {
      lastCommitFrame = i + 1;
      dbPages = commitSize;
      commitChecksum = [s1, s2];
    }
  }
  return { lastCommitFrame, dbPages, wholeFrames, commitChecksum };
}

/** Copies each page's latest committed version once: walk back from the last commit, skip pages already seen. */
function copyCommittedPages(wal: Uint8Array, image: Uint8Array, pageSize: number, scan: FrameScan): number {
  return copyFrames(wal, image, pageSize, scan.dbPages, scan.lastCommitFrame, 0, new Set<number>(), () => true);
}

/** Frames `to` down to `after + 1` (1-based), each page once (`seen` shared across calls), those `wanted`. */
function copyFrames(wal: Uint8Array, image: Uint8Array, pageSize: number, dbPages: number, to: number, after: number, seen: Set<number>, wanted: (pgno: number) => boolean): number {
  const frameSize = FRAME_HEADER_SIZE + pageSize;
  let copied = 0;
  for (let i = to - 1; i >= after; i--) {
    const at = WAL_HEADER_SIZE + i * frameSize;
    const pgno = u32(wal, at);
    // Pages past the committed size were freed by a later truncation (VACUUM, auto-vacuum).
    if (pgno > dbPages || seen.has(pgno) || !wanted(pgno)) continue;
    seen.add(pgno);
    copied++;
    image.set(wal.subarray(at + FRAME_HEADER_SIZE, at + frameSize), (pgno - 1) * pageSize);
  }
  return copied;
}

/**
 * Header bytes 18-19 (file format write/read version) are 2 in a WAL-mode database. sql.js opens
 * the image from its in-memory file system with no -wal or -shm beside it; seeing 2 it would try
 * WAL mode there (which needs shared memory it does not have) and fail or read stale data. The WAL
 * content is already in the image, so we mark it as a rollback-journal database (1/1), which is
 * what it now is. Applies whether or not any frame was applied.
 */
function markRollbackMode(image: Uint8Array): void {
  if (image.length < 100 || !hasSqliteMagic(image)) return;
  if (image[18] === 2) image[18] = 1;
  if (image[19] === 2) image[19] = 1;
}

/**
 * SQLite's WAL checksum: over 32-bit words taken in pairs, s1 += x0 + s2; s2 += x1 + s1 (mod 2^32),
 * continuing from (s1, s2). `length` is a multiple of 8.
 */
export function walChecksum(bytes: Uint8Array, offset: number, length: number, bigEndian: boolean, s1: number, s2: number): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const littleEndian = !bigEndian;
  for (let i = 0; i < length; i += 8) {
    s1 = (s1 + view.getUint32(i, littleEndian) + s2) >>> 0;
    s2 = (s2 + view.getUint32(i + 4, littleEndian) + s1) >>> 0;
  }
  return [s1, s2];
}

function u32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}
