/**
 * Watching a container's database: every interval, ask the engine for the stat of the database
 * and its -wal / -journal (the archive HEAD: nothing runs in the container, nothing is copied),
 * and re-pull only when one of them moved — through repullSnapshot, so that in WAL mode between
 * checkpoints only the -wal crosses. One pull at a time by construction (the loop awaits each),
 * cancelled by the caller's AbortSignal, and ended by one CONTAINER_STOPPED error when the
 * engine's event stream says the container stopped or went away. The container is paused only
 * when the caller asks (`freeze`), for the length of each copy, as a pull would.
 *
 * An async iterator, so that the CLI (`container-db watch`) and the extension consume the same
 * thing: the first update is the first pull (`previous` null); each later one follows a move.
 */
import { CdbError, cancelled, throwIfAborted } from '../errors';
import type { ContainerEngine } from '../docker';
import type { ContainerRef, Snapshot } from '../types';
import type { CompanionKind, CompanionSet, FileVersion } from './consistentCopy';
import { containerSource, type PullSnapshotOptions, type TrackedSnapshot } from './containerSnapshot';
import { repullSnapshot, type RepullResult } from './incrementalPull';
import { DEFAULT_MAX_BYTES } from '../bytes';

export const DEFAULT_WATCH_INTERVAL_MS = 2000;

/** One file whose stat moved between two polls (null: absent then). */
export interface StatChange {
  file: CompanionKind;
  before: FileVersion | null;
  after: FileVersion | null;
}

export interface WatchUpdate {
  /** The snapshot before this update; null for the first pull. The caller owns both. */
  previous: Snapshot | null;
  current: Snapshot;
  /** What moved since the last poll (empty for the first pull). */
  changes: StatChange[];
  /** How the snapshot was taken; with `fullBecause` when a re-pull could not use the -wal alone. */
  how: RepullResult['how'];
  fullBecause?: string;
  bytesFetched: number;
  /** Milliseconds the pull took. */
  pullMs: number;
}

export interface WatchOptions extends PullSnapshotOptions {
  /** Between two polls of the stat. Default 2 s. */
  intervalMs?: number;
  /** A snapshot already pulled (with its WAL position): the watch starts from it instead of pulling. */
  initial?: TrackedSnapshot;
  /** How long to wait for the engine's event stream before the first pull. Default 10 s. */
  eventsTimeoutMs?: number;
}

/** The actions after which a container's files no longer change. (pause is not one: --freeze pauses.) */
const STOPPED = new Set(['die', 'stop', 'destroy']);

/** The files that moved between two polls: pure, by the stat's key (size, mtime, mode). */
export function statChanges(before: CompanionSet<FileVersion>, after: CompanionSet<FileVersion>): StatChange[] {
  const changes: StatChange[] = [];
  for (const file of ['db', 'wal', 'journal'] as const) {
    const x = before[file];
    const y = after[file];
    if ((x?.key ?? null) !== (y?.key ?? null)) changes.push({ file, before: x, after: y });
  }
  return changes;
}

export async function* watchDatabase(
  engine: ContainerEngine,
  container: Pick<ContainerRef, 'id' | 'name' | 'image'>,
  path: string,
  opts: WatchOptions = {},
): AsyncGenerator<WatchUpdate, void, undefined> {
  const { signal } = opts;
  const interval = Math.max(50, opts.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS);
  const label = `'${container.name || container.id.slice(0, 12)}'`;
  const stop = new Stopper(signal);
  const isOurs = (id: string, name: string) => id === container.id || id.startsWith(container.id) || (!!container.name && name === container.name);
  const events = engine.watchEvents(
    (e) => {
      if (!STOPPED.has(e.action) || !isOurs(e.id, e.name)) return;
      const how = e.action === 'destroy' ? 'was removed' : 'stopped';
      stop.end(new CdbError('CONTAINER_STOPPED', `Container ${label} ${how}: the watch of ${path} ended. Start the container and watch again.`));
    },
    { signal, onError: (err) => stop.end(err), onConnected: () => stop.connected() },
  );
  try {
    // Until the stream is accepted a stop would go unseen; then the container must be running now.
    await stop.untilConnected(opts.eventsTimeoutMs ?? 10_000);
    const info = await engine.findContainer(container.id);
    if (info.state !== 'running') {
      throw new CdbError('CONTAINER_STOPPED', `Container ${label} is ${info.state}, not running: nothing changes its database. Start it and watch again.`);
    }
    const source = containerSource(engine, container, path, opts.maxBytes ?? DEFAULT_MAX_BYTES, false);
    let stats = await stop.guard(source.stat(signal));
    let tracked: TrackedSnapshot;
    if (opts.initial) {
      tracked = opts.initial;
    } else {
      const started = Date.now();
      const first = await stop.guard(repullSnapshot(engine, container, path, null, opts));
      tracked = first;
      yield { previous: null, current: first.snapshot, changes: [], how: first.how, bytesFetched: first.bytesFetched, pullMs: Date.now() - started };
    }
    for (;;) {
      await stop.sleep(interval);
      const next = await stop.guard(source.stat(signal));
      const changes = statChanges(stats, next);
      if (!changes.length) continue;
      // The stat before the pull is the new baseline: a write landing during the pull shows at the
      // next poll again (a re-pull that finds nothing new), never goes unseen.
      stats = next;
      const started = Date.now();
      const result = await stop.guard(repullSnapshot(engine, container, path, tracked, opts));
      const previous = tracked.snapshot;
      tracked = result;
      yield {
        previous,
        current: result.snapshot,
        changes,
        how: result.how,
        ...(result.fullBecause ? { fullBecause: result.fullBecause } : {}),
        bytesFetched: result.bytesFetched,
        pullMs: Date.now() - started,
      };
    }
  } finally {
    events.dispose();
    stop.dispose();
  }
}

/**
 * Where the watch learns that it must end: the caller's signal (CANCELLED), or the container's
 * stop (its CdbError), which also wakes a sleep and wins over whatever the engine answered meanwhile.
 */
class Stopper {
  private error: unknown;
  private wake: (() => void) | undefined;
  private onConnected: (() => void) | undefined;
  private isConnected = false;
  private readonly onAbort = () => this.end(cancelled('The watch'));

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  end(err: unknown): void {
    this.error ??= err;
    this.wake?.();
    this.onConnected?.();
  }

  connected(): void {
    this.isConnected = true;
    this.onConnected?.();
  }

  check(): void {
    if (this.error) throw this.error;
    throwIfAborted(this.signal, 'The watch');
  }

  /** The container's stop explains a failure of what ran meanwhile better than the failure does. */
  async guard<T>(work: Promise<T>): Promise<T> {
    try {
      const value = await work;
      this.check();
      return value;
    } catch (err) {
      this.check();
      throw err;
    }
  }

  async untilConnected(timeoutMs: number): Promise<void> {
    this.check();
    if (!this.isConnected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.onConnected = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onConnected = undefined;
    }
    this.check();
  }

  async sleep(ms: number): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    this.check();
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
