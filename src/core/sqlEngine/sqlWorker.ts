/**
 * The worker thread that runs sql.js. SqlEngine (main thread) sends it WorkerMessages; it answers
 * each with one WorkerResponse carrying the same `req`. Messages are handled strictly in order,
 * one at a time: sql.js is synchronous, and a query that runs for minutes blocks only this thread
 * (the engine cancels it by terminating the thread).
 *
 * Zero-copy, read-only snapshots. sql.js does not expose Emscripten's FS; `new SQL.Database(data)`
 * calls FS.createDataFile('/', filename, data), which reaches MEMFS.write. For a first write to an
 * empty file MEMFS keeps `buffer.slice(...)` as the file's contents: a full copy of the database.
 * OwnedBytes answers slice() with subarray(), so MEMFS keeps a view of the snapshot's
 * SharedArrayBuffer instead, and every read (MEMFS.read: `HEAP8.set(contents.subarray(...))`)
 * comes straight from the shared memory. A write inside the file's current length would go through
 * `node.contents.set(...)`: OwnedBytes.set() throws, so no statement can modify the snapshot, even
 * with `PRAGMA query_only` turned off (a write past the end makes MEMFS copy into a private, plain
 * Uint8Array first: the snapshot is untouched then too). This relies on MEMFS internals of the
 * pinned sql.js (1.16); test/unit/sqlEngine.test.ts guards both halves (no copy, no write).
 * The first line of defence is `PRAGMA query_only=1` on every connection, checked again after
 * every statement because a statement may turn it off.
 *
 * A file read on demand (FileBytes) uses the same door: MEMFS keeps the FileBytes itself as the
 * file's contents, and each read (`contents.subarray(position, end)`, copied at once into the
 * wasm heap) is served from the file through a BlockReader. Its buffer, the file's size, is never
 * written or read: it only gives the array its length, and untouched it costs no memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parentPort } from 'worker_threads';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import type { FileImageRef, QueryResult, SqlValue } from '../types';
import type { ImageSource, SerializedError, SqlParams, WorkerMessage, WorkerRequest, WorkerResponse } from './workerProtocol';
import { quoteIdent } from '../sqlite';
import { BlockReader, FileChangedError } from '../bytes';
import { blockedWriteMessage, isEngineAbort, toSerializedError } from './workerProtocol';

/** A Uint8Array that MEMFS can keep without copying and cannot write through (see above). */
export class OwnedBytes extends Uint8Array {
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    // The lib typing says a slice owns a plain ArrayBuffer; this one is a view of shared memory.
    return this.subarray(start, end) as unknown as Uint8Array<ArrayBuffer>;
  }
  override set(): void {
    throw new Error(blockedWriteMessage);
  }
}

/**
 * A database file as MEMFS contents, read on demand (see above). MEMFS reads of 8 bytes or fewer
 * index the array instead of calling subarray(); SQLite reads a database file in pages and header
 * ranges of 16 bytes and more, and page 1 is copied into the buffer besides, so that such a read
 * of the header would still see the file's bytes.
 */
export class FileBytes extends OwnedBytes {
  static get [Symbol.species](): Uint8ArrayConstructor {
    // subarray() and friends on a FileBytes must give plain arrays, not call this constructor.
    return Uint8Array;
  }

  private reader: BlockReader | undefined;
  /** Where each read lands: MEMFS copies it into the wasm heap at once, so one buffer serves all. */
  private scratch = new Uint8Array(65536);

  static open(ref: FileImageRef): FileBytes {
    const reader = BlockReader.open(ref.path, ref.key);
    const bytes = new FileBytes(new ArrayBuffer(ref.size));
    bytes.reader = reader;
    Uint8Array.prototype.set.call(bytes, reader.read(0, Math.min(ref.size, 65536)));
    return bytes;
  }

  override slice(): Uint8Array<ArrayBuffer> {
    // MEMFS's first write keeps `data.slice(0, length)`: keep this very object.
    return this as unknown as Uint8Array<ArrayBuffer>;
  }

