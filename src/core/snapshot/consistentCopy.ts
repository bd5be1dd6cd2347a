/**
 * A consistent copy of a live SQLite database, taken from outside without its locks: pull the
 * database and its -wal / -journal, stat everything before and after, and pull again when a
 * writer moved anything in between. The WAL is then applied the way SQLite's recovery would, so
 * the image holds every committed transaction. Nothing is ever executed in or written to the
 * container.
 */
import { CdbError, cancelled, isCdbError, throwIfAborted } from '../errors';
import { allocateShared, forgetSha256, sha256Hex, DEFAULT_MAX_BYTES } from '../bytes';
import { applyWal, isHotJournal, parseSqliteHeader, rollbackJournal, type WalPosition } from '../sqlite';
import type { JournalState, PullOptions, SnapshotStamp } from '../types';

export type CompanionKind = 'db' | 'wal' | 'journal';

/** One file at one moment. Two versions with different keys mean the file changed in between. */
export interface FileVersion {
  size: number;
  mtime: string;
  /** Everything that changes when a writer touches the file (size, mtime, inode, …) in one string. */
  key: string;
}

export interface CompanionSet<T> {
  db: T;
  wal: T | null;
  journal: T | null;
}

/** Where the bytes come from: a container's archive API or the host file system. */
export interface SnapshotSource {
  /** The database's file name, for messages ("webui.db"). */
  readonly displayName: string;
  /** Stat the database (throws FILE_NOT_FOUND / NOT_A_FILE / TOO_LARGE) and its companions (null when absent). */
  stat(signal?: AbortSignal): Promise<CompanionSet<FileVersion>>;
  /**
   * Read one file completely into shared memory; null when it no longer exists (a journal is
   * deleted at every commit). `onBytes` receives the bytes of this file read so far.
   */
  read(kind: CompanionKind, version: FileVersion, onBytes: (bytes: number) => void, signal?: AbortSignal): Promise<Uint8Array | null>;
}

export interface ConsistentCopyOptions extends PullOptions {
  /** Pulls to try before settling for a copy a writer may have touched. Default 5. */
  maxAttempts?: number;
}

/**
 * What a WAL-mode copy was made of, so that a later pull can bring it up to date from the -wal
 * alone while the database file has not moved (incrementalPull.ts).
 */
export interface WalBase {
  /** The database file's FileVersion key when it was copied. */
  dbKey: string;
  /** The database file's size then, in bytes. */
  dbSize: number;
  /** How far the replay went through the -wal. */
  position: WalPosition;
}

/** The source-independent part of a stamp. */
export type CopyStamp = Pick<SnapshotStamp, 'size' | 'mtime' | 'sha256' | 'pulledAt' | 'walFramesApplied' | 'journal' | 'attempts' | 'warnings'>;

export const DEFAULT_MAX_ATTEMPTS = 5;
const BACKOFF_MS = 100;

export const MID_WRITE_WARNING = 'the snapshot may be mid-write: a write transaction was in progress in every attempt';
export const ROLLED_BACK_NOTE = 'a write transaction was in progress: its uncommitted changes were rolled back from the -journal, as SQLite does on recovery';

/** What one attempt produced, once the WAL is applied and the header checked. */
interface Built {
  bytes: Uint8Array;
  dbVersion: FileVersion;
  dbSize: number;
  walFramesApplied: number;
  journal: JournalState;
  /** A hot journal's original pages were written back (the last committed state). */
  rolledBack: boolean;
  walPosition?: WalPosition;
}

/**
 * Copy db + companions until one copy was taken with nothing changing around it, then apply the
 * WAL, or roll a hot journal back, as SQLite would. A hot journal we cannot roll back (a writer
 * mid-transaction) makes us try again too. When every attempt was disturbed we keep the best one
 * (a stable copy with a hot journal over one that moved) and say so in `warnings`.
 */
