/**
 * Keeps, per pulled container, how its database differs from the workspace's host database. The
 * host file is snapshotted (read-only, WAL applied) into the SnapshotStore's own SqlEngine, so both
 * databases sit in one sql.js worker and the core diff ATTACHes one to the other. Recomputed after
 * each pull, when the host file changes on disk (a file watcher), and when the setting changes.
 * All engine work for comparisons goes through one queue: a host reload never closes a handle that
 * a running comparison or a compare view's page is using.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CdbError, errorLine } from '../../core/errors';
import type { DbHandle, SqlEngine } from '../../core/sqlEngine';
import type { ContainerInfo, Snapshot } from '../../core/types';
import type { EngineSet } from '../engines/engineSet';
import { readSettings } from '../settings';
import type { DatabaseEntry, SnapshotStore } from '../snapshotStore';
import type { Divergence } from './divergence';
import type { HostDatabases } from './hostDatabase';

interface HostSide {
  path: string;
  /** Size, mtime and inode of the file and its -wal: a different key means a new snapshot. */
  key: string;
  snapshot: Snapshot;
  db: DbHandle;
}

/** What a compare view works with: both handles open in one engine, host = A, container = B. */
export interface ComparePair {
  engine: SqlEngine;
  host: DbHandle;
  hostPath: string;
  container: DatabaseEntry;
}

const WATCH_SETTLE_MS = 300;

