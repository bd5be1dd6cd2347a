/**
 * The engine's event stream, so views refresh when a container starts, stops or goes away,
 * without polling. One long GET /events; its end means the engine went away.
 */
import { StringDecoder } from 'string_decoder';
import type { Readable } from 'stream';
import { CdbError, errorLine } from '../errors';
import { DockerConnection, engineError } from './connection';
import { engineName } from './engineKind';

export interface ContainerEvent {
  /** start, stop, die, destroy, create, rename, pause, unpause */
  action: string;
  id: string;
  /** The container's name (after a rename, the new one), without the leading slash. */
  name: string;
}

export const WATCHED_ACTIONS = ['start', 'stop', 'die', 'destroy', 'create', 'rename', 'pause', 'unpause'] as const;

/**
 * Podman's names for the same lifecycle steps. Its compat stream says "remove" where Docker says
 * "destroy" (and libpod's own stream "died" for "die"); they reach callers under Docker's names.
 */
const ACTION_ALIASES: Record<string, (typeof WATCHED_ACTIONS)[number]> = { remove: 'destroy', died: 'die' };

export function watchContainerEvents(
  conn: DockerConnection,
  onEvent: (e: ContainerEvent) => void,
  opts: {
    signal?: AbortSignal;
    /** The stream ended or could not start (engine stopped, connection dropped). Called at most once. */
    onError?(err: CdbError): void;
    /** The engine accepted the stream: every event from now on arrives (it answers after subscribing). */
    onConnected?(): void;
  } = {},
): { dispose(): void } {
  const abort = new AbortController();
  let stream: Readable | undefined;
  let done = false;

  const dispose = (): void => {
    if (done) return;
    done = true;
    abort.abort();
    stream?.destroy();
    opts.signal?.removeEventListener('abort', dispose);
  };
  /** Report once, and only while someone still listens. */
  const fail = (err: CdbError): void => {
    if (done) return;
    dispose();
    opts.onError?.(err);
  };

  if (opts.signal?.aborted) {
    done = true;
    return { dispose };
  }
  opts.signal?.addEventListener('abort', dispose, { once: true });

  const request = conn.docker.getEvents({
    // Podman 4.3 filters event names its own way: with Docker's list it drops "die" and never
    // sends "remove" (measured), so it gets the type filter only and parseEvent keeps what we watch.
    filters: conn.kind === 'podman' ? { type: ['container'] } : { type: ['container'], event: [...WATCHED_ACTIONS] },
    // dockerode forwards abortSignal to the request; GetEventsOptions does not list it.
    ...({ abortSignal: abort.signal } as object),
  }) as Promise<NodeJS.ReadableStream>;

  request.then(
    (s) => {
      stream = s as Readable;
      if (done) {
        stream.destroy();
        return;
      }
      opts.onConnected?.();
      const lines = lineSplitter((line) => {
        const event = parseEvent(line);
        if (event) onEvent(event);
      });
      stream.on('data', (chunk: Buffer) => lines.push(chunk));
      const ended = (why: string) => () =>
        fail(
          new CdbError(
            'ENGINE_UNREACHABLE',
            `Lost the event stream from the ${engineName(conn.kind)} engine at ${conn.endpoint.description} (${why}): is ${engineName(conn.kind)} still running? Refresh once it is back.`,
          ),
        );
      stream.on('end', ended('the engine closed it'));
      stream.on('close', ended('connection closed'));
      // A dropped connection surfaces as an error ('aborted', ECONNRESET) rather than an end.
      stream.on('error', (err: Error) => ended(errorLine(err))());
    },
    (err: unknown) => fail(engineError(err, conn.endpoint)),
  );

  return { dispose };
}

/**
 * The engine writes one JSON object per line, but a chunk can end anywhere: mid-line and even
 * mid-character. Keep the tail until its newline arrives.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void } {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  return {
    push(chunk: Buffer) {
      tail += decoder.write(chunk);
      let nl: number;
      while ((nl = tail.indexOf('\n')) >= 0) {
        const line = tail.slice(0, nl).trim();
        tail = tail.slice(nl + 1);
        if (line) onLine(line);
      }
    },
  };
}

/** One event line, or undefined for a line that is not a container event we watch. */
export function parseEvent(line: string): ContainerEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const e = raw as { Type?: string; Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
  if (e.Type !== undefined && e.Type !== 'container') return undefined;
  const rawAction = e.Action ?? e.status ?? '';
  const action = ACTION_ALIASES[rawAction] ?? rawAction;
  if (!(WATCHED_ACTIONS as readonly string[]).includes(action)) return undefined;
  const id = e.Actor?.ID ?? e.id ?? '';
  if (!id) return undefined;
  return { action, id, name: (e.Actor?.Attributes?.name ?? '').replace(/^\//, '') };
}