  override subarray(start = 0, end = this.length): Uint8Array<ArrayBuffer> {
    // No cache of our own: SQLite keeps the pages it uses in its page cache, and a comparison
    // reads most pages once (measured: a block cache here cost more than the reads it saved).
    const length = Math.max(0, Math.min(end, this.length) - start);
    if (this.scratch.length < length) this.scratch = new Uint8Array(length);
    return this.scratch.subarray(0, this.reader!.readInto(this.scratch.subarray(0, length), start)) as Uint8Array<ArrayBuffer>;
  }

  close(): void {
    this.reader?.close();
  }
}

interface OpenDb {
  db: Database;
  bytes: OwnedBytes;
  /** schema name -> id of the attached database, to re-attach after a reopen. */
  attached: Map<string, number>;
}

/** `filename` is set by sql.js (`dbfile_<random>`, created in MEMFS at '/') but not in its types. */
type FileDatabase = Database & { filename: string };

const dbs = new Map<number, OpenDb>();
let sqlJs: Promise<SqlJsStatic> | undefined;

function wasmPath(): string {
  // dist/: esbuild.js copies the wasm beside the bundled worker. out/ (tsc): take it from sql.js.
  // (A variable, not a literal, so that esbuild leaves this fallback alone instead of warning.)
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  const inPackage = 'sql.js/dist/sql-wasm.wasm';
  return fs.existsSync(beside) ? beside : require.resolve(inPackage);
}

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({ locateFile: () => wasmPath() });
  return sqlJs;
}

function fail(code: SerializedError['code'], message: string): never {
  throw Object.assign(new Error(message), { cdbCode: code });
}

function openDb(id: number): OpenDb {
  const open = dbs.get(id);
  if (!open) fail('QUERY_ERROR', 'That database is closed: open the snapshot again.');
  return open;
}

