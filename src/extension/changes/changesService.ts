/**
 * Keeps, per pulled container, what changed between its previous pull and its last one (issue 11):
 * after each successful re-pull the core diff runs between the snapshot the store kept and the new
 * one, inside the store's pair queue, so neither handle is released while it runs. A first pull
 * has no changes; a re-pull whose previous snapshot was too large to keep says why.
 */
import * as vscode from 'vscode';
import { errorLine } from '../../core/errors';
import type { DatabaseEntry, SnapshotStore } from '../snapshotStore';
import type { Changes } from './changes';

export class ChangesService implements vscode.Disposable {
  private readonly states = new Map<string, Changes>();
  /** The snapshot each state was computed for, so that a re-fired store event does not recompute. */
  private readonly computedFor = new Map<string, DatabaseEntry>();
  private readonly pending = new Map<string, Promise<Changes | undefined>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the container id whose changes moved (computing, computed, gone). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly store: SnapshotStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      store.onDidChange((id) => {
        const entry = store.get(id);
        if (!entry) this.forget(id);
        else if (!store.isPulling(id) && this.computedFor.get(id) !== entry) void this.update(id, entry);
      }),
    );
  }

  get(containerId: string): Changes | undefined {
    return this.states.get(containerId);
  }

  /** The changes once the running computation for this container settles. */
  async settled(containerId: string): Promise<Changes | undefined> {
    return (await this.pending.get(containerId)) ?? this.states.get(containerId);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private forget(id: string): void {
    this.computedFor.delete(id);
    if (this.states.delete(id)) this.changed.fire(id);
  }

  private update(id: string, entry: DatabaseEntry): Promise<Changes | undefined> {
    this.computedFor.set(id, entry);
    const prev = this.store.previousOf(id);
    if (!prev) {
      this.forget(id);
      this.computedFor.set(id, entry);
      return Promise.resolve(undefined);
    }
    if (prev.kind === 'too-large') {
      this.set(id, { kind: 'unavailable', reason: prev.reason });
      return Promise.resolve(this.states.get(id));
    }
    this.set(id, { kind: 'computing' });
    const p = this.store
      .withPair(id, async ({ previous, current, engine }): Promise<Changes> => {
        const { diffDatabases } = await import('../../core/diff');
        const started = Date.now();
        const diff = await diffDatabases(engine, previous.db, current.db, { sampleLimit: 0, images: { a: previous.snapshot.bytes, b: current.snapshot.bytes } });
        const ms = Date.now() - started;
        const n = diff.tables.filter((t) => t.status !== 'same').length;
        this.log.info(`Changes since the last pull of ${current.containerLabel}:${current.path} in ${ms} ms: ${diff.identical ? 'none' : `${n} table(s) changed, ${diff.schema.length} schema change(s)`}`);
        return { kind: 'diff', diff, previousPulledAt: previous.pulledAt, pulledAt: current.pulledAt, ms };
      })
      .catch((err: unknown): Changes => {
        this.log.warn(`Changes since the last pull of ${entry.containerLabel}: ${errorLine(err)}`);
        return { kind: 'error', message: errorLine(err) };
      })
      .then((c) => {
        // A newer pull's computation owns the state now.
        if (this.computedFor.get(id) !== entry) return c;
        this.pending.delete(id);
        this.set(id, c);
        return c;
      });
    this.pending.set(id, p);
    return p;
  }

  private set(id: string, c: Changes): void {
    if (this.disposed) return;
    this.states.set(id, c);
    this.changed.fire(id);
  }
}
