/**
 * The messages between SqlEngine (main thread) and sqlWorker (worker thread). Everything here must
 * survive the structured clone: plain objects, strings, numbers, bigints, Uint8Arrays and the
 * snapshot's SharedArrayBuffer (shared, not copied).
 */
import type { ErrorCode } from '../errors';
import type { FileImageRef, QueryResult, SqlValue } from '../types';

/** Named parameters (`:x`, `@x`, `$x`; a key without a prefix matches any of them) or positional `?`. */
export type SqlParams = Record<string, SqlValue> | SqlValue[];

/** An image in shared memory (a snapshot), or a file the worker reads on demand. */
export type ImageSource = { kind: 'shared'; sab: SharedArrayBuffer; byteOffset: number; length: number } | ({ kind: 'file' } & FileImageRef);

export interface OpenRequest {
  type: 'open';
  id: number;
  image: ImageSource;
}

export interface QueryRequest {
  type: 'query';
  id: number;
  sql: string;
  params?: SqlParams;
  /** Stop after this many rows and report `truncated`. */
  maxRows?: number;
}

export interface AttachRequest {
  type: 'attach';
  id: number;
  otherId: number;
  schemaName: string;
}

export interface CloseRequest {
  type: 'close';
  id: number;
}

/** Loads sql.js and does nothing else: lets a caller overlap the wasm start with other work. */
export interface PreloadRequest { type: 'preload' }
export type WorkerRequest = OpenRequest | QueryRequest | AttachRequest | CloseRequest | PreloadRequest;

/** A request on the wire: `req` pairs it with its response. */
export type WorkerMessage = WorkerRequest & { req: number };

export interface SerializedError {
  code: ErrorCode;
  message: string;
}

export type WorkerResponse =
  | { req: number; ok: true; result?: QueryResult }
  | { req: number; ok: false; error: SerializedError };

/** The message OwnedBytes.set() throws: a write reached the snapshot's bytes and was stopped. */
export const blockedWriteMessage = 'container-db: write to a read-only snapshot blocked';

const readOnlyLine = 'Snapshots are read-only: this statement would modify the database. Nothing was changed.';

/** SQLite's (or sql.js's) error as the CdbError the engine will throw: one line, with what to do. */
export function toSerializedError(err: unknown): SerializedError {
  const raw = err instanceof Error ? err.message : String(err);
  const line = raw.split('\n')[0];
  if (raw === blockedWriteMessage || /attempt to write a readonly database/i.test(raw)) {
    return { code: 'READ_ONLY', message: readOnlyLine };
  }
  if (/file is not a database/i.test(raw)) {
    return {
      code: 'NOT_SQLITE',
      message: 'This is not an SQLite database (SQLite: file is not a database): check the path, or whether the file is encrypted.',
    };
  }
  if (/database disk image is malformed|database corruption/i.test(raw)) {
    return {
      code: 'CORRUPT',
      message: 'The database image is damaged (SQLite: database disk image is malformed): pull it again; if it persists, check the file with sqlite3 "PRAGMA integrity_check".',
    };
  }
  if (isEngineAbort(err)) {
    return {
      code: 'WORKER_FAILED',
      message: `The SQL engine failed (${line}), possibly out of memory: it restarts on the next query; try a smaller query.`,
    };
  }
  return { code: 'QUERY_ERROR', message: `SQLite rejected the statement: ${line}` };
}

/** An Emscripten abort or a WebAssembly trap: the module's state can no longer be trusted. */
export function isEngineAbort(err: unknown): boolean {
  if (err instanceof Error && err.name === 'RuntimeError') return true; // WebAssembly.RuntimeError
  const raw = err instanceof Error ? err.message : String(err);
  return /^Aborted\(/.test(raw);
}
