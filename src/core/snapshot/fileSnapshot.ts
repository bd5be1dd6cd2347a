/**
 * The same consistent snapshot as `pullSnapshot`, for a database file on this machine (the
 * developer's host copy). Files are only ever opened read-only and never through SQLite, so no
 * checkpoint, recovery or lock can touch the original.
 */
import { createHash } from 'node:crypto';
import { promises as fs, constants, Stats } from 'node:fs';
import * as path from 'node:path';
import { CdbError, cancelled, throwIfAborted } from '../errors';
import { CompanionKind, CompanionSet, ConsistentCopyOptions, FileVersion, SnapshotSource, digestWhileReading, takeConsistentCopy } from './consistentCopy';
import { DEFAULT_MAX_BYTES, allocateShared, rememberSha256, tooLargeError } from '../bytes';
import { BlockReader, fileKey } from '../bytes';
import { parseSqliteHeader } from '../sqlite';
import type { FileImageRef, Snapshot, SnapshotStamp } from '../types';

const READ_CHUNK = 8 * 1024 * 1024;

export type FileSnapshotOptions = ConsistentCopyOptions;

export async function snapshotFromFile(filePath: string, opts: FileSnapshotOptions = {}): Promise<Snapshot> {
  const source = fileSource(filePath, opts.maxBytes ?? DEFAULT_MAX_BYTES, digestWhileReading(opts));
  const { bytes, stamp } = await takeConsistentCopy(source, opts);
  return { bytes, stamp: { path: filePath, origin: 'file', ...stamp } };
}

function fileSource(filePath: string, maxBytes: number, digest = false): SnapshotSource {
  const displayName = path.basename(filePath);
  let resolved = filePath;

  return {
    displayName,
    async stat(signal) {
      throwIfAborted(signal);
      // SQLite's unix VFS resolves links before adding -wal / -journal; so do we.
      try {
        resolved = await fs.realpath(filePath);
      } catch (err) {
        throw fileError(filePath, err);
      }
      const db = await statOrNull(resolved);
      if (!db) throw fileError(filePath, Object.assign(new Error('gone'), { code: 'ENOENT' }));
      if (!db.isFile()) {
        const what = db.isDirectory() ? 'a directory' : 'not a regular file';
        throw new CdbError('NOT_A_FILE', `${filePath} is ${what}, not a database file. Choose the .db file itself.`);
      }
      if (db.size > maxBytes) throw tooLargeError(displayName, db.size, maxBytes);
      const [wal, journal] = await Promise.all([statOrNull(`${resolved}-wal`), statOrNull(`${resolved}-journal`)]);
      return { db: versionOf(db), wal: wal?.isFile() ? versionOf(wal) : null, journal: journal?.isFile() ? versionOf(journal) : null } satisfies CompanionSet<FileVersion>;
    },
    async read(kind: CompanionKind, _version, onBytes, signal) {
      const file = kind === 'db' ? resolved : `${resolved}-${kind}`;
      return readWhole(file, kind === 'db' ? filePath : file, maxBytes, onBytes, signal, digest && kind === 'db');
    },
  };
}

function versionOf(s: Stats): FileVersion {
  return { size: s.size, mtime: s.mtime.toISOString(), key: fileKey(s) };
}

/**
 * A database file on this machine read where and when it is needed, never whole: for a comparison
 * that reads each page once at most (`container-db diff`), memory stays at a few megabytes and no
 * time goes into faulting in a fresh copy. The sql.js worker reads the file itself (`ref`); the
 * main thread compares pages through `pages`.
 *
 * Only as good as `unchanged()` says once the reading is done: nothing stops a writer meanwhile,
 * and then the caller reads the file again, whole, through snapshotFromFile (which copies until a
 * copy settles). A file with a -wal or -journal beside it is not read on demand at all (null):
 * its committed state is the file with the WAL's pages over it, or a hot journal's under it, which
 * is what the whole-image path builds.
 */
export interface FileOnDemand {
  stamp: SnapshotStamp;
  ref: FileImageRef;
  pages: BlockReader;
  /** True when the file (and the absence of -wal and -journal) is as it was when opened. */
  unchanged(): Promise<boolean>;
  close(): void;
}

/** Null when the file must be read whole instead: a -wal or -journal beside it, or a header the whole path will explain. */
export async function fileOnDemand(filePath: string, opts: { maxBytes?: number } = {}): Promise<FileOnDemand | null> {
  const source = fileSource(filePath, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  // The same checks and messages as the whole path: missing, not a file, too large.
  const before = await source.stat();
  if (before.wal || before.journal) return null;
  let pages: BlockReader;
  let resolved: string;
  try {
    resolved = await fs.realpath(filePath);
    pages = BlockReader.open(resolved, before.db.key);
  } catch {
    // Changed, replaced or gone since the stat: the whole path looks again and says which.
    return null;
  }
  try {
    parseSqliteHeader(pages.read(0, 100), source.displayName, pages.length);
  } catch {
    // Not SQLite, encrypted, truncated: snapshotFromFile says which, with the whole file at hand.
    pages.close();
    return null;
  }
  const ref: FileImageRef = { path: resolved, key: before.db.key, size: before.db.size };
  return {
    ref,
    pages,
    stamp: { path: filePath, origin: 'file', size: before.db.size, mtime: before.db.mtime, pulledAt: new Date().toISOString(), walFramesApplied: 0, journal: 'none', attempts: 1, warnings: [] },
    async unchanged() {
      try {
        const after = await source.stat();
        return after.db.key === before.db.key && !after.wal && !after.journal;
      } catch {
        return false;
      }
    },
    close: () => pages.close(),
  };
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError(file, err);
  }
}

/** Read the whole file read-only into shared memory; null when it is gone. */
/** With `digest`, the SHA-256 is taken chunk by chunk as they arrive and remembered for the result. */
async function readWhole(file: string, shownAs: string, maxBytes: number, onBytes: (n: number) => void, signal?: AbortSignal, digest = false): Promise<Uint8Array | null> {
  throwIfAborted(signal);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError(shownAs, err);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLargeError(path.basename(shownAs), size, maxBytes);
    const data = allocateShared(size);
    const hash = digest ? createHash('sha256') : undefined;
    let offset = 0;
    while (offset < size) {
      if (signal?.aborted) throw cancelled(`Reading ${path.basename(shownAs)}`);
      const { bytesRead } = await handle.read(data, offset, Math.min(READ_CHUNK, size - offset), offset);
      // Shrunk since fstat: the after-stat sees the change and the caller copies again.
      if (bytesRead === 0) return data.subarray(0, offset);
      hash?.update(data.subarray(offset, offset + bytesRead));
      offset += bytesRead;
      onBytes(offset);
    }
    if (hash) rememberSha256(data, hash.digest('hex'));
    return data;
  } catch (err) {
    if (err instanceof CdbError) throw err;
    throw fileError(shownAs, err);
  } finally {
    await handle.close();
  }
}

function fileError(file: string, err: unknown): CdbError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new CdbError('FILE_NOT_FOUND', `${file} does not exist. Check the path.`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new CdbError('IO_ERROR', `Cannot read ${file}: permission denied. Check the file's permissions.`, { cause: err });
  if (code === 'EISDIR') return new CdbError('NOT_A_FILE', `${file} is a directory, not a database file. Choose the .db file itself.`, { cause: err });
  return new CdbError('IO_ERROR', `Cannot read ${file}: ${code ?? (err instanceof Error ? err.message.split('\n')[0] : String(err))}.`, { cause: err });
}
