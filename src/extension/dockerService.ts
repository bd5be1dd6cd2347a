/**
 * Owns the connection to one container engine for the extension: connects per the settings (or
 * one entry of `containerDb.engines`), lists containers, and turns the engine's event stream into
 * refreshes (no polling). Several of these make an EngineSet (engines/engineSet.ts). Core modules
 * are imported on first use so that activation loads neither dockerode nor sql.js.
 */
import * as vscode from 'vscode';
import type { ContainerEngine } from '../core/docker';
import { CdbError } from '../core/errors';
import type { ContainerInfo } from '../core/types';
import { readSettings, type EngineEntry } from './settings';

export type EngineState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  /** `engine`: "Docker" / "Podman", which engine answered (the view names it when it is not Docker). */
  | { kind: 'ready'; containers: ContainerInfo[]; endpoint: string; engine: string }
  | { kind: 'unreachable'; error: CdbError };

/** Container lifecycle actions that change what the view lists. */
const LIST_ACTIONS = new Set(['create', 'start', 'restart', 'stop', 'die', 'kill', 'destroy', 'rename', 'pause', 'unpause', 'update']);
const EVENT_DEBOUNCE_MS = 300;

export interface DockerServiceOptions {
  /** An entry of `containerDb.engines`; none: the one engine the settings and DOCKER_HOST name. */
  entry?: EngineEntry;
  /** Called on every state change, notified or not (the EngineSet publishes the view's context keys). */
  onState?(): void;
}

export class DockerService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private current: EngineState = { kind: 'idle' };
  private conn: Promise<ContainerEngine> | undefined;
  private watcher: { dispose(): void } | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private debounce: NodeJS.Timeout | undefined;
  /** Bumped on every reset, so that a connection made for old settings is thrown away. */
  private generation = 0;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly opts: DockerServiceOptions = {},
  ) {}

  /** The entry's name; undefined for the one engine of the settings. */
  get name(): string | undefined {
    return this.opts.entry?.name;
  }

  /** The engine once connected (its kind, description and version for the view), else undefined. */
  get engine(): ContainerEngine | undefined {
    return this.connected;
  }

  /** For the log: "engine 'podman'" or "the Docker engine". */
  private get who(): string {
    return this.name ? `engine '${this.name}'` : 'the Docker engine';
  }

  private connected: ContainerEngine | undefined;

  get state(): EngineState {
    return this.current;
  }

  containers(): ContainerInfo[] {
    return this.current.kind === 'ready' ? this.current.containers : [];
  }

  container(id: string): ContainerInfo | undefined {
    return this.containers().find((c) => c.id === id);
  }

  /** The first listing: the view's first getChildren waits on it. */
  async ensureLoaded(): Promise<void> {
    if (this.current.kind === 'idle') await this.refresh();
    // Later listings (events, Refresh) redraw when done; the view shows what it has meanwhile.
    else if (this.current.kind === 'loading' && this.running) await this.running;
  }

  /** Lists the containers again; concurrent calls share one listing plus at most one more. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.list();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** The engine, connected on first need (pulls use it too). */
  connection(): Promise<ContainerEngine> {
    if (!this.conn) {
      const gen = this.generation;
      const where = this.endpointOptions();
      this.conn = import('../core/docker').then(({ connectEngine }) => connectEngine(where));
      this.conn.then(
        async (c) => {
          if (gen !== this.generation) return;
          const { engineName } = await import('../core/docker');
          this.log.info(`Connected to the ${engineName(c.kind)} engine at ${c.description} (engine ${c.version}, API ${c.apiVersion})`);
          this.watch(c, gen);
        },
        () => {
          if (gen === this.generation) this.conn = undefined;
        },
      );
    }
    return this.conn;
  }

  /** Where this engine is: its `containerDb.engines` entry, else the settings (dockerHost, dockerContext, then DOCKER_HOST, …). */
  private endpointOptions(): { dockerHost?: string; dockerHostLabel?: string; context?: string } {
    const e = this.opts.entry;
    if (e?.host || e?.context) {
      if (e.name) this.log.debug(`Engine '${e.name}': ${e.host ?? `context ${e.context}`}`);
      return { dockerHost: e.host, dockerHostLabel: `containerDb.engines '${e.name}'`, context: e.host ? undefined : e.context };
    }
    const s = readSettings();
    return { dockerHost: s.dockerHost, context: s.dockerContext };
  }

  /** Forget the connection (settings changed, or Retry after the engine went away). */
  reset(): void {
    this.generation++;
    this.conn = undefined;
    this.connected = undefined;
    this.watcher?.dispose();
    this.watcher = undefined;
  }

  dispose(): void {
    this.reset();
    if (this.debounce) clearTimeout(this.debounce);
    this.changed.dispose();
  }

  private async list(): Promise<void> {
    // No change event for 'loading': the view is already waiting on this listing (its getChildren),
    // and a refresh fired into a pending first load has left the view stuck in its welcome state.
    if (this.current.kind !== 'ready') this.setState({ kind: 'loading' }, false);
    const s = readSettings();
    try {
      const engine = await this.connection();
      this.connected = engine;
      this.log.debug(`Listing containers on ${this.who} at ${engine.description}`);
      const containers = await engine.listContainers({ all: s.showAllContainers, databasePath: s.databasePath });
      containers.sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.name.localeCompare(b.name));
      // Events for unrelated containers, or a Retry that finds nothing new, must not redraw the
      // view: a refresh while the view is expanding a node leaves that node spinning in VS Code.
      const unchanged = this.current.kind === 'ready' && JSON.stringify(this.current.containers) === JSON.stringify(containers);
      const { engineName } = await import('../core/docker');
      this.setState({ kind: 'ready', containers, endpoint: engine.description, engine: engineName(engine.kind) }, !unchanged);
    } catch (err) {
      const error = asEngineError(err);
      this.log.error(`Listing containers${this.name ? ` on ${this.who}` : ''} failed: ${error.code}: ${error.message}`);
      // A failed listing usually means the engine went away: the next try connects afresh.
      this.reset();
      this.setState({ kind: 'unreachable', error });
    }
  }

  private watch(engine: ContainerEngine, gen: number): void {
    if (gen !== this.generation) return;
    this.watcher?.dispose();
    this.watcher = engine.watchEvents(
      (e) => {
        if (!LIST_ACTIONS.has(e.action)) return;
        this.log.debug(`${this.name ? `Engine '${this.name}'` : 'Docker'} event: ${e.action} ${e.name || e.id.slice(0, 12)}`);
        this.scheduleRefresh();
      },
      {
        onError: (err) => {
          if (gen !== this.generation) return;
          this.log.warn(`${this.name ? `Engine '${this.name}'` : 'Docker'} event stream ended: ${err.message}`);
          this.reset();
          void this.refresh();
        },
      },
    );
  }

  private scheduleRefresh(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.refresh();
    }, EVENT_DEBOUNCE_MS);
  }

  private setState(state: EngineState, notify = true): void {
    this.current = state;
    this.opts.onState?.();
    if (notify) this.changed.fire();
  }
}

function asEngineError(err: unknown): CdbError {
  if (err instanceof CdbError) return err;
  return new CdbError('ENGINE_ERROR', `The Docker engine call failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
}
