/**
 * What the rest of the core (snapshots, diff) and the front ends need of a container engine, and
 * nothing more: list and find containers, stat and read one file, pause for a copy, follow
 * lifecycle events. The Docker Engine API is one implementation (dockerEngine.ts), serving dockerd
 * and Podman's Docker-compatible service alike, with `kind` saying which answered; another kind of
 * source (a Kubernetes pod read through the exec API, docs/KUBERNETES.md) is a new implementation
 * of this interface, not edits across the snapshot, diff and UI code.
 */
import type { CdbError } from '../errors';
import type { ContainerInfo, ContainerRef, PathStat } from '../types';
import type { PullFileOptions, PulledFile } from './archive';
import type { DiscoveryOptions } from './discovery';
import type { ContainerEvent } from './events';
import type { EngineKind } from './engineKind';

export type { EngineKind } from './engineKind';

export interface EventWatchOptions {
  signal?: AbortSignal;
  /** The stream ended or could not start (engine stopped, connection dropped). Called at most once. */
  onError?(err: CdbError): void;
  /** The engine accepted the stream: every event from now on arrives. */
  onConnected?(): void;
}

export interface ContainerEngine {
  /** Which engine answers (from its GET /version); name it to a person with engineName(kind). */
  readonly kind: EngineKind;
  /** Where the engine is, for messages and the view: "unix:///var/run/docker.sock". */
  readonly description: string;
  /** The engine's own version, e.g. "20.10.24+dfsg1" (dockerd) or "4.3.1" (Podman). */
  readonly version: string;
  /** The API version both sides speak, e.g. "1.41". */
  readonly apiVersion: string;

  /** Running containers (all with `all`), each with its mounts and database location. */
  listContainers(opts?: DiscoveryOptions & { all?: boolean }): Promise<ContainerInfo[]>;
  /** One container, running or not, by exact name or id prefix (CONTAINER_NOT_FOUND / CONTAINER_AMBIGUOUS). */
  findContainer(nameOrId: string, opts?: DiscoveryOptions): Promise<ContainerInfo>;

  /** The stat of `path` without following links; null when it does not exist. Runs nothing in the container. */
  stat(containerId: string, path: string, signal?: AbortSignal): Promise<PathStat | null>;
  /** `path` with its symbolic links followed, and the stat of what they name; null when missing. */
  resolvePath(containerId: string, path: string, signal?: AbortSignal): Promise<{ path: string; stat: PathStat } | null>;
  /** One file's bytes, streamed into shared memory (links followed; size limit checked first). */
  readFile(containerId: string, path: string, opts?: PullFileOptions): Promise<PulledFile>;

  /** Pauses a running container; resolves with what resumes it (undefined when it was not running). */
  pause(container: Pick<ContainerRef, 'id' | 'name'>): Promise<(() => Promise<void>) | undefined>;
  /** Container lifecycle events (start, stop, die, destroy, …) until disposed. */
  watchEvents(onEvent: (e: ContainerEvent) => void, opts?: EventWatchOptions): { dispose(): void };
}
