import { fileOnDemand, snapshotFromFile } from '../core/snapshot';
import type { PageImage } from '../core/diff';
import type { DbHandle, SqlEngine } from '../core/sqlEngine';
import { pullContainerDatabase } from '../core/inspect';
import { CdbError } from '../core/errors';
import type { ContainerInfo, PullOptions, Snapshot, SnapshotStamp } from '../core/types';
import type { CliContext } from './context';

/** What `diff` and `query` accept: a host file, or `container:NAME[:PATH]`. */
export type Target = { kind: 'file'; path: string } | { kind: 'container'; name: string; path?: string };

export function parseTarget(text: string): Target {
  if (text.startsWith('container:')) {
    const rest = text.slice('container:'.length);
    const colon = rest.indexOf(':');
    const name = colon < 0 ? rest : rest.slice(0, colon);
    const path = colon < 0 ? undefined : rest.slice(colon + 1);
    if (!name) throw new CdbError('USAGE', `'${text}': expected container:NAME or container:NAME:/path/in/container.`);
    if (path !== undefined && !path.startsWith('/')) {
      throw new CdbError('USAGE', `'${text}': the path inside the container must be absolute (container:${name}:/app/backend/data/webui.db).`);
    }
    return { kind: 'container', name, path };
  }
  if (!text) throw new CdbError('USAGE', 'An empty target: give a file path or container:NAME[:PATH].');
  return { kind: 'file', path: text };
}

export interface LoadedTarget {
  target: Target;
  container?: ContainerInfo;
  snapshot: Snapshot;
}

/** Pulls (or reads) the target as a consistent snapshot. `pathOverride` is --path. */
export async function loadTarget(ctx: CliContext, target: Target, opts: { pathOverride?: string; signal?: AbortSignal; hash?: PullOptions['hash'] } = {}): Promise<LoadedTarget> {
  const maxBytes = ctx.globals.maxBytes;
  if (target.kind === 'file') {
    return { target, snapshot: await snapshotFromFile(target.path, { maxBytes, signal: opts.signal, hash: opts.hash }) };
  }
  const engine = await ctx.docker();
  const container = await engine.findContainer(target.name, { databasePath: target.path ?? opts.pathOverride });
  const snapshot = await pullContainerDatabase(engine, container, { maxBytes, signal: opts.signal, freeze: ctx.globals.freeze, hash: opts.hash });
  return { target, container, snapshot };
}

/**
 * One side of a comparison: a snapshot in memory, or a host file read on demand (fileOnDemand),
 * which holds only while `settled()` says so once the comparison is done.
 */
export interface DiffSide {
  target: Target;
  stamp: SnapshotStamp;
  image: PageImage;
  open(engine: SqlEngine, label: string): Promise<DbHandle>;
  /** False when a file read on demand changed (or grew a -wal / -journal) since it was opened. */
  settled(): Promise<boolean>;
  release(): void;
}

export async function loadSide(ctx: CliContext, target: Target, opts: { signal?: AbortSignal; onDemand: boolean }): Promise<DiffSide> {
  const onDemand = opts.onDemand && target.kind === 'file' ? await fileOnDemand(target.path, { maxBytes: ctx.globals.maxBytes }) : null;
  if (onDemand) {
    return {
      target,
      stamp: onDemand.stamp,
      image: onDemand.pages,
      open: (engine, label) => engine.openFile(onDemand.ref, label),
      settled: () => onDemand.unchanged(),
      release: () => onDemand.close(),
    };
  }
  const loaded = await loadTarget(ctx, target, { signal: opts.signal, hash: false });
  return {
    target,
    stamp: loaded.snapshot.stamp,
    image: loaded.snapshot.bytes,
    open: (engine, label) => engine.open(loaded.snapshot, label),
    settled: async () => true,
    release: () => undefined,
  };
}