export class DivergenceService implements vscode.Disposable {
  private readonly states = new Map<string, Divergence>();
  /** The snapshot each state was computed from, so that a re-fired store event does not recompute. */
  private readonly computedFor = new Map<string, DatabaseEntry>();
  private readonly pending = new Map<string, Promise<Divergence>>();
  private host: HostSide | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: { path: string; w: vscode.FileSystemWatcher } | undefined;
  private settle: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the container id whose divergence changed. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly store: SnapshotStore,
    private readonly docker: EngineSet,
    readonly hosts: HostDatabases,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      store.onDidChange((id) => {
        const entry = store.get(id);
        if (!entry) {
          if (this.states.delete(id)) this.changed.fire(id);
          this.computedFor.delete(id);
        } else if (!store.isPulling(id) && this.computedFor.get(id) !== entry) {
          void this.update(id);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('containerDb.hostDatabasePath')) this.hostChanged('setting changed');
      }),
      // The workspace's hostDatabasePath is ignored until the folder is trusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.hostChanged('workspace trusted')),
    );
  }

  get(containerId: string): Divergence | undefined {
    return this.states.get(containerId);
  }

  /** The divergence as soon as the running or queued computation for this container settles. */
  async settled(containerId: string): Promise<Divergence | undefined> {
    return (await this.pending.get(containerId)) ?? this.states.get(containerId);
  }

  /** (Re)compute one container's divergence. */
  update(containerId: string): Promise<Divergence> {
    const running = this.pending.get(containerId);
    if (running) return running;
    this.set(containerId, { kind: 'computing', hostPath: this.host?.path });
    const p = this.enqueue(() => this.compute(containerId)).then(
      (d) => d,
      (err: unknown): Divergence => ({ kind: 'error', message: errorLine(err) }),
    );
    const tracked = p.then((d) => {
      this.pending.delete(containerId);
      this.set(containerId, d);
      return d;
    });
    this.pending.set(containerId, tracked);
    return tracked;
  }

  /** Recompute every pulled container (the host file or its choice changed). */
  updateAll(): Promise<Divergence[]> {
    const ids = [...this.states.keys()].filter((id) => this.store.get(id));
    return Promise.all(ids.map((id) => this.update(id)));
  }

  /** Runs `fn` with both handles, in the comparison queue (the compare view's pages use it). */
  withPair<T>(containerId: string, fn: (pair: ComparePair) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const container = this.store.get(containerId);
      if (!container) throw new CdbError('FILE_NOT_FOUND', 'This snapshot is no longer available: run Inspect Container DB again.');
      const found = await this.hosts.find();
      if (!found.path) throw new CdbError('FILE_NOT_FOUND', 'No host database is chosen: run Container DB: Choose Host Database.');
      const host = await this.ensureHost(found.path);
      return fn({ engine: await this.store.sqlEngine(), host: host.db, hostPath: host.path, container });
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.settle) clearTimeout(this.settle);
    this.watcher?.w.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private set(id: string, d: Divergence): void {
    if (this.disposed) return;
    this.states.set(id, d);
    this.changed.fire(id);
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private hostChanged(why: string): void {
    this.log.debug(`Host database: ${why}; comparing again`);
    void this.enqueue(() => this.dropHost());
    void this.updateAll();
  }

  private async compute(containerId: string): Promise<Divergence> {
    const entry = this.store.get(containerId);
    const container = this.docker.container(containerId);
    if (!entry) return { kind: 'error', message: 'Not pulled.' };
    this.computedFor.set(containerId, entry);
    const found = await this.hosts.find();
    if (!found.path) return { kind: 'no-host', candidates: found.candidates.length };
    this.watch(found.path);
    const mountSource = container && sameFileMount(container, found.path);
    if (mountSource) return { kind: 'same-file', hostPath: found.path, mountSource };
    try {
      const host = await this.ensureHost(found.path);
      const engine = await this.store.sqlEngine();
      const { diffDatabases } = await import('../../core/diff');
      const started = Date.now();
      const diff = await diffDatabases(engine, host.db, entry.db, { sampleLimit: 0, images: { a: host.snapshot.bytes, b: entry.snapshot.bytes } });
      const ms = Date.now() - started;
      const changed = diff.tables.filter((t) => t.status !== 'same').length;
      this.log.info(`Compared ${entry.containerLabel}:${entry.path} with ${found.path} in ${ms} ms: ${diff.identical ? 'identical' : `${changed} table(s) differ, ${diff.schema.length} schema change(s)`}`);
      return { kind: 'diff', hostPath: found.path, diff, computedAt: new Date().toISOString(), ms };
    } catch (err) {
      this.log.warn(`Comparing ${entry.containerLabel} with ${found.path} failed: ${errorLine(err)}`);
      return { kind: 'error', hostPath: found.path, message: errorLine(err) };
    }
  }

  /** The host snapshot, reloaded when the file (or its -wal) is not the one last loaded. */
  private async ensureHost(file: string): Promise<HostSide> {
    const key = fileKey(file);
    if (this.host && this.host.path === file && this.host.key === key) return this.host;
    await this.dropHost();
    const { snapshotFromFile } = await import('../../core/snapshot');
    // Not hashed: nothing shows the host image's hash, and it costs ~0.45 s per 350 MiB on each reload.
    const snapshot = await snapshotFromFile(file, { maxBytes: readSettings().maxDatabaseBytes, hash: false });
    const engine = await this.store.sqlEngine();
    const db = await engine.open(snapshot, `host:${file}`);
    this.host = { path: file, key, snapshot, db };
    this.log.info(`Host database ${file}: ${snapshot.bytes.byteLength} bytes`);
    return this.host;
  }

  private async dropHost(): Promise<void> {
    const old = this.host;
    this.host = undefined;
    if (old) await (await this.store.sqlEngine()).close(old.db).catch(() => undefined);
  }

  /** One watcher on the host file and its -wal / -journal companions. */
  private watch(file: string): void {
    if (this.watcher?.path === file) return;
    this.watcher?.w.dispose();
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), `${path.basename(file)}*`));
    // SQLite writes a file in several steps (journal, pages, header): compare once they settle.
    const onEvent = (): void => {
      if (this.settle) clearTimeout(this.settle);
      this.settle = setTimeout(() => {
        this.settle = undefined;
        if (this.host && this.host.key === fileKey(file)) return;
        this.hostChanged(`${file} changed on disk`);
      }, WATCH_SETTLE_MS);
    };
    w.onDidChange(onEvent);
    w.onDidCreate(onEvent);
    w.onDidDelete(onEvent);
    this.watcher = { path: file, w };
  }
}

/**
 * The bind mount source when the container's database path is, through a bind mount, the host
 * file itself (same device and inode); undefined otherwise.
 */
export function sameFileMount(c: ContainerInfo, hostFile: string): string | undefined {
  const m = c.database.mount;
  if (!m || m.kind !== 'bind' || !c.database.path) return undefined;
  const rel = path.posix.relative(m.destination, c.database.path);
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return undefined;
  const onHost = rel ? path.join(m.source, ...rel.split('/')) : m.source;
  try {
    const a = fs.statSync(onHost);
    const b = fs.statSync(hostFile);
    return a.dev === b.dev && a.ino === b.ino ? m.source : undefined;
  } catch {
    // The engine may be on another machine: its bind source is not a path here.
    return undefined;
  }
}

function fileKey(file: string): string {
  const part = (p: string): string => {
    try {
      const s = fs.statSync(p);
      return `${s.size}:${s.mtimeMs}:${s.ino}`;
    } catch {
      return '-';
    }
  };
  return `${part(file)}|${part(`${file}-wal`)}`;
}
