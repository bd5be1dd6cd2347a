/**
 * SqlEngine: sql.js behind a worker_threads worker, so that a long query never blocks the caller's
 * event loop (the extension host, the CLI's progress output).
 *
 * - Lazy: constructing an engine costs nothing; the worker (and sql.js's wasm) starts on first use.
 * - One request at a time is in flight; the rest wait here, in order. That makes cancellation
 *   exact: a queued request is simply dropped, and the running one is stopped by terminating the
 *   worker (sql.js cannot be interrupted from outside the thread).
 * - Snapshots live in SharedArrayBuffers, which the worker reads without copying. So a new worker
 *   can reopen every open database for free: after a cancel or a crash, handles stay valid and
 *   attachments are redone before the next request runs. A file read on demand (openFile) is
 *   reopened by path, and only while it is still the file it was.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CdbError, cancelled } from '../errors';
import type { FileImageRef, QueryResult, Snapshot } from '../types';
import type { ImageSource, SqlParams, WorkerMessage, WorkerRequest, WorkerResponse } from './workerProtocol';

export type { SqlParams } from './workerProtocol';

/** An open database in an engine. Valid until closed, across worker restarts. */
export interface DbHandle {
  readonly id: number;
  readonly label: string;
}

export interface SqlEngineOptions {
  /** The worker script; default `sqlWorker.js` beside this module (dist/ bundle or tsc's out/). */
  workerPath?: string;
  /** One line per worker start, restart or failure (never cell values). */
  log?: (line: string) => void;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Stop after this many rows and set `truncated`. Default: no limit. */
  maxRows?: number;
}

interface OpenDatabase {
  handle: DbHandle;
  image: ImageSource;
  /** schema name -> attached database id */
  attachments: Map<string, number>;
}

interface Request {
  msg: WorkerMessage;
  resolve: (result: QueryResult | undefined) => void;
  reject: (err: CdbError) => void;
}

/** The snapshot's bytes over a SharedArrayBuffer: as they are when already shared, else one copy. */
function toShared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

export class SqlEngine {
  private readonly workerPath: string;
  private readonly log: (line: string) => void;
  private worker: Worker | undefined;
  private inFlight: Request | undefined;
  private readonly queue: Request[] = [];
  private readonly databases = new Map<number, OpenDatabase>();
  private nextId = 1;
  private nextReq = 1;

  constructor(opts: SqlEngineOptions = {}) {
    this.workerPath = opts.workerPath ?? path.join(__dirname, 'sqlWorker.js');
    this.log = opts.log ?? (() => undefined);
  }

  /** True while a worker (with sql.js loaded) is running. False until the first open. */
  get loaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Starts the worker and loads sql.js now, without waiting for it: a caller about to pull a
   * database overlaps the wasm start (hundreds of ms) with the download. Errors surface on the
   * next real request instead.
   */
  preload(): void {
    this.send({ type: 'preload' }).catch(() => undefined);
  }

  async open(snapshot: Snapshot | Uint8Array, label?: string): Promise<DbHandle> {
    const isSnapshot = !(snapshot instanceof Uint8Array);
    const bytes = toShared(isSnapshot ? snapshot.bytes : snapshot);
    return this.openImage({ kind: 'shared', sab: bytes.buffer as SharedArrayBuffer, byteOffset: bytes.byteOffset, length: bytes.byteLength }, (id) =>
      label ?? (isSnapshot ? snapshotLabel(snapshot) : `database ${id}`),
    );
  }

  /**
   * Opens a database file that the worker reads on demand (fileSnapshot.ts fileOnDemand) instead
   * of an image in memory. Fails with MID_WRITE when the file is no longer the one `ref` names.
   */
  async openFile(ref: FileImageRef, label?: string): Promise<DbHandle> {
    return this.openImage({ kind: 'file', ...ref }, () => label ?? ref.path);
  }

  private async openImage(image: ImageSource, label: (id: number) => string): Promise<DbHandle> {
    const id = this.nextId++;
    const handle: DbHandle = Object.freeze({ id, label: label(id) });
    await this.send({ type: 'open', id, image });
    this.databases.set(id, { handle, image, attachments: new Map() });
    return handle;
  }

  async query(db: DbHandle, sql: string, params?: SqlParams, opts: QueryOptions = {}): Promise<QueryResult> {
    this.opened(db);
    const result = await this.send({ type: 'query', id: db.id, sql, params, maxRows: opts.maxRows }, opts.signal);
    return result!;
  }

  /** Makes `other` readable from `db` as `schemaName` (e.g. `SELECT ... FROM "o"."t"`). */
  async attach(db: DbHandle, other: DbHandle, schemaName: string): Promise<void> {
    this.opened(db);
    this.opened(other);
    await this.send({ type: 'attach', id: db.id, otherId: other.id, schemaName });
    this.databases.get(db.id)?.attachments.set(schemaName, other.id);
  }

