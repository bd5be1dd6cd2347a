/**
 * SQL that turns A into B: run it on a copy of A (`sqlite3 copy.db < diff.sql`) and
 * `sqldiff --primarykey copy.db B` finds nothing, and the schemas compare equal.
 *
 * Order matters, and is why this is not sqldiff's per-table output:
 * 1. `PRAGMA foreign_keys=OFF` and one transaction: rows of related tables change in any order.
 * 2. Drop the triggers of every table whose rows change (they would fire on our own statements and
 *    change other rows), and every trigger, view, index that is only in A or defined differently.
 * 3. Drop tables only in A, and rebuild tables defined differently: DROP, B's CREATE, B's rows.
 *    (SQLite cannot retype or reorder columns in place; a rebuild also gives B's exact text.)
 * 4. Rows of the other tables: DELETE, then UPDATE (changed columns only), then INSERT. A table
 *    paired by rowid gets its rowids written, so that later diffs pair the same rows.
 * 5. Create B's indexes, views and triggers that are new, changed, or lost with a rebuilt table.
 * 6. sqlite_sequence last, rewritten whole: every INSERT into an AUTOINCREMENT table moved it.
 *
 * Values are rendered by SQLite's quote() inside the worker: X'..' for blobs, '' escaping, REALs
 * with all the digits that round-trip (quote() falls back to %!.20e when %!.15g is not exact), so
 * nothing is lost between types. Known limits: a TEXT value holding NUL is cut at the NUL by
 * quote(); a table only in A cannot remove sqlite_sequence from B's copy; UPDATEs that swap values
 * of a UNIQUE column between rows conflict mid-way, as they would with sqldiff.
 */
import type { DbHandle, SqlEngine } from '../sqlEngine';
import { quoteIdent } from '../sqlite';
import type { SqlValue } from '../types';
import { attachForDiff, diffDatabases } from './databaseDiff';
import { diffSetQuery, type TablePair } from './rowDiff';
import { readSchemaEntries, type SchemaEntry } from './schemaDiff';
import { columnRef, foldAscii, tableShape, tableShapes, type TableShape } from './tableShape';
import type { DatabaseDiff, RowKind, SchemaKind } from './types';

const PAGE = 1000;
const quote = (e: string) => `quote(${e})`;

export interface DiffSqlOptions {
  tables?: string[];
  /** DDL only, like `sqldiff --schema`. */
  schemaOnly?: boolean;
  /** A diff of the same pair already computed (with the same tables / schemaOnly). */
  diff?: DatabaseDiff;
  signal?: AbortSignal;
}

const DROP_WORD: Record<SchemaKind, string> = { table: 'TABLE', index: 'INDEX', view: 'VIEW', trigger: 'TRIGGER' };
const isSequence = (name: string) => foldAscii(name) === 'sqlite_sequence';
const withSemicolon = (sql: string) => (/;\s*$/.test(sql) ? sql.trimEnd() : `${sql};`);

async function* pagedRows(p: TablePair, kind: RowKind, signal?: AbortSignal): AsyncGenerator<{ row: SqlValue[]; layout: ReturnType<typeof diffSetQuery>['layout'] }> {
  let after: SqlValue[] | undefined;
  for (;;) {
    const q = diffSetQuery(p, kind, { after, limit: PAGE, wrap: quote });
    const { rows } = await p.engine.query(p.db, q.sql, q.params, { signal });
    for (const row of rows) yield { row, layout: q.layout };
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].slice(q.layout.order, q.layout.width);
  }
}

