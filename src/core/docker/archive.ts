/**
 * Files out of a container through the engine's archive endpoint, the same one `docker cp` uses:
 * it works on running and stopped containers and runs nothing inside them.
 * HEAD /containers/{id}/archive?path=… answers with the path's stat in a header; GET streams a tar
 * holding the one file, which we copy straight into a SharedArrayBuffer sized from that stat.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as posix from 'node:path/posix';
import { CdbError, cancelled, isCdbError, throwIfAborted } from '../errors';
import { DockerConnection, directSocketPath, engineError } from './connection';
import { readSingleFileTar } from './tarReader';
import { getArchiveDirect, type ArchiveBody } from './archiveSocket';
import { inspectContainer } from './discovery';
import { engineRequest, versioned } from './engineRequest';
import { DEFAULT_MAX_BYTES, allocateShared, rememberSha256, tooLargeError } from '../bytes';
import type { PathStat, PullOptions } from '../types';

const STAT_HEADER = 'x-docker-container-path-stat';
/** Links followed before we call it a loop. SQLite's unix VFS allows 100 (SQLITE_MAX_SYMLINK); a data directory needs far fewer. */
export const MAX_LINK_DEPTH = 8;

// Go os.FileMode type bits, as the engine serialises them (uint32, type bits at the top).
const GO_MODE_DIR = 31;
const GO_MODE_SYMLINK = 27;
/** ModeDir|ModeSymlink|ModeDevice|ModeNamedPipe|ModeSocket|ModeCharDevice|ModeIrregular */
const GO_MODE_TYPE_BITS = [31, 27, 26, 25, 24, 21, 19];

export interface PullFileOptions extends PullOptions {
  /** Total for progress reports when this file is part of a larger pull; default: the file's size. */
  expectedSize?: number;
  /** The stat the caller already holds for `path`: saves one HEAD request. Must not be a symlink. */
  stat?: PathStat;
  /** How messages name the container, e.g. "'open-webui'". Default: its short id. */
  containerLabel?: string;
  /**
   * SHA-256 the file while it streams in and remember it for the returned data (sharedBytes.ts
   * rememberSha256): the stream waits on the engine, so the hash costs no wall time there, where
   * hashing 357 MiB afterwards took ~0.4 s.
   */
  digest?: boolean;
}

export interface PulledFile {
  /** The stat of the file actually read (after following links), as the GET reported it. */
  stat: PathStat;
  /** The path actually read: `path` with symbolic links resolved. */
  path: string;
  /** Exactly the file's bytes, over a SharedArrayBuffer. */
  data: Uint8Array;
}

/** Decode the engine's base64 JSON stat header. Throws ARCHIVE_INVALID on anything else. */
export function decodePathStat(header: string): PathStat {
  let raw: { name?: unknown; size?: unknown; mode?: unknown; mtime?: unknown; linkTarget?: unknown };
  try {
    raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch (err) {
    throw new CdbError('ARCHIVE_INVALID', 'The Docker engine sent an unreadable file stat (X-Docker-Container-Path-Stat). Try again; if it persists, update Docker.', { cause: err });
  }
  if (typeof raw?.size !== 'number' || typeof raw.mode !== 'number') {
    throw new CdbError('ARCHIVE_INVALID', 'The Docker engine sent a file stat without size or mode (X-Docker-Container-Path-Stat). Try again; if it persists, update Docker.');
  }
  const mode = raw.mode >>> 0;
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    size: raw.size,
    mode,
    mtime: typeof raw.mtime === 'string' ? raw.mtime : '',
    linkTarget: typeof raw.linkTarget === 'string' ? raw.linkTarget : '',
    isDirectory: goModeBit(mode, GO_MODE_DIR),
    isSymlink: goModeBit(mode, GO_MODE_SYMLINK),
  };
}

/** True for a plain file: none of Go's type bits (directory, link, device, pipe, socket, irregular). */
export function isRegularFile(stat: PathStat): boolean {
  return !GO_MODE_TYPE_BITS.some((bit) => goModeBit(stat.mode, bit));
}

function goModeBit(mode: number, bit: number): boolean {
  return ((mode >>> bit) & 1) === 1;
}

/** Where a symbolic link points, as an absolute path: a relative target is relative to the link's directory. */
export function linkDestination(linkPath: string, linkTarget: string): string {
  return posix.resolve(posix.dirname(linkPath), linkTarget);
}

/**
 * The stat of `path` in the container, or null when it does not exist. Links are not followed
 * (the engine reports the link itself, with `linkTarget` already resolved inside the container).
 */
