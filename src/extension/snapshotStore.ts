/**
 * The pulled databases, one per container: the snapshot bytes, its open handle in the sql.js
 * worker and its schema. A new pull replaces an entry only once it has succeeded, so a failed or
 * cancelled re-pull leaves the previous snapshot usable. sql.js is loaded on the first pull.
 *
 * A successful re-pull also keeps the snapshot it replaces (one per container) so that the changes
 * between the two can be computed and shown (changes/), but only while both images fit
 * `containerDb.maxDatabaseSize` together: beyond that the previous one is closed and the reason
 * kept for the change view. A kept previous is released on the next pull, when its container goes
 * away, and on dispose; every release waits for the work running on the pair (`withPair`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DbHandle, SqlEngine } from '../core/sqlEngine';
import type { ContainerInfo, PullProgress, QueryResult, SchemaInfo, Snapshot, SqlValue } from '../core/types';
import type { EngineSet } from './engines/engineSet';
import { formatByteSize } from '../core/byteSize';
import { CdbError } from '../core/errors';
import { readSettings } from './settings';

export interface DatabaseEntry {
  containerId: string;
  containerName: string;
  /** The `containerDb.engines` entry it was pulled from; undefined with the one default engine. */
  engineName?: string;
  /** "open-webui on podman" with several engines, else the container's name: what views and messages show. */
  containerLabel: string;
  path: string;
  snapshot: Snapshot;
  db: DbHandle;
  schema: SchemaInfo;
  /** Wall time of the pull (engine stream, WAL replay, hashing), ms. */
  pullMs: number;
  /** When the pull finished (epoch ms). */
  pulledAt: number;
}

/** What a re-pull left of the snapshot it replaced. */
export type PreviousSnapshot = { kind: 'kept'; entry: DatabaseEntry } | { kind: 'too-large'; reason: string };

export interface PullRequest {
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** Pause the container for this copy, whatever containerDb.freezeWhileCopying says. */
  freeze?: boolean;
}

export class SnapshotStore implements vscode.Disposable {
  private readonly entries = new Map<string, DatabaseEntry>();
  private readonly previous = new Map<string, PreviousSnapshot>();
  /** Work on a (previous, current) pair, and the releases of previous snapshots, one at a time. */
  private pairQueue: Promise<unknown> = Promise.resolve();
  private readonly pulling = new Map<string, Promise<DatabaseEntry>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the container id whose snapshot changed (pulled, re-pulled, dropped). */
  readonly onDidChange = this.changed.event;
  private engineP: Promise<SqlEngine> | undefined;

  constructor(
    private readonly docker: EngineSet,
    private readonly log: vscode.LogOutputChannel,
    private readonly workerPath: string,
  ) {}

  get(containerId: string): DatabaseEntry | undefined {
    return this.entries.get(containerId);
  }

  /** The snapshot the last re-pull replaced, or why it was not kept; undefined after a first pull. */
  previousOf(containerId: string): PreviousSnapshot | undefined {
    return this.previous.get(containerId);
  }

  /**
   * Runs `fn` with the previous and the current snapshot of a container, in the queue that
   * releases previous snapshots: neither handle is closed while `fn` runs.
   */
  withPair<T>(containerId: string, fn: (pair: { previous: DatabaseEntry; current: DatabaseEntry; engine: SqlEngine }) => Promise<T>): Promise<T> {
    return this.onPairQueue(async () => {
      const prev = this.previous.get(containerId);
      const current = this.entries.get(containerId);
      if (!current || prev?.kind !== 'kept') throw new CdbError('FILE_NOT_FOUND', 'The previous snapshot of this container is no longer kept: pull it again to see what changes.');
      return fn({ previous: prev.entry, current, engine: await this.engine() });
    });
  }

  isPulling(containerId: string): boolean {
    return this.pulling.has(containerId);
  }

  /** True once sql.js has been asked for (tests check that activation does not). */
  get engineLoaded(): boolean {
    return this.engineP !== undefined;
  }

  pull(container: ContainerInfo, req: PullRequest = {}): Promise<DatabaseEntry> {
    const running = this.pulling.get(container.id);
    if (running) return running;
    const p = this.doPull(container, req).finally(() => {
      this.pulling.delete(container.id);
      this.changed.fire(container.id);
    });
    this.pulling.set(container.id, p);
    this.changed.fire(container.id);
    return p;
  }

  async query(entry: DatabaseEntry, sql: string, params: SqlValue[] = [], opts: { signal?: AbortSignal; maxRows?: number } = {}): Promise<QueryResult> {
    const engine = await this.engine();
    return engine.query(entry.db, sql, params, opts);
  }

