/**
 * The engines the extension talks to: one DockerService each, with its own connection, listing,
 * event stream and state. `containerDb.engines` empty (the default) = one engine, found from
 * containerDb.dockerHost / containerDb.dockerContext / DOCKER_HOST / the local socket, and the
 * view looks as it always has; with entries, one engine per entry, each a root node of the view.
 *
 * Everything that looks a container up goes through here: `container(id)` and `containers()`
 * over every engine, and `connectionFor(id)`, the engine that listed that container (pulls go
 * there). Container ids of two engines do not collide in practice, so the id stays the key. The
 * same engine configured twice would list the same ids: the later entry is marked a duplicate
 * (same address, or a container id the earlier one lists), logged as a warning, shown as a root
 * node naming the entry it repeats, and its containers are not listed a second time.
 */
import * as vscode from 'vscode';
import type { ContainerEngine } from '../../core/docker';
import { CdbError } from '../../core/errors';
import type { ContainerInfo } from '../../core/types';
import { DockerService, type EngineState } from '../dockerService';
import { readSettings, type EngineEntry } from '../settings';

/** Engine failures with their own welcome text; the rest share a generic one. */
const WELCOME_ERRORS = new Set(['ENGINE_SOCKET_MISSING', 'ENGINE_PERMISSION', 'ENGINE_UNREACHABLE', 'ENGINE_CONFIG']);