/** Every row of B's table as INSERTs (paged by rowid, or by key for WITHOUT ROWID). */
async function* dumpTable(engine: SqlEngine, db: DbHandle, bSchema: string, table: string, signal?: AbortSignal): AsyncGenerator<string> {
  const shape = await tableShape(engine, db, bSchema, table, signal);
  const cols = (shape?.columns ?? []).map((c) => quoteIdent(c.name));
  if (!shape) {
    const { rows: info } = await engine.query(db, 'SELECT name FROM pragma_table_info(?, ?) ORDER BY cid', [table, bSchema], { signal });
    const names = info.map((r) => quoteIdent(String(r[0])));
    const { rows } = await engine.query(db, `SELECT ${names.map(quote).join(', ')} FROM ${quoteIdent(bSchema)}.${quoteIdent(table)}`, undefined, { signal });
    for (const r of rows) yield `INSERT INTO ${quoteIdent(table)}(${names.join(',')}) VALUES(${r.join(',')});`;
    return;
  }
  const withRowid = shape.rowid;
  const target = [...(withRowid ? [shape.keys[0]] : []), ...cols];
  const order = shape.orderKey.map((k) => columnRef(shape, k));
  const select = [...(withRowid ? [shape.keys[0]] : []), ...cols].map(quote);
  let after: SqlValue[] | undefined;
  for (;;) {
    const where = after ? ` WHERE (${order.join(', ')}) > (${order.map(() => '?').join(', ')})` : '';
    const sql = `SELECT ${[...select, ...order].join(', ')} FROM ${quoteIdent(bSchema)}.${quoteIdent(table)}${where} ORDER BY ${order.join(', ')} LIMIT ${PAGE}`;
    const { rows } = await engine.query(db, sql, after, { signal });
    for (const r of rows) yield `INSERT INTO ${quoteIdent(table)}(${target.join(',')}) VALUES(${r.slice(0, select.length).join(',')});`;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].slice(select.length);
  }
}

/** DELETE, UPDATE, INSERT for a table defined alike on both sides. */
async function* rowStatements(p: TablePair, signal?: AbortSignal): AsyncGenerator<string> {
  const t = quoteIdent(p.table);
  const shape: TableShape = p.shapeA;
  const keyRefs = shape.keys.map((k) => columnRef(shape, k));
  const columns = shape.columns.map((c) => c.name);
  for await (const { row, layout } of pagedRows(p, 'deleted', signal)) {
    const where = keyRefs.map((k, i) => `${k} IS ${row[layout.key + i]}`).join(' AND ');
    yield `DELETE FROM ${t} WHERE ${where};`;
  }
  for await (const { row, layout } of pagedRows(p, 'updated', signal)) {
    const set = columns.flatMap((c, i) => (Number(row[layout.flags + i]) === 1 ? [`${quoteIdent(c)}=${row[layout.bValues + i]}`] : []));
    const where = keyRefs.map((k, i) => `${k}=${row[layout.key + i]}`).join(' AND ');
    yield `UPDATE ${t} SET ${set.join(', ')} WHERE ${where};`;
  }
  for await (const { row, layout } of pagedRows(p, 'inserted', signal)) {
    const names = [...(shape.rowid ? [keyRefs[0]] : []), ...columns.map(quoteIdent)];
    const values = [...(shape.rowid ? [row[layout.key]] : []), ...row.slice(layout.values, layout.values + columns.length)];
    yield `INSERT INTO ${t}(${names.join(',')}) VALUES(${values.join(',')});`;
  }
}

