/**
 * The databases quick queries and the console run on: a container's pulled snapshot or the host
 * file, each open in a sql.js engine of its own (a worker apart from the table grids'). Cancelling
 * a query ends that worker; the grids keep theirs. A container snapshot is shared with the
 * SnapshotStore's bytes (a SharedArrayBuffer), so opening it here copies nothing.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { DbHandle, SqlEngine } from '../../core/sqlEngine';
import type { SchemaInfo } from '../../core/types';
import { readSettings } from '../settings';
import type { DatabaseEntry, SnapshotStore } from '../snapshotStore';
import { hostLabel } from './hostDatabaseFile';

/** Which database: a container's snapshot (by container) or a file on this machine. */
export type DatabaseRef = { kind: 'container'; containerId: string; containerName: string } | { kind: 'host'; path: string };

export interface OpenedDatabase {
  ref: DatabaseRef;
  label: string;
  engine: SqlEngine;
  db: DbHandle;
  schema: SchemaInfo;
}

interface HostOpen {
  key: string;
  opened: OpenedDatabase;
}

export function refLabel(ref: DatabaseRef, entry?: DatabaseEntry): string {
  // The entry's label names the engine too when several are configured ("open-webui on podman").
  return ref.kind === 'container' ? `${entry?.containerLabel ?? ref.containerName}:${entry?.path ?? 'database'}` : hostLabel(ref.path);
}

export function sameRef(a: DatabaseRef, b: DatabaseRef): boolean {
  return a.kind === 'container' ? b.kind === 'container' && a.containerId === b.containerId : b.kind === 'host' && a.path === b.path;
}

export class QueryDatabases implements vscode.Disposable {
  private engineP: Promise<SqlEngine> | undefined;
  private readonly containers = new Map<string, { entry: DatabaseEntry; opened: OpenedDatabase }>();
  private readonly hosts = new Map<string, HostOpen>();

  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: SnapshotStore,
    private readonly workerPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A snapshot the store re-pulled or dropped is closed here too, so its bytes can be freed.
    this.subscription = store.onDidChange((containerId) => {
      const cached = this.containers.get(containerId);
      if (!cached || store.get(containerId) === cached.entry || store.isPulling(containerId)) return;
      this.containers.delete(containerId);
      void this.engineP?.then((e) => e.close(cached.opened.db)).catch(() => undefined);
    });
  }

  /** The snapshot entry of a container, when it has been pulled. */
  entry(containerId: string): DatabaseEntry | undefined {
    return this.store.get(containerId);
  }

  async open(ref: DatabaseRef, signal?: AbortSignal): Promise<OpenedDatabase> {
    return ref.kind === 'container' ? this.openContainer(ref) : this.openHost(ref, signal);
  }

  dispose(): void {
    this.subscription.dispose();
    const engine = this.engineP;
    this.engineP = undefined;
    this.containers.clear();
    this.hosts.clear();
    void engine?.then((e) => e.dispose()).catch(() => undefined);
  }

  private async openContainer(ref: DatabaseRef & { kind: 'container' }): Promise<OpenedDatabase> {
    const entry = this.store.get(ref.containerId);
    if (!entry) {
      throw new CdbError('USAGE', `The database of ${ref.containerName} has not been pulled: run Inspect Container DB on it first.`);
    }
    const cached = this.containers.get(ref.containerId);
    if (cached?.entry === entry) return cached.opened;
    const engine = await this.engine();
    if (cached) await engine.close(cached.opened.db).catch(() => undefined);
    // A re-pull replaced the snapshot: the next query reads the new bytes.
    const label = refLabel(ref, entry);
    const db = await engine.open(entry.snapshot, label);
    const opened: OpenedDatabase = { ref, label, engine, db, schema: entry.schema };
    this.containers.set(ref.containerId, { entry, opened });
    return opened;
  }

  private async openHost(ref: DatabaseRef & { kind: 'host' }, signal?: AbortSignal): Promise<OpenedDatabase> {
    const key = fileKey(ref.path);
    const cached = this.hosts.get(ref.path);
    // The host file may change between runs (the app writes to it): a changed file is read again.
    if (cached && cached.key === key) return cached.opened;
    const engine = await this.engine();
    if (cached) await engine.close(cached.opened.db).catch(() => undefined);
    const { snapshotFromFile } = await import('../../core/snapshot');
    const snapshot = await snapshotFromFile(ref.path, { signal, maxBytes: readSettings().maxDatabaseBytes });
    const label = refLabel(ref);
    const db = await engine.open(snapshot, label);
    let schema: SchemaInfo;
    try {
      const { readSchema } = await import('../../core/sqlEngine');
      schema = await readSchema(engine, db, { countRows: false, signal });
    } catch (err) {
      await engine.close(db).catch(() => undefined);
      throw err;
    }
    const opened: OpenedDatabase = { ref, label, engine, db, schema };
    this.hosts.set(ref.path, { key, opened });
    this.log.info(`Queries: opened ${label} (${snapshot.bytes.byteLength} bytes, sha256 ${snapshot.stamp.sha256?.slice(0, 12) ?? 'not computed'})`);
    return opened;
  }

  private engine(): Promise<SqlEngine> {
    if (!this.engineP) {
      const log = this.log;
      this.engineP = import('../../core/sqlEngine').then(({ SqlEngine }) => new SqlEngine({ workerPath: this.workerPath, log: (m: string) => log.debug(`queries: ${m}`) }));
    }
    return this.engineP;
  }
}

/** Size, mtime and the companions' sizes: what says the host file (or its WAL) changed. */
function fileKey(file: string): string {
  const part = (p: string) => {
    try {
      const st = fs.statSync(p);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return [part(file), part(`${file}-wal`), part(`${file}-journal`)].join('|');
}
