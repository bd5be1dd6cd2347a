/**
 * A consistent snapshot of a database in a container, through whatever engine holds it: the
 * consistent-copy algorithm (consistentCopy.ts) over a source that stats and reads files through
 * the engine's interface (docker/containerEngine.ts), never by running anything in the container.
 */
import * as posix from 'node:path/posix';
import { CdbError, isCdbError } from '../errors';
import { DEFAULT_MAX_BYTES, tooLargeError } from '../bytes';
import { isRegularFile, type ContainerEngine } from '../docker';
import type { ContainerRef, PathStat, Snapshot } from '../types';
import { digestWhileReading, takeConsistentCopy, type CompanionSet, type ConsistentCopyOptions, type CopyStamp, type FileVersion, type SnapshotSource, type WalBase } from './consistentCopy';

export interface PullSnapshotOptions extends ConsistentCopyOptions {
  /**
   * Pause the container (the cgroup freezer: `docker pause`) while its files are copied, so that a
   * writer cannot move them: the copy settles at once, and a transaction caught half-way is rolled
   * back from its journal or left out of the WAL, as SQLite's recovery would. The app is frozen for
   * the length of the copy, so this is the user's choice, never the default. Nothing is written.
   */
  freeze?: boolean;
}

/**
 * Pull `path` (and its -wal / -journal) out of the container as one consistent database image.
 * Works on running and stopped containers; symbolic links are followed, and the companions are
 * looked for beside the file the link names, as SQLite's unix VFS does.
 */
export async function pullSnapshot(
  engine: ContainerEngine,
  container: Pick<ContainerRef, 'id' | 'name' | 'image'>,
  path: string,
  opts: PullSnapshotOptions = {},
): Promise<Snapshot> {
  return (await pullTrackedSnapshot(engine, container, path, opts)).snapshot;
}

/** A snapshot with what a later re-pull needs to fetch only the -wal (incrementalPull.ts); `walBase` null outside WAL mode. */
export interface TrackedSnapshot {
  snapshot: Snapshot;
  walBase: WalBase | null;
}

/** pullSnapshot, keeping the WAL position of the copy. */
export async function pullTrackedSnapshot(
  engine: ContainerEngine,
  container: Pick<ContainerRef, 'id' | 'name' | 'image'>,
  path: string,
  opts: PullSnapshotOptions = {},
): Promise<TrackedSnapshot> {
  const source = containerSource(engine, container, path, opts.maxBytes ?? DEFAULT_MAX_BYTES, digestWhileReading(opts));
  const resume = opts.freeze ? await engine.pause(container) : undefined;
  let copy: { bytes: Uint8Array; stamp: CopyStamp; walBase?: WalBase };
  try {
    copy = await takeConsistentCopy(source, opts);
  } finally {
    await resume?.();
  }
  const { bytes, stamp } = copy;
  return {
    snapshot: { bytes, stamp: { containerId: container.id, containerName: container.name, image: container.image, path, origin: 'container', ...stamp } },
    walBase: copy.walBase ?? null,
  };
}

/** The consistent-copy source over a container engine's stat and archive read. */
export function containerSource(engine: ContainerEngine, container: Pick<ContainerRef, 'id' | 'name'>, path: string, maxBytes: number, digest: boolean): SnapshotSource {
  const label = `'${container.name || container.id.slice(0, 12)}'`;
  const displayName = posix.basename(path);
  const versionOf = (stat: PathStat): FileVersion => ({ size: stat.size, mtime: stat.mtime, key: `${stat.size}|${stat.mtime}|${stat.mode}` });
  const companion = async (file: string, signal?: AbortSignal) => {
    const stat = await engine.stat(container.id, file, signal);
    // A companion that is not a plain file is not one SQLite would use.
    return stat && isRegularFile(stat) ? { file, stat } : null;
  };
  let files: CompanionSet<{ file: string; stat: PathStat }> | undefined;

  return {
    displayName,
    async stat(signal) {
      const resolved = await engine.resolvePath(container.id, path, signal);
      if (!resolved) throw new CdbError('FILE_NOT_FOUND', `${path} does not exist in container ${label}. Set the path with --path / containerDb.databasePath.`);
      if (!isRegularFile(resolved.stat)) {
        const what = resolved.stat.isDirectory ? 'a directory' : 'not a regular file';
        throw new CdbError('NOT_A_FILE', `${path} in container ${label} is ${what}, not a database file. Set the path with --path / containerDb.databasePath.`);
      }
      if (resolved.stat.size > maxBytes) throw tooLargeError(displayName, resolved.stat.size, maxBytes);
      const [wal, journal] = await Promise.all([companion(`${resolved.path}-wal`, signal), companion(`${resolved.path}-journal`, signal)]);
      files = { db: { file: resolved.path, stat: resolved.stat }, wal, journal };
      return { db: versionOf(resolved.stat), wal: wal && versionOf(wal.stat), journal: journal && versionOf(journal.stat) };
    },
    async read(kind, version, onBytes, signal) {
      const target = files?.[kind];
      if (!target) return null;
      try {
        const pulled = await engine.readFile(container.id, target.file, {
          maxBytes,
          signal,
          stat: target.stat,
          expectedSize: version.size,
          containerLabel: label,
          digest: digest && kind === 'db',
          onProgress: (p) => onBytes(p.bytes),
        });
        return pulled.data;
      } catch (err) {
        if (isCdbError(err, 'FILE_NOT_FOUND')) return null;
        // The engine writes the tar header with the size it stat'ed, then copies the file: when a
        // writer grows or truncates it meanwhile (a WAL appended to, a TRUNCATE checkpoint), Go's
        // tar writer fails and the stream is cut short. That is a change, not a broken archive:
        // the next attempt's stat sees the new file (or the real fault: engine gone, container removed).
        if (isCdbError(err, 'ARCHIVE_INVALID')) return null;
        throw err;
      }
    },
  };
}