export async function statPath(conn: DockerConnection, containerId: string, path: string, signal?: AbortSignal): Promise<PathStat | null> {
  throwIfAborted(signal);
  let headers: IncomingMessage['headers'];
  try {
    headers = await headArchive(conn, containerId, path, signal);
  } catch (err) {
    if (signal?.aborted) throw cancelled('Reading the file information');
    const status = (err as { statusCode?: unknown }).statusCode;
    // A HEAD answer has no body, so a missing file and a missing container both arrive as a bare
    // 404 (docker-modem labels every 404 "no such container"): ask about the container to tell them apart.
    if (status === 404) {
      await ensureContainerExists(conn, containerId, signal);
      return null;
    }
    if (typeof status === 'number') throw await explainHeadFailure(conn, containerId, path, err, signal);
    throw engineError(err, conn.endpoint);
  }
  const header = headers[STAT_HEADER];
  if (typeof header !== 'string' || header === '') {
    throw new CdbError('ARCHIVE_INVALID', `The Docker engine did not report file information for ${path}. Update Docker, or check the engine at ${conn.endpoint.description}.`);
  }
  return decodePathStat(header);
}

/** HEAD /containers/{id}/archive: straight over a local socket, else through dockerode. The answer's headers. */
async function headArchive(conn: DockerConnection, containerId: string, path: string, signal?: AbortSignal): Promise<IncomingMessage['headers']> {
  const socketPath = directSocketPath(conn);
  if (socketPath) {
    const query = `/containers/${encodeURIComponent(containerId)}/archive?path=${encodeURIComponent(path)}`;
    return (await engineRequest(socketPath, 'HEAD', versioned(conn, query), signal)).headers;
  }
  // dockerode's infoArchive marks the HEAD as a stream, so it resolves with the response itself and
  // its headers; unlike a JSON call it does not drop them.
  const res = (await conn.docker.getContainer(containerId).infoArchive({ path, abortSignal: signal })) as unknown as IncomingMessage;
  res.resume();
  return res.headers;
}

async function ensureContainerExists(conn: DockerConnection, containerId: string, signal?: AbortSignal): Promise<void> {
  try {
    await inspectContainer(conn, containerId, signal);
  } catch (err) {
    if (signal?.aborted) throw cancelled('Reading the file information');
    throw engineError(err, conn.endpoint);
  }
}

/**
 * HEAD errors carry no reason. A GET of the same path fails the same way but with the engine's
 * message in the body: a symlink loop ("too many links") becomes NOT_A_FILE, the rest ENGINE_ERROR.
 */
async function explainHeadFailure(conn: DockerConnection, containerId: string, path: string, headErr: unknown, signal?: AbortSignal): Promise<CdbError> {
  try {
    const stream = (await conn.docker.getContainer(containerId).getArchive({ path, abortSignal: signal })) as unknown as IncomingMessage;
    stream.destroy();
  } catch (err) {
    if (signal?.aborted) return cancelled('Reading the file information');
    const msg = String((err as { json?: { message?: unknown } }).json?.message ?? (err as Error).message ?? '');
    // dockerd: "too many links"; Podman: "too many levels of symbolic links" (ELOOP's own text).
    if (/too many (levels of symbolic )?links/i.test(msg)) return symlinkLoop(path);
    return engineError(err, conn.endpoint);
  }
  return engineError(headErr, conn.endpoint);
}

function symlinkLoop(path: string): CdbError {
  return new CdbError('NOT_A_FILE', `${path} is a symbolic link that never reaches a file (a loop, or more than ${MAX_LINK_DEPTH} links). Point --path / containerDb.databasePath at the database file itself.`);
}

/**
 * Follow symbolic links from `path` to what they name. Returns null when the path (or the file a
 * link points at) does not exist; throws NOT_A_FILE on a loop.
 */
export async function resolvePath(conn: DockerConnection, containerId: string, path: string, signal?: AbortSignal): Promise<{ path: string; stat: PathStat } | null> {
  let current = path;
  for (let depth = 0; depth <= MAX_LINK_DEPTH; depth++) {
    const stat = await statPath(conn, containerId, current, signal);
    if (!stat) return null;
    if (!stat.isSymlink) return { path: current, stat };
    // The engine reports linkTarget already evaluated inside the container (absolute, chain
    // followed); the relative case and the loop guard keep us right with engines that do not.
    current = linkDestination(current, stat.linkTarget);
  }
  throw symlinkLoop(path);
}

/**
 * Stream one file out of the container into a SharedArrayBuffer. The size limit is checked from
 * the stat before any content is requested; `signal` destroys the HTTP stream.
 */
