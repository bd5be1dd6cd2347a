/**
 * A re-pull that costs what changed. In WAL mode, between checkpoints SQLite only appends frames
 * to the -wal: the database file keeps its bytes and its stat. When the file's stat (size, mtime,
 * mode) is the one the cached snapshot was made from, and the -wal is the same generation only
 * grown, the new snapshot is the cached image plus the frames committed since, and only the -wal
 * needs to cross the engine (the archive API has no byte ranges: the whole -wal). Anything else —
 * a checkpoint, a restarted WAL, a journal, a file that moved during the read, a doubt in the
 * frame chain — falls back to a full consistent pull. Either way the result is byte for byte what
 * a full pull at that moment gives (test/integration/incrementalPull.test.ts).
 */
import { isCdbError } from '../errors';
import { DEFAULT_MAX_BYTES, allocateShared, sha256Hex } from '../bytes';
import type { ContainerEngine } from '../docker';
import { applyWalAppended, parseSqliteHeader } from '../sqlite';
import type { ContainerRef, Snapshot } from '../types';
import { walKept, type CompanionSet, type FileVersion } from './consistentCopy';
import { containerSource, pullTrackedSnapshot, type PullSnapshotOptions, type TrackedSnapshot } from './containerSnapshot';

export interface RepullResult extends TrackedSnapshot {
  /** 'wal': only the -wal was fetched and its new frames applied; 'full': the whole database was pulled. */
  how: 'wal' | 'full';
  /** Why a full pull was needed, when there was a previous snapshot. */
  fullBecause?: string;
  /** Bytes fetched from the engine for this snapshot. */
  bytesFetched: number;
}

/**
 * The database as it is now, built from `previous` when only its -wal grew, else pulled whole.
 * `previous.snapshot.bytes` is never written: it stays usable beside the new snapshot.
 */
export async function repullSnapshot(
  engine: ContainerEngine,
  container: Pick<ContainerRef, 'id' | 'name' | 'image'>,
  path: string,
  previous: TrackedSnapshot | null,
  opts: PullSnapshotOptions = {},
): Promise<RepullResult> {
  let fullBecause: string | undefined = previous ? 'the previous snapshot is not of a WAL-mode database' : undefined;
  if (previous?.walBase) {
    const resume = opts.freeze ? await engine.pause(container) : undefined;
    let attempt: RepullResult | string;
    try {
      attempt = await walOnly(engine, container, path, previous, opts);
    } finally {
      await resume?.();
    }
    if (typeof attempt !== 'string') return attempt;
    fullBecause = attempt;
  }
  const full = await pullTrackedSnapshot(engine, container, path, opts);
  const bytesFetched = full.snapshot.stamp.size + (full.walBase?.position.walBytes ?? 0);
  return { ...full, how: 'full', ...(fullBecause ? { fullBecause } : {}), bytesFetched };
}

/** The snapshot from the -wal alone, or why it cannot be (the caller pulls in full). */
async function walOnly(
  engine: ContainerEngine,
  container: Pick<ContainerRef, 'id' | 'name' | 'image'>,
  path: string,
  previous: TrackedSnapshot,
  opts: PullSnapshotOptions,
): Promise<RepullResult | string> {
  const base = previous.walBase!;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const source = containerSource(engine, container, path, maxBytes, false);
  const before = await source.stat(opts.signal);
  const why = unchangedBesideWal(before, base.dbKey, base.position.walBytes);
  if (why) return why;
  let wal: Uint8Array | null;
  try {
    wal = await source.read('wal', before.wal!, (bytes) => opts.onProgress?.({ file: `${source.displayName}-wal`, bytes, totalBytes: before.wal!.size, bytesSoFar: bytes }), opts.signal);
  } catch (err) {
    if (isCdbError(err, 'CANCELLED')) throw err;
    return `the -wal could not be read (${isCdbError(err) ? err.code : 'error'})`;
  }
  if (!wal) return 'the -wal changed while it was read';
  const after = await source.stat(opts.signal);
  // The same rule as a full pull: nothing but the -wal may move, and it only by growing.
  const moved = unchangedBesideWal(after, base.dbKey, base.position.walBytes);
  if (moved) return moved;
  if (!walKept(before, after, { db: new Uint8Array(0), wal, journal: null })) return 'the -wal was restarted while it was read';
  const pageSize = base.position.pageSize;
  const replay = applyWalAppended(previous.snapshot.bytes, wal, base.position, Math.ceil(base.dbSize / pageSize), { allocate: allocateShared, maxBytes });
  if (!replay) return 'the -wal is not the same generation only appended to (a checkpoint or restart)';
  parseSqliteHeader(replay.db, source.displayName);
  const hash = (opts.hash ?? true) === true;
  const prev = previous.snapshot.stamp;
  const snapshot: Snapshot = {
    bytes: replay.db,
    stamp: {
      ...prev,
      containerId: container.id,
      containerName: container.name,
      image: container.image,
      path,
      sha256: hash ? sha256Hex(replay.db) : undefined,
      pulledAt: new Date().toISOString(),
      walFramesApplied: replay.framesApplied,
      journal: 'wal',
      attempts: 1,
      warnings: [],
    },
  };
  if (!hash) delete snapshot.stamp.sha256;
  return { snapshot, walBase: { ...base, position: replay.position! }, how: 'wal', bytesFetched: wal.length };
}

/** Null when the database file is the cached one and the -wal is at least as long; else why not. */
function unchangedBesideWal(stat: CompanionSet<FileVersion>, dbKey: string, walBytes: number): string | null {
  if (stat.db.key !== dbKey) return 'the database file changed (a checkpoint wrote it)';
  if (stat.journal) return 'a -journal is present';
  if (!stat.wal) return 'the -wal is gone';
  if (stat.wal.size < walBytes) return 'the -wal shrank (restarted after a checkpoint)';
  return null;
}