/** The statements, one at a time (a table only in B can be large: nothing is held in memory). */
export async function* diffSqlStatements(engine: SqlEngine, a: DbHandle, b: DbHandle, opts: DiffSqlOptions = {}): AsyncGenerator<string> {
  const { signal } = opts;
  const diff = opts.diff ?? (await diffDatabases(engine, a, b, { tables: opts.tables, schemaOnly: opts.schemaOnly, sampleLimit: 0, signal }));
  if (diff.identical) return;
  const bSchema = await attachForDiff(engine, a, b, signal);
  const scope = opts.tables ? new Set(diff.tables.map((t) => foldAscii(t.name))) : undefined;
  const inScope = (e: SchemaEntry) => !scope || scope.has(foldAscii(e.table));
  const entriesA = (await readSchemaEntries(engine, a, 'main', signal)).filter(inScope);
  const entriesB = (await readSchemaEntries(engine, a, bSchema, signal)).filter(inScope);

  const rebuilt = new Set<string>();
  const dataChanged = new Set<string>();
  const dropTables: string[] = [];
  const createTables: string[] = [];
  for (const t of diff.tables) {
    const key = foldAscii(t.name);
    if (t.status === 'only-in-a') dropTables.push(t.name);
    else if (t.status === 'only-in-b') createTables.push(t.name);
    else if (t.status === 'schema-changed' || (!t.rowsCompared && !opts.schemaOnly) || (t.matchedBy === 'all-columns' && t.status === 'changed')) {
      rebuilt.add(key);
      dropTables.push(t.name);
      createTables.push(t.name);
    } else if (t.status === 'changed') dataChanged.add(key);
  }
  const objKey = (kind: SchemaKind, name: string) => `${kind}\u0000${foldAscii(name)}`;
  const drops = new Map<string, { kind: SchemaKind; name: string }>();
  const creates = new Map<string, SchemaEntry>();
  const bEntry = (kind: SchemaKind, name: string) => entriesB.find((e) => e.kind === kind && foldAscii(e.name) === foldAscii(name));
  for (const c of diff.schema) {
    if (c.kind === 'table') continue;
    if (c.change !== 'only-in-b') drops.set(objKey(c.kind, c.name), { kind: c.kind, name: c.name });
    const e = c.change !== 'only-in-a' ? bEntry(c.kind, c.name) : undefined;
    if (e) creates.set(objKey(e.kind, e.name), e);
  }
  for (const e of entriesA) {
    if (e.kind === 'trigger' && dataChanged.has(foldAscii(e.table))) drops.set(objKey(e.kind, e.name), { kind: e.kind, name: e.name });
  }
  for (const e of entriesB) {
    const table = foldAscii(e.table);
    if (e.kind === 'index' || e.kind === 'trigger') {
      if (rebuilt.has(table) || (e.kind === 'trigger' && dataChanged.has(table))) creates.set(objKey(e.kind, e.name), e);
    }
  }

  yield 'PRAGMA foreign_keys=OFF;';
  yield 'BEGIN TRANSACTION;';
  for (const kind of ['trigger', 'view', 'index'] as SchemaKind[]) {
    for (const d of drops.values()) if (d.kind === kind) yield `DROP ${DROP_WORD[kind]} IF EXISTS ${quoteIdent(d.name)};`;
  }
  for (const name of dropTables) {
    if (isSequence(name)) yield '-- sqlite_sequence is only in A: SQLite cannot drop it.';
    else yield `DROP TABLE IF EXISTS ${quoteIdent(name)};`;
  }
  let wroteRows = false;
  for (const name of createTables) {
    if (isSequence(name)) continue;
    const e = bEntry('table', name);
    if (e) yield withSemicolon(e.sql);
    if (opts.schemaOnly) continue;
    for await (const stmt of dumpTable(engine, a, bSchema, name, signal)) {
      wroteRows = true;
      yield stmt;
    }
  }
  if (!opts.schemaOnly && dataChanged.size) {
    const shapesA = await tableShapes(engine, a, 'main', signal);
    const shapesB = await tableShapes(engine, a, bSchema, signal);
    for (const t of diff.tables) {
      if (!dataChanged.has(foldAscii(t.name)) || isSequence(t.name)) continue;
      const shapeA = shapesA.get(foldAscii(t.name));
      const shapeB = shapesB.get(foldAscii(t.name));
      if (!shapeA || !shapeB) continue;
      for await (const stmt of rowStatements({ engine, db: a, bSchema, table: t.name, shapeA, shapeB }, signal)) {
        wroteRows = true;
        yield stmt;
      }
    }
  }
  for (const kind of ['index', 'view', 'trigger'] as SchemaKind[]) {
    for (const e of creates.values()) if (e.kind === kind) yield withSemicolon(e.sql);
  }
  const sequence = diff.tables.find((t) => isSequence(t.name));
  if (!opts.schemaOnly && sequence && sequence.status !== 'only-in-a' && (wroteRows || sequence.status !== 'same')) {
    yield 'DELETE FROM sqlite_sequence;';
    for await (const stmt of dumpTable(engine, a, bSchema, sequence.name, signal)) yield stmt;
  }
  yield 'COMMIT;';
}

/** All of diffSqlStatements as one script ('' when A and B do not differ). */
export async function diffSql(engine: SqlEngine, a: DbHandle, b: DbHandle, opts: DiffSqlOptions = {}): Promise<string> {
  const lines: string[] = [];
  for await (const stmt of diffSqlStatements(engine, a, b, opts)) lines.push(stmt);
  return lines.length ? lines.join('\n') + '\n' : '';
}
