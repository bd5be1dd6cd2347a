/** Which containers there are, and for each where its database lives. */
import type Dockerode from 'dockerode';
import { CdbError } from '../errors';
import type { ContainerInfo } from '../types';
import { DockerConnection, directSocketPath, engineError } from './connection';
import { classifyMounts } from './mounts';
import { engineRequest, versioned } from './engineRequest';
import { resolveDatabasePath } from './databasePath';

export interface DiscoveryOptions {
  /** `--path` / the setting: the database path to use in every container. */
  databasePath?: string;
}

/** Inspecting is one request per container; a few at a time keeps a big host responsive. */
const INSPECT_CONCURRENCY = 4;

/** Running containers (all with `all`), newest first as the engine lists them, each inspected. */
export async function listContainers(conn: DockerConnection, opts: DiscoveryOptions & { all?: boolean } = {}): Promise<ContainerInfo[]> {
  const summaries = await list(conn, opts.all ?? false);
  const infos = await mapLimit(summaries, INSPECT_CONCURRENCY, (s) => inspectInfo(conn, s, opts));
  return infos.filter((i): i is ContainerInfo => i !== undefined);
}

/**
 * One container, running or not, by exact name (with or without the leading slash) or else by
 * id prefix, as `docker` resolves names.
 */
export async function findContainer(conn: DockerConnection, nameOrId: string, opts: DiscoveryOptions = {}): Promise<ContainerInfo> {
  const wanted = nameOrId.trim().replace(/^\//, '');
  if (!wanted) throw new CdbError('USAGE', 'Give a container name or id. Run `container-db ls` to see running containers.');
  const summaries = await list(conn, true);

  let matches = summaries.filter((s) => (s.Names ?? []).some((n) => n.replace(/^\//, '') === wanted));
  if (matches.length === 0 && /^[0-9a-f]+$/i.test(wanted)) {
    matches = summaries.filter((s) => s.Id.startsWith(wanted.toLowerCase()));
  }
  if (matches.length === 0) {
    throw new CdbError('CONTAINER_NOT_FOUND', `No container named '${wanted}'. Run \`container-db ls\` to see running containers.`);
  }
  if (matches.length > 1) {
    const names = matches.map((s) => `${displayName(s)} (${s.Id.slice(0, 12)})`).join(', ');
    throw new CdbError('CONTAINER_AMBIGUOUS', `'${wanted}' matches ${matches.length} containers: ${names}. Give more of the id, or the full name.`);
  }
  const info = await inspectInfo(conn, matches[0], opts);
  if (!info) throw new CdbError('CONTAINER_NOT_FOUND', `Container '${wanted}' was removed while we looked at it. Run \`container-db ls\` to see running containers.`);
  return info;
}

async function list(conn: DockerConnection, all: boolean): Promise<Dockerode.ContainerInfo[]> {
  const socketPath = directSocketPath(conn);
  try {
    if (socketPath) return (await engineRequest(socketPath, 'GET', versioned(conn, `/containers/json?all=${all}`))).json as Dockerode.ContainerInfo[];
    return await conn.docker.listContainers({ all });
  } catch (err) {
    throw engineError(err, conn.endpoint);
  }
}

/** Undefined when the container disappeared between the list and the inspect: not an error. */
async function inspectInfo(conn: DockerConnection, summary: Dockerode.ContainerInfo, opts: DiscoveryOptions): Promise<ContainerInfo | undefined> {
  let inspect: Dockerode.ContainerInspectInfo;
  try {
    inspect = await inspectContainer(conn, summary.Id);
  } catch (err) {
    const e = engineError(err, conn.endpoint);
    if (e.code === 'CONTAINER_NOT_FOUND') return undefined;
    throw e;
  }
  return toContainerInfo(inspect, summary, opts.databasePath);
}

/** GET /containers/{id}/json, straight over a local socket or through dockerode. Errors as the engine's. */
export async function inspectContainer(conn: DockerConnection, id: string, signal?: AbortSignal): Promise<Dockerode.ContainerInspectInfo> {
  const socketPath = directSocketPath(conn);
  if (socketPath) return (await engineRequest(socketPath, 'GET', versioned(conn, `/containers/${encodeURIComponent(id)}/json`), signal)).json as Dockerode.ContainerInspectInfo;
  return conn.docker.getContainer(id).inspect({ abortSignal: signal });
}

/** Pure: the engine's inspect (and list entry, for the human status) as our ContainerInfo. */
export function toContainerInfo(inspect: Dockerode.ContainerInspectInfo, summary: Pick<Dockerode.ContainerInfo, 'Status' | 'Image'> | undefined, databasePath?: string): ContainerInfo {
  const mounts = classifyMounts(inspect.Mounts);
  const startedAt = inspect.State?.StartedAt;
  return {
    id: inspect.Id,
    name: (inspect.Name ?? '').replace(/^\//, ''),
    image: summary?.Image || inspect.Config?.Image || inspect.Image,
    state: inspect.State?.Status ?? 'unknown',
    status: summary?.Status ?? inspect.State?.Status ?? '',
    // The engine reports "0001-01-01T00:00:00Z" for a container that never started.
    startedAt: startedAt && !startedAt.startsWith('0001-') ? startedAt : undefined,
    ports: formatPorts(inspect.NetworkSettings?.Ports),
    mounts,
    database: resolveDatabasePath(inspect.Config?.Env ?? [], mounts, databasePath, inspect.Config?.WorkingDir),
  };
}

type PortMap = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null | undefined>;

/** As `docker ps` prints them: "127.0.0.1:3000->8080/tcp", "[::]:3000->8080/tcp", or "8080/tcp" when not published. */
export function formatPorts(ports: PortMap | undefined | null): string[] {
  const out: string[] = [];
  for (const [containerPort, bindings] of Object.entries(ports ?? {})) {
    if (!bindings || bindings.length === 0) {
      out.push(containerPort);
      continue;
    }
    for (const b of bindings) {
      const ip = b.HostIp ?? '';
      const host = ip.includes(':') ? `[${ip}]` : ip || '0.0.0.0';
      out.push(`${host}:${b.HostPort ?? ''}->${containerPort}`);
    }
  }
  return [...new Set(out)];
}

function displayName(s: Dockerode.ContainerInfo): string {
  // Legacy links add names like "/web/db"; the container's own name has no inner slash.
  const own = (s.Names ?? []).map((n) => n.replace(/^\//, '')).find((n) => !n.includes('/'));
  return own ?? s.Id.slice(0, 12);
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