  /**
   * Drop snapshots of containers that no longer exist. With several engines, a snapshot whose
   * engine is not listed now (unreachable, reconnecting) stays: an engine going away drops nothing.
   */
  async retain(containerIds: Set<string>): Promise<void> {
    for (const [id, entry] of this.entries) {
      if (containerIds.has(id) || this.docker.keeps(id, entry.engineName)) continue;
      this.entries.delete(id);
      this.releasePrevious(id);
      await this.closeQuietly(entry);
      this.changed.fire(id);
    }
  }

  dispose(): void {
    // The engine's end closes every handle, the previous snapshots' too.
    this.previous.clear();
    this.changed.dispose();
    const engine = this.engineP;
    this.engineP = undefined;
    void engine?.then((e) => e.dispose()).catch(() => undefined);
  }

  private async doPull(container: ContainerInfo, req: PullRequest): Promise<DatabaseEntry> {
    const settings = readSettings();
    const started = Date.now();
    const owner = this.docker.engineOf(container.id);
    const engine = await this.docker.connectionFor(container.id);
    const label = this.docker.label(container.id, container.name);
    this.log.info(`Pulling ${label}:${container.database.path} from ${owner?.name ? `engine '${owner.name}'` : 'the engine'} at ${engine.description}`);
    const { openContainerDatabase } = await import('../core/inspect');
    const opened = await openContainerDatabase(engine, await this.engine(), container, {
      maxBytes: settings.maxDatabaseBytes,
      onProgress: req.onProgress,
      signal: req.signal,
      freeze: req.freeze ?? settings.freezeWhileCopying,
    });
    const { snapshot, db, schema, pullMs, path: dbPath } = opened;
    const entry: DatabaseEntry = {
      containerId: container.id,
      containerName: container.name,
      engineName: owner?.name,
      containerLabel: label,
      path: dbPath,
      snapshot,
      db,
      schema,
      pullMs,
      pulledAt: Date.now(),
    };
    const previous = this.entries.get(container.id);
    this.releasePrevious(container.id);
    this.entries.set(container.id, entry);
    if (previous) {
      const both = previous.snapshot.bytes.byteLength + snapshot.bytes.byteLength;
      if (both <= settings.maxDatabaseBytes) this.previous.set(container.id, { kind: 'kept', entry: previous });
      else {
        const reason =
          `The previous snapshot was not kept: both snapshots (${formatByteSize(both)}) would not fit containerDb.maxDatabaseSize (${formatByteSize(settings.maxDatabaseBytes)}). ` +
          'Raise the setting to see what changes between pulls.';
        this.previous.set(container.id, { kind: 'too-large', reason });
        this.log.info(`${label}: ${reason}`);
        await this.closeQuietly(previous);
      }
    }
    const st = snapshot.stamp;
    this.log.info(
      `Pulled ${label}:${dbPath}: ${st.size} bytes (${formatByteSize(snapshot.bytes.byteLength)} with WAL applied) in ${pullMs} ms, ` +
        `WAL frames applied ${st.walFramesApplied}, journal ${st.journal}, attempts ${st.attempts}, sha256 ${st.sha256?.slice(0, 12) ?? 'not computed'}, ` +
        `${schema.tables.length} tables, total ${Date.now() - started} ms`,
    );
    for (const w of st.warnings) this.log.warn(`${label}:${dbPath}: ${w}`);
    return entry;
  }

  /** The one sql.js engine (started on first use): the host database opens beside the snapshots, so a diff can ATTACH them. */
  sqlEngine(): Promise<SqlEngine> {
    return this.engine();
  }

  private engine(): Promise<SqlEngine> {
    if (!this.engineP) {
      const log = this.log;
      this.engineP = import('../core/sqlEngine').then(({ SqlEngine }) => new SqlEngine({ workerPath: this.workerPath, log: (m: string) => log.debug(m) }));
    }
    return this.engineP;
  }

  /** Forgets the previous snapshot of a container and closes it once the pair's running work is done. */
  private releasePrevious(containerId: string): void {
    const prev = this.previous.get(containerId);
    this.previous.delete(containerId);
    if (prev?.kind !== 'kept') return;
    void this.onPairQueue(async () => {
      await this.closeQuietly(prev.entry);
      this.log.debug(`Released the previous snapshot of ${prev.entry.containerLabel}`);
    });
  }

  private onPairQueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.pairQueue.then(fn, fn);
    this.pairQueue = p.catch(() => undefined);
    return p;
  }

  private async closeQuietly(entry: DatabaseEntry): Promise<void> {
    try {
      const engine = await this.engine();
      await engine.close(entry.db);
    } catch (err) {
      this.log.debug(`Closing ${entry.containerName}:${entry.path} failed: ${String(err)}`);
    }
  }
}

/** The worker beside the bundle: dist/sqlWorker.js next to dist/extension.js. */
export function defaultWorkerPath(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'sqlWorker.js');
}
