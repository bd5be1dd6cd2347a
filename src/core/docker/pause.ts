/**
 * Pausing a container for the length of a copy (the cgroup freezer, as `docker pause` does), so
 * that a busy writer cannot move its files under us. Only ever at the user's request.
 */
import { CdbError } from '../errors';
import type { ContainerRef } from '../types';
import { engineError, type DockerConnection } from './connection';
import { engineCli } from './engineKind';

/** Pauses a running container; returns what unpauses it (nothing to do for one not running). */
export async function pauseContainer(conn: DockerConnection, container: Pick<ContainerRef, 'id' | 'name'>): Promise<(() => Promise<void>) | undefined> {
  const handle = conn.docker.getContainer(container.id);
  try {
    const info = await handle.inspect();
    if (!info.State.Running || info.State.Paused) return undefined;
    await handle.pause();
  } catch (err) {
    throw engineError(err, conn.endpoint);
  }
  return async () => {
    try {
      await handle.unpause();
    } catch (err) {
      throw new CdbError('ENGINE_ERROR', `Could not unpause container '${container.name}' after the copy: run \`${engineCli(conn.kind)} unpause ${container.name}\`. (${(err as Error).message.split('\n')[0]})`);
    }
  };
}