export class EngineSet implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when any engine's listing or state changed. */
  readonly onDidChange = this.changed.event;
  private services: DockerService[] = [];
  private subscriptions: vscode.Disposable[] = [];
  /** The entries the services were made from, to rebuild only when they change. */
  private configured = '';
  /** Which engine listed each container id (duplicates left out). */
  private owner = new Map<string, DockerService>();
  /** Later entries that reach the same engine as an earlier one: entry → the earlier entry's name. */
  private duplicates = new Map<DockerService, string>();
  private readonly warned = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.build();
  }

  /** True when `containerDb.engines` lists engines: the view shows one root node per engine. */
  get multi(): boolean {
    return this.services.some((s) => s.name !== undefined);
  }

  /** Every engine, in the order of the setting. */
  get all(): readonly DockerService[] {
    return this.services;
  }

  /** The engine of this entry name (undefined: no such entry). */
  byName(name: string): DockerService | undefined {
    return this.services.find((s) => s.name === name);
  }

  /**
   * One state for the whole set: the engine's own with one engine; with several, ready as soon as
   * one engine is (its containers), unreachable only when every engine is.
   */
  get state(): EngineState {
    if (this.services.length === 1) return this.services[0].state;
    const states = this.services.map((s) => s.state);
    const first = states.find((s) => s.kind === 'ready');
    if (first?.kind === 'ready') {
      const endpoint = this.services.filter((s) => s.state.kind === 'ready').map((s) => s.engine?.description ?? '').join(', ');
      return { ...first, containers: this.containers(), endpoint };
    }
    if (states.some((s) => s.kind === 'loading')) return { kind: 'loading' };
    if (states.some((s) => s.kind === 'idle')) return { kind: 'idle' };
    return states[0] ?? { kind: 'idle' };
  }

  /** The containers of every engine, an engine's containers together, in the setting's order. */
  containers(): ContainerInfo[] {
    return this.services.filter((s) => !this.duplicates.has(s)).flatMap((s) => s.containers());
  }

  container(id: string): ContainerInfo | undefined {
    return this.owner.get(id)?.container(id);
  }

  /** The engine that lists this container; with one engine, that one whatever it lists. */
  engineOf(containerId: string): DockerService | undefined {
    return this.owner.get(containerId) ?? (this.services.length === 1 ? this.services[0] : undefined);
  }

  /** The entry this one repeats (same engine), if any. */
  duplicateOf(engine: DockerService): string | undefined {
    return this.duplicates.get(engine);
  }

  /** The connection to the engine that listed this container: pulls of its files go there. */
  connectionFor(containerId: string): Promise<ContainerEngine> {
    const engine = this.engineOf(containerId);
    if (!engine) {
      return Promise.reject(
        new CdbError('CONTAINER_NOT_FOUND', `No configured engine lists the container ${containerId.slice(0, 12)} now: refresh the Containers view.`),
      );
    }
    return engine.connection();
  }

  /** The engine's name to show beside a container's: only with several engines configured. */
  engineNameOf(containerId: string): string | undefined {
    return this.multi ? this.engineOf(containerId)?.name : undefined;
  }

  /** "open-webui on podman" with several engines, "open-webui" with one. */
  label(containerId: string, containerName: string): string {
    const engine = this.engineNameOf(containerId);
    return engine ? `${containerName} on ${engine}` : containerName;
  }

  /**
   * Whether a pulled snapshot stays: its container is listed, or the engine it came from is not
   * ready now (unreachable, reconnecting): an engine going away does not drop what was pulled.
   */
  keeps(containerId: string, engineName: string | undefined): boolean {
    if (this.owner.has(containerId)) return true;
    const engine = engineName === undefined ? this.services.find((s) => s.name === undefined) : this.byName(engineName);
    return !!engine && engine.state.kind !== 'ready';
  }

  async ensureLoaded(): Promise<void> {
    await Promise.all(this.services.map((s) => s.ensureLoaded()));
  }

  /** Lists every engine again (each engine's failure stays its own). */
  async refresh(): Promise<void> {
    await Promise.all(this.services.map((s) => s.refresh()));
  }

  /** Settings changed, or Retry: engines made again when `containerDb.engines` changed, else each connection forgotten. */
  reset(): void {
    if (!this.build()) for (const s of this.services) s.reset();
  }

  /** Retry of one engine's root node: a fresh connection and listing for it alone. */
  async retry(name: string): Promise<void> {
    const engine = this.byName(name);
    if (!engine) return;
    engine.reset();
    await engine.refresh();
  }

  dispose(): void {
    this.disposeServices();
    this.changed.dispose();
  }

  /** Makes the services for the current setting; false when it has not changed. */
  private build(): boolean {
    const s = readSettings();
    const entries: (EngineEntry | undefined)[] = s.engines.length ? s.engines : [undefined];
    const key = JSON.stringify(entries);
    if (key === this.configured) return false;
    for (const p of s.engineProblems) this.log.warn(p);
    this.configured = key;
    this.disposeServices();
    this.services = entries.map((entry) => new DockerService(this.log, { entry, onState: () => this.publish() }));
    this.subscriptions = this.services.map((svc) => svc.onDidChange(() => this.onEngineChanged()));
    if (s.engines.length) this.log.info(`Engines: ${s.engines.map((e) => `'${e.name}' (${e.host ?? (e.context ? `context ${e.context}` : 'default')})`).join(', ')}`);
    this.reindex();
    this.publish();
    this.changed.fire();
    return true;
  }

  private disposeServices(): void {
    for (const sub of this.subscriptions) sub.dispose();
    for (const svc of this.services) svc.dispose();
    this.subscriptions = [];
    this.services = [];
    this.owner = new Map();
    this.duplicates = new Map();
  }

  private onEngineChanged(): void {
    this.reindex();
    this.changed.fire();
  }

  /** Who owns which container id, and which entries repeat an earlier one. */
  private reindex(): void {
    const owner = new Map<string, DockerService>();
    const duplicates = new Map<DockerService, string>();
    const kept: DockerService[] = [];
    for (const svc of this.services) {
      const same = svc.state.kind === 'ready' ? kept.find((k) => sameEngine(k, svc)) : undefined;
      if (same) {
        const name = same.name ?? 'default';
        duplicates.set(svc, name);
        const pair = `${name}\u0000${svc.name}`;
        if (!this.warned.has(pair)) {
          this.warned.add(pair);
          this.log.warn(`containerDb.engines: '${svc.name}' reaches the same engine as '${name}' (${svc.engine?.description ?? 'same containers'}); its containers are listed under '${name}' only.`);
        }
        continue;
      }
      kept.push(svc);
      for (const c of svc.containers()) if (!owner.has(c.id)) owner.set(c.id, svc);
    }
    this.owner = owner;
    this.duplicates = duplicates;
  }

  /** The view's context keys: the welcome texts follow the one engine; with several, the root nodes say it all. */
  private publish(): void {
    if (this.multi) {
      void vscode.commands.executeCommand('setContext', 'containerDb.state', 'ready');
      void vscode.commands.executeCommand('setContext', 'containerDb.engineError', '');
      return;
    }
    const state = this.state;
    const key = state.kind === 'ready' ? (state.containers.length ? 'ready' : 'empty') : state.kind;
    void vscode.commands.executeCommand('setContext', 'containerDb.state', key);
    // Picks the welcome text that names the reason (package.json viewsWelcome).
    const code = state.kind === 'unreachable' ? (WELCOME_ERRORS.has(state.error.code) ? state.error.code : 'OTHER') : '';
    void vscode.commands.executeCommand('setContext', 'containerDb.engineError', code);
  }
}

/** Two ready engines are one when they sit at one address, or list one container id. */
function sameEngine(a: DockerService, b: DockerService): boolean {
  if (a.state.kind !== 'ready' || b.state.kind !== 'ready') return false;
  if (a.engine && b.engine && address(a.engine.description) === address(b.engine.description)) return true;
  const ids = new Set(a.containers().map((c) => c.id));
  return b.containers().some((c) => ids.has(c.id));
}

/** "unix:///var/run/docker.sock (default)" → "unix:///var/run/docker.sock". */
function address(description: string): string {
  return description.replace(/\s*\(.*\)$/, '');
}