  /** Closes `db`; databases that attached it detach it. Closing twice is harmless. */
  async close(db: DbHandle): Promise<void> {
    if (!this.databases.delete(db.id)) return;
    for (const open of this.databases.values()) {
      for (const [schemaName, otherId] of open.attachments) if (otherId === db.id) open.attachments.delete(schemaName);
    }
    // A worker that is not running holds nothing to close: the next one will not reopen it.
    if (this.worker || this.inFlight || this.queue.length) await this.send({ type: 'close', id: db.id });
  }

  /** Ends the worker; every handle becomes invalid and waiting requests fail with CANCELLED. */
  async dispose(): Promise<void> {
    const waiting = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    this.databases.clear();
    const worker = this.worker;
    this.worker = undefined;
    for (const r of waiting) r.reject(cancelled('The query'));
    if (worker) await worker.terminate();
  }

  private opened(db: DbHandle): void {
    if (!this.databases.has(db.id)) {
      throw new CdbError('USAGE', `The database "${db.label}" is closed: open the snapshot again.`);
    }
  }

  private send(request: WorkerRequest, signal?: AbortSignal): Promise<QueryResult | undefined> {
    if (signal?.aborted) return Promise.reject(cancelled('The query'));
    return new Promise((resolve, reject) => {
      const entry: Request = { msg: { ...request, req: this.nextReq++ }, resolve, reject };
      const onAbort = (): void => this.cancel(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.resolve = (result) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      entry.reject = (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight) return;
    const next = this.queue.shift();
    if (!next) {
      this.worker?.unref(); // an idle worker must not keep a CLI process alive
      return;
    }
    this.inFlight = next;
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (err) {
      this.inFlight = undefined;
      next.reject(new CdbError('WORKER_FAILED', `The SQL worker could not start (${(err as Error).message}): reinstall the extension.`));
      this.pump();
      return;
    }
    worker.ref();
    worker.postMessage(next.msg);
  }

  /** A new worker, with every open database reopened (and re-attached) before anything else runs. */
  private start(): Worker {
    const worker = new Worker(this.workerPath);
    this.worker = worker;
    worker.on('message', (res: WorkerResponse) => this.onResponse(worker, res));
    worker.on('error', (err) => this.onFailure(worker, err.message));
    worker.on('exit', (code) => this.onFailure(worker, `exit code ${code}`));
    const restore: WorkerMessage[] = [];
    for (const open of this.databases.values()) restore.push({ type: 'open', req: 0, id: open.handle.id, image: open.image });
    for (const open of this.databases.values()) {
      for (const [schemaName, otherId] of open.attachments) {
        restore.push({ type: 'attach', req: 0, id: open.handle.id, otherId, schemaName });
      }
    }
    for (const msg of restore) worker.postMessage(msg);
    this.log(`sql worker started${restore.length ? `, ${this.databases.size} database(s) reopened` : ''}`);
    return worker;
  }

  private onResponse(worker: Worker, res: WorkerResponse): void {
    if (worker !== this.worker) return;
    if (res.req === 0) {
      if (!res.ok) this.log(`sql worker: reopening a database failed: ${res.error.message}`);
      return;
    }
    const request = this.inFlight;
    if (!request || request.msg.req !== res.req) return;
    this.inFlight = undefined;
    if (res.ok) request.resolve(res.result);
    else request.reject(new CdbError(res.error.code, res.error.message));
    this.pump();
  }

  private onFailure(worker: Worker, reason: string): void {
    if (worker !== this.worker) return; // one we terminated on purpose, or already reported
    this.worker = undefined;
    this.log(`sql worker stopped: ${reason}`);
    const request = this.inFlight;
    this.inFlight = undefined;
    request?.reject(new CdbError('WORKER_FAILED', `The SQL worker stopped (${reason}): run the query again.`));
    this.pump();
  }

  private cancel(request: Request): void {
    const queued = this.queue.indexOf(request);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      request.reject(cancelled('The query'));
      return;
    }
    if (this.inFlight !== request) return;
    // sql.js runs synchronously in the worker: the only way to stop a statement is to end the thread.
    const worker = this.worker;
    this.worker = undefined;
    this.inFlight = undefined;
    void worker?.terminate();
    this.log('sql worker terminated to cancel a query');
    request.reject(cancelled('The query'));
    this.pump();
  }
}

/** "open-webui:/app/backend/data/webui.db" for a container, the file path for a host file. */
function snapshotLabel(snapshot: Snapshot): string {
  const { containerName, path: where } = snapshot.stamp;
  return containerName ? `${containerName}:${where}` : where;
}