export async function takeConsistentCopy(source: SnapshotSource, opts: ConsistentCopyOptions = {}): Promise<{ bytes: Uint8Array; stamp: CopyStamp; walBase?: WalBase }> {
  const { signal } = opts;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let best: { built: Built; rank: number } | undefined;
  let lastError: unknown;
  /** The WAL as the previous attempt read it: read before this attempt's database copy began. */
  let walBefore: Uint8Array | null = null;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await delay(BACKOFF_MS * (attempt - 1), signal);
    const before = await source.stat(signal);
    const copied = await copyOnce(source, before, opts);
    const after = await source.stat(signal);
    const stable = copied !== null && (settled(before, after, copied) || settledByWal(before, after, copied, walBefore));
    walBefore = copied?.wal ?? null;

    let built: Built;
    try {
      if (!copied) {
        throw new CdbError('MID_WRITE', `${source.displayName} kept changing while it was copied (${maxAttempts} attempts): a writer is busy with it. Pull again in a moment.`);
      }
      built = build(source.displayName, before.db, copied, maxBytes);
    } catch (err) {
      if (signal?.aborted) throw cancelled(`Pulling ${source.displayName}`);
      // A stable copy that does not parse will not parse next time either.
      if (stable || !isCdbError(err)) throw err;
      lastError = err;
      continue;
    }
    // A hot journal we could roll back gives the state before the open transaction: as
    // consistent as a quiet file, so no reason to wait for the writer.
    if (stable && (built.journal !== 'hot-journal' || built.rolledBack)) {
      return { bytes: built.bytes, stamp: stampOf(built, attempt, built.rolledBack ? [ROLLED_BACK_NOTE] : [], hashInStamp(opts)), ...walBaseOf(built) };
    }
    const rank = stable ? 2 : 1;
    if (!best || rank >= best.rank) best = { built, rank };
  }

  if (!best) throw lastError ?? new CdbError('CORRUPT', `${source.displayName} could not be copied consistently.`);
  // A copy during which the files moved can mix two moments of the writer (measured: most such
  // copies under a ~1,000 rows/s writer were torn), so it is never handed out, not even flagged.
  // A stable copy with a hot journal we could not roll back is the file as of its last commit.
  if (best.rank < 2) {
    throw new CdbError('MID_WRITE', `${source.displayName} kept changing while it was copied (${maxAttempts} attempts): a writer is busy with it, and a copy now could mix two moments. Pull again in a moment, or with the container paused for the copy (--freeze / containerDb.freezeWhileCopying).`);
  }
  return { bytes: best.built.bytes, stamp: stampOf(best.built, maxAttempts, [MID_WRITE_WARNING], hashInStamp(opts)) };
}

/** Read db, -wal, -journal in that order; null when a file vanished or shrank under us (a change). */
async function copyOnce(source: SnapshotSource, versions: CompanionSet<FileVersion>, opts: ConsistentCopyOptions): Promise<CompanionSet<Uint8Array> | null> {
  const totalBytes = versions.db.size + (versions.wal?.size ?? 0) + (versions.journal?.size ?? 0);
  let done = 0;
  const readOne = async (kind: CompanionKind, version: FileVersion): Promise<Uint8Array | null> => {
    const file = kind === 'db' ? source.displayName : `${source.displayName}-${kind}`;
    const onBytes = (bytes: number) => opts.onProgress?.({ file, bytes, totalBytes, bytesSoFar: done + bytes });
    const data = await source.read(kind, version, onBytes, opts.signal);
    done += data?.length ?? 0;
    return data;
  };
  const db = await readOne('db', versions.db);
  if (!db) return null;
  const wal = versions.wal ? await readOne('wal', versions.wal) : null;
  if (versions.wal && !wal) return null;
  const journal = versions.journal ? await readOne('journal', versions.journal) : null;
  if (versions.journal && !journal) return null;
  return { db, wal, journal };
}

function build(displayName: string, dbVersion: FileVersion, files: CompanionSet<Uint8Array>, maxBytes: number): Built {
  // WAL replay and rollback write into the copy's memory: its digest from the stream no longer holds.
  if (files.wal || files.journal) forgetSha256(files.db);
  let bytes = files.db;
  let walFramesApplied = 0;
  let journal: JournalState = 'none';
  let rolledBack = false;
  let walPosition: WalPosition | undefined;
  if (files.wal) {
    const replay = applyWal(bytes, files.wal, { allocate: allocateShared, maxBytes });
    bytes = replay.db;
    walFramesApplied = replay.framesApplied;
    walPosition = replay.position;
    journal = 'wal';
  } else if (files.journal) {
    journal = isHotJournal(files.journal) ? 'hot-journal' : 'cold-journal';
    if (journal === 'hot-journal') {
      const rollback = rollbackJournal(bytes, files.journal, maxBytes);
      if (rollback) {
        bytes = rollback.db;
        rolledBack = true;
      }
    }
  }
  parseSqliteHeader(bytes, displayName);
  return { bytes, dbVersion, dbSize: files.db.length, walFramesApplied, journal, rolledBack, walPosition };
}

