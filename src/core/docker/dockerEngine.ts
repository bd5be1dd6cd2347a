/** The Docker Engine API (dockerd, and Podman's compat service, which speaks it) as a ContainerEngine. */
import { pullFile, resolvePath, statPath } from './archive';
import { connect, type ConnectOptions, type DockerConnection } from './connection';
import type { ContainerEngine } from './containerEngine';
import { findContainer, listContainers } from './discovery';
import { watchContainerEvents } from './events';
import { pauseContainer } from './pause';

/** A ContainerEngine over an open connection; `connection` stays reachable for Docker-only callers and tests. */
export function dockerEngine(conn: DockerConnection): ContainerEngine & { readonly connection: DockerConnection } {
  return {
    kind: conn.kind,
    connection: conn,
    description: conn.endpoint.description,
    version: conn.engineVersion,
    apiVersion: conn.apiVersion,
    listContainers: (opts) => listContainers(conn, opts),
    findContainer: (nameOrId, opts) => findContainer(conn, nameOrId, opts),
    stat: (id, path, signal) => statPath(conn, id, path, signal),
    resolvePath: (id, path, signal) => resolvePath(conn, id, path, signal),
    readFile: (id, path, opts) => pullFile(conn, id, path, opts),
    pause: (container) => pauseContainer(conn, container),
    watchEvents: (onEvent, opts) => watchContainerEvents(conn, onEvent, opts),
  };
}

/** Connect per the options (DOCKER_HOST, context, setting) and negotiate the API version. */
export async function connectEngine(opts: ConnectOptions = {}): Promise<ContainerEngine> {
  return dockerEngine(await connect(opts));
}