function connect(SQL: SqlJsStatic, bytes: OwnedBytes): Database {
  const db = new SQL.Database(bytes);
  try {
    db.run('PRAGMA query_only=1');
    // The first read of page 1 is where SQLite notices a file that is not a database.
    db.exec('SELECT count(*) FROM sqlite_schema');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function attach(target: OpenDb, other: OpenDb, schemaName: string): void {
  target.db.run(`ATTACH ? AS ${quoteIdent(schemaName)}`, ['/' + (other.db as FileDatabase).filename]);
}

/** After a blocked write the connection's page cache holds pages that never reached the file. */
function reconnect(SQL: SqlJsStatic, id: number): void {
  const open = openDb(id);
  try {
    open.db.close();
  } catch {
    // Rolling back may fail on a connection in this state; it is being replaced either way.
  }
  open.db = connect(SQL, open.bytes);
  for (const [schemaName, otherId] of open.attached) {
    const other = dbs.get(otherId);
    if (other) attach(open, other, schemaName);
  }
}

/** sql.js binds a named parameter only by its full name (`:x`); accept `x` for any prefix. */
function bindable(params: SqlParams): SqlValue[] | Record<string, SqlValue> {
  const fix = (v: SqlValue): SqlValue =>
    // sql.js binds every bigint as TEXT; one that fits a double exactly can go in as a number.
    typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (Array.isArray(params)) return params.map(fix);
  const out: Record<string, SqlValue> = {};
  for (const [key, value] of Object.entries(params)) {
    if (/^[:@$]/.test(key)) continue;
    for (const prefix of [':', '@', '$']) out[prefix + key] = fix(value);
  }
  for (const [key, value] of Object.entries(params)) if (/^[:@$]/.test(key)) out[key] = fix(value);
  return out;
}

/** sql.js 1.16's Statement.get takes a config its published types do not describe yet. */
interface BigIntGet {
  get(params: null, config: { useBigInt: boolean }): unknown[];
}

function rowValues(stmt: Statement): SqlValue[] {
  // With useBigInt every INTEGER arrives as a bigint; hand back a number whenever it is exact.
  const raw = (stmt as unknown as BigIntGet).get(null, { useBigInt: true });
  return raw.map((v) => {
    if (typeof v === 'bigint') return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v;
    return v as SqlValue;
  });
}

function collect(stmt: Statement, maxRows: number): QueryResult {
  const result: QueryResult = { columns: stmt.getColumnNames(), rows: [], truncated: false };
  while (stmt.step()) {
    if (result.rows.length >= maxRows) {
      result.truncated = true;
      break;
    }
    result.rows.push(rowValues(stmt));
  }
  return result;
}

function ensureQueryOnly(db: Database): void {
  const [row] = db.exec('PRAGMA query_only');
  if (row?.values[0]?.[0] === 1) return;
  db.run('PRAGMA query_only=1');
  fail('READ_ONLY', 'Snapshots are read-only: PRAGMA query_only stays on. Nothing was changed.');
}

/**
 * Runs every statement in `sql`, in order; the result is the LAST statement's result set (an
 * empty one when the last statement returns no rows). `params` bind to the last statement only.
 */
function query(db: Database, sql: string, params: SqlParams | undefined, maxRows: number): QueryResult {
  let result: QueryResult = { columns: [], rows: [], truncated: false };
  const statements = db.iterateStatements(sql);
  for (;;) {
    const next = statements.next();
    if (next.done) break;
    const stmt = next.value;
    try {
      if (isBlankSql(statements.getRemainingSQL())) {
        if (params !== undefined) stmt.bind(bindable(params) as Parameters<Statement['bind']>[0]);
        result = collect(stmt, maxRows);
      } else {
        while (stmt.step());
      }
    } finally {
      stmt.free();
    }
    ensureQueryOnly(db);
  }
  return result;
}

function imageBytes(image: ImageSource): OwnedBytes {
  if (image.kind === 'shared') return new OwnedBytes(image.sab as unknown as ArrayBuffer, image.byteOffset, image.length);
  try {
    return FileBytes.open(image);
  } catch (err) {
    if (err instanceof FileChangedError) fail('MID_WRITE', `${image.path} changed while it was being compared: run the command again.`);
    fail('IO_ERROR', `Cannot read ${image.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}

async function handle(msg: WorkerRequest): Promise<QueryResult | undefined> {
  const SQL = await loadSqlJs();
  switch (msg.type) {
    case 'open': {
      if (dbs.has(msg.id)) fail('QUERY_ERROR', `Database ${msg.id} is already open.`);
      const bytes = imageBytes(msg.image);
      try {
        dbs.set(msg.id, { db: connect(SQL, bytes), bytes, attached: new Map() });
      } catch (err) {
        if (bytes instanceof FileBytes) bytes.close();
        throw err;
      }
      return undefined;
    }
    case 'query': {
      const open = openDb(msg.id);
      try {
        return query(open.db, msg.sql, msg.params, msg.maxRows ?? Number.POSITIVE_INFINITY);
      } catch (err) {
        if (err instanceof Error && err.message === blockedWriteMessage) reconnect(SQL, msg.id);
        throw err;
      }
    }
    case 'attach': {
      const open = openDb(msg.id);
      attach(open, openDb(msg.otherId), msg.schemaName);
      open.attached.set(msg.schemaName, msg.otherId);
      return undefined;
    }
    case 'preload':
      return undefined;
    case 'close': {
      const open = dbs.get(msg.id);
      if (!open) return undefined;
      for (const other of dbs.values()) {
        for (const [schemaName, otherId] of other.attached) {
          if (otherId !== msg.id) continue;
          other.db.run(`DETACH ${quoteIdent(schemaName)}`);
          other.attached.delete(schemaName);
        }
      }
      dbs.delete(msg.id);
      open.db.close();
      if (open.bytes instanceof FileBytes) open.bytes.close();
      return undefined;
    }
  }
}

/**
 * True when `rest` holds no further statement: only whitespace, semicolons and comments. Used to
 * find the last statement of a script (the one whose rows we return and to which params bind).
 */
export function isBlankSql(rest: string): boolean {
  const stripped = rest.replace(/--[^\n]*(\n|$)|\/\*[\s\S]*?(\*\/|$)/g, ' ');
  return /^[\s;]*$/.test(stripped);
}

function respond(response: WorkerResponse): void {
  parentPort!.postMessage(response);
}

let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (msg: WorkerMessage) => {
  queue = queue.then(async () => {
    try {
      respond({ req: msg.req, ok: true, result: await handle(msg) });
    } catch (err) {
      const code = (err as { cdbCode?: SerializedError['code'] }).cdbCode;
      respond({ req: msg.req, ok: false, error: code ? { code, message: (err as Error).message } : toSerializedError(err) });
      // An Emscripten abort leaves the module unusable: end the thread, the engine starts another.
      if (isEngineAbort(err)) setImmediate(() => process.exit(1));
    }
  });
});