/** Only a copy with nothing beside its -wal can be brought up to date from the -wal alone. */
function walBaseOf(built: Built): { walBase?: WalBase } {
  if (!built.walPosition || built.journal !== 'wal') return {};
  return { walBase: { dbKey: built.dbVersion.key, dbSize: built.dbSize, position: built.walPosition } };
}

/** The stamp carries a SHA-256 unless the caller said no (false) or will hash beside other work ('later'). */
const hashInStamp = (opts: ConsistentCopyOptions): boolean => (opts.hash ?? true) === true;

/** Whether a source should hash the database file while it reads it: for the stamp, or for withSha256 later. */
export const digestWhileReading = (opts: ConsistentCopyOptions): boolean => opts.hash !== false;

function stampOf(built: Built, attempts: number, warnings: string[], hash: boolean): CopyStamp {
  return {
    size: built.dbSize,
    mtime: built.dbVersion.mtime,
    ...(hash ? { sha256: sha256Hex(built.bytes) } : {}),
    pulledAt: new Date().toISOString(),
    walFramesApplied: built.walFramesApplied,
    journal: built.journal,
    attempts,
    warnings,
  };
}

/**
 * True when nothing moved under the copy in a way that could tear it. The database and the journal
 * must be exactly as before. The WAL may have grown: within one WAL generation frames are only
 * appended, so our copy holds a prefix and applyWal keeps its last commit. A WAL that SQLite
 * restarts (after a checkpoint, which writes the database first) is rewritten from its start: its
 * size stays or shrinks and its mtime changes, so that case still counts as a change.
 */
function settled(before: CompanionSet<FileVersion>, after: CompanionSet<FileVersion>, copied: CompanionSet<Uint8Array>): boolean {
  return sameVersion(before.db, after.db) && sameVersion(before.journal, after.journal) && walKept(before, after, copied);
}

function sameVersion(x: FileVersion | null, y: FileVersion | null): boolean {
  return x === null ? y === null : y !== null && x.key === y.key;
}

/** The WAL did not move under the copy, or only grew: the copy holds a prefix of one generation. */
export function walKept(before: CompanionSet<FileVersion>, after: CompanionSet<FileVersion>, copied: CompanionSet<Uint8Array>): boolean {
  const appended = before.wal !== null && after.wal !== null && copied.wal !== null && after.wal.size > before.wal.size && copied.wal.length >= before.wal.size;
  return sameVersion(before.wal, after.wal) || appended;
}

/**
 * In WAL mode the database file changes only at a checkpoint, which copies committed WAL frames
 * into it. When the WAL read before our database copy began (`walBefore`, the previous attempt's)
 * and the one read after it ended are of one generation (same header: salts and checkpoint
 * sequence, which a WAL restart changes), every frame a checkpoint wrote during our copy is in
 * the later WAL: replaying it rewrites each page the checkpoint may have torn, so the copy is one
 * committed state even though the file moved. Under a busy WAL writer (checkpoints every second
 * or so) this is what lets pulls succeed without pausing the container.
 */
function settledByWal(before: CompanionSet<FileVersion>, after: CompanionSet<FileVersion>, copied: CompanionSet<Uint8Array>, walBefore: Uint8Array | null): boolean {
  const wal = copied.wal;
  if (!walBefore || !wal || before.journal !== null || after.journal !== null) return false;
  if (walBefore.length < WAL_HEADER_BYTES || wal.length < walBefore.length) return false;
  for (let i = 0; i < WAL_HEADER_BYTES; i++) if (walBefore[i] !== wal[i]) return false;
  // The WAL itself must not have been restarted while we read it (the same rule as settled()).
  return walKept(before, after, copied);
}

/** Magic, format version, page size, checkpoint sequence and the two salts. */
const WAL_HEADER_BYTES = 24;

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