export async function pullFile(conn: DockerConnection, containerId: string, path: string, opts: PullFileOptions = {}): Promise<PulledFile> {
  const { signal } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const label = opts.containerLabel ?? `'${containerId.slice(0, 12)}'`;
  const fileName = posix.basename(path);

  let resolved: { path: string; stat: PathStat } | null;
  if (opts.stat && !opts.stat.isSymlink) resolved = { path, stat: opts.stat };
  else resolved = await resolvePath(conn, containerId, path, signal);
  if (!resolved) throw new CdbError('FILE_NOT_FOUND', `${path} does not exist in container ${label}. Set the path with --path / containerDb.databasePath.`);
  if (!isRegularFile(resolved.stat)) throw notAFile(path, resolved.stat, label);
  if (resolved.stat.size > maxBytes) throw tooLargeError(fileName, resolved.stat.size, maxBytes);

  throwIfAborted(signal, `Pulling ${fileName}`);
  const { source, headers } = (await directArchive(conn, containerId, resolved.path, signal)) ?? (await dockerodeArchive(conn, containerId, path, resolved.path, label, signal));

  // The abort signal given to the request only covers it until the response starts; tear the
  // response down ourselves so a cancelled pull stops reading from the engine at once.
  const onAbort = () => source.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const header = headers[STAT_HEADER];
    const stat = typeof header === 'string' && header ? decodePathStat(header) : resolved.stat;
    const total = opts.expectedSize ?? stat.size;
    const hash = opts.digest ? createHash('sha256') : undefined;
    const { entry, data } = await readSingleFileTar(source, {
      maxBytes,
      signal,
      allocate: (e) => {
        if (e.size > maxBytes) throw tooLargeError(fileName, e.size, maxBytes);
        return allocateShared(e.size);
      },
      onBytes: opts.onProgress ? (n) => opts.onProgress!({ file: fileName, bytes: n, totalBytes: total, bytesSoFar: n }) : undefined,
      onContent: hash && ((piece) => hash.update(piece)),
    });
    if (hash && entry.type === 'file') rememberSha256(data, hash.digest('hex'));
    if (entry.type !== 'file') throw new CdbError('NOT_A_FILE', `${path} in container ${label} turned into a ${entry.type} while it was being pulled. Pull again.`);
    return { stat: { ...stat, size: data.length }, path: resolved.path, data };
  } catch (err) {
    if (signal?.aborted) throw cancelled(`Pulling ${fileName}`);
    if (isCdbError(err)) throw err;
    throw engineError(err, conn.endpoint);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    source.destroy();
  }
}

interface ArchiveResponse {
  source: ArchiveBody | IncomingMessage;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The archive over the engine's unix socket, read into one reused buffer (archiveSocket.ts);
 * null when the connection is not a local socket or the engine did not answer 200 (dockerode
 * then asks again, and maps the error as for any other request).
 */
async function directArchive(conn: DockerConnection, containerId: string, path: string, signal?: AbortSignal): Promise<ArchiveResponse | null> {
  const socketPath = directSocketPath(conn);
  if (!socketPath) return null;
  try {
    const { head, body } = await getArchiveDirect(socketPath, conn.apiVersion, containerId, path, signal);
    if (head.status === 200) return { source: body, headers: head.headers };
    body.destroy();
  } catch (err) {
    if (signal?.aborted) throw cancelled(`Pulling ${posix.basename(path)}`);
  }
  return null;
}

async function dockerodeArchive(conn: DockerConnection, containerId: string, path: string, resolvedPath: string, label: string, signal?: AbortSignal): Promise<ArchiveResponse> {
  try {
    const res = (await conn.docker.getContainer(containerId).getArchive({ path: resolvedPath, abortSignal: signal })) as unknown as IncomingMessage;
    return { source: res, headers: res.headers };
  } catch (err) {
    if (signal?.aborted) throw cancelled(`Pulling ${posix.basename(path)}`);
    const status = (err as { statusCode?: unknown }).statusCode;
    const msg = String((err as { json?: { message?: unknown } }).json?.message ?? '');
    if (status === 404 && !/no such container/i.test(msg)) {
      throw new CdbError('FILE_NOT_FOUND', `${path} disappeared from container ${label} while it was being pulled. Pull again.`, { cause: err });
    }
    throw engineError(err, conn.endpoint);
  }
}

function notAFile(path: string, stat: PathStat, label: string): CdbError {
  const what = stat.isDirectory ? 'a directory' : 'not a regular file';
  return new CdbError('NOT_A_FILE', `${path} in container ${label} is ${what}, not a database file. Set the path with --path / containerDb.databasePath.`);
}
