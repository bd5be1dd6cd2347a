/**
 * diffDatabases: what differs between database A and database B, schema and rows, with the row
 * counts of `sqldiff --primarykey --summary` (see rowDiff.ts for the rules). Both databases are
 * open in the same engine; B is attached to A's connection, so every comparison is one SQL
 * statement inside the worker.
 */
import { CdbError, throwIfAborted } from '../errors';
import type { DbHandle, SqlEngine } from '../sqlEngine';
import { qualified } from '../sqlite';
import type { SqlValue } from '../types';
import { countByAllColumns, countRowChanges, pageRows, type RowCounts, type TablePair } from './rowDiff';
import { identicalTreeRows, sharedRowidRanges } from './identicalTree';
import { pagePair, type PagePair } from './pagePair';
import { columnChanges, compareSchemas, readSchemaEntries, type SchemaEntry } from './schemaDiff';
import { columnRef, compatibleShapes, foldAscii, tableShape, tableShapes, type TableShape } from './tableShape';
import type { DatabaseDiff, DiffOptions, DiffSamples, RowKind, RowPage, SchemaChange, TableDiff } from './types';

const DEFAULT_SAMPLES = 10;

/**
 * The schema name under which B is readable from A's connection: an existing attachment of the
 * same in-memory file, else a new one. 'main' when A and B are the same handle.
 */
export async function attachForDiff(engine: SqlEngine, a: DbHandle, b: DbHandle, signal?: AbortSignal): Promise<string> {
  if (a.id === b.id) return 'main';
  const bFile = (await engine.query(b, "SELECT file FROM pragma_database_list WHERE name = 'main'", undefined, { signal })).rows[0]?.[0];
  const attached = await engine.query(a, 'SELECT name, file FROM pragma_database_list', undefined, { signal });
  const found = attached.rows.find((r) => r[0] !== 'main' && r[0] !== 'temp' && bFile && r[1] === bFile);
  if (found) return String(found[0]);
  const name = `cdb_diff_${b.id}`;
  await engine.attach(a, b, name);
  return name;
}

/**
 * The tables sqldiff walks (all_tables_sql): every `type='table'` entry of either side except
 * virtual tables, by name (binary order), the sqlite_sequence and sqlite_stat1 tables included.
 */
async function tableNames(engine: SqlEngine, db: DbHandle, bSchema: string, signal?: AbortSignal): Promise<string[]> {
  const pick = (schema: string) => `SELECT name FROM ${qualified(schema, 'sqlite_schema')} WHERE type='table' AND sql NOT LIKE 'CREATE VIRTUAL%'`;
  const { rows } = await engine.query(db, `${pick('main')} UNION ${pick(bSchema)} ORDER BY name`, undefined, { signal });
  return rows.map((r) => String(r[0]));
}

function selectTables(all: string[], wanted: string[] | undefined): string[] {
  if (!wanted) return all;
  return wanted.map((w) => {
    const hit = all.find((n) => n === w) ?? all.find((n) => foldAscii(n) === foldAscii(w));
    if (!hit) throw new CdbError('USAGE', `There is no table '${w}' in either database: check the name (see 'container-db inspect').`);
    return hit;
  });
}

async function countAll(engine: SqlEngine, db: DbHandle, schema: string, table: string, signal?: AbortSignal): Promise<number> {
  const { rows } = await engine.query(db, `SELECT count(*) FROM ${qualified(schema, table)}`, undefined, { signal });
  return Number(rows[0][0]);
}

async function tableColumns(engine: SqlEngine, db: DbHandle, table: string, signal?: AbortSignal): Promise<string[]> {
  const { rows } = await engine.query(db, "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid", [table], { signal });
  return rows.map((r) => String(r[0]));
}

const noSamples = (): DiffSamples => ({ inserted: [], deleted: [], updated: [] });

function baseDiff(name: string, shape: TableShape | null): TableDiff {
  return {
    name,
    status: 'same',
    inserted: 0,
    deleted: 0,
    updated: 0,
    unchanged: 0,
    matchedBy: shape && !shape.rowid ? 'primary-key' : 'rowid',
    keyColumns: shape?.keys ?? [],
    columns: shape?.columns.map((c) => c.name) ?? [],
    rowsCompared: false,
    samples: noSamples(),
  };
}

async function samplesOf(p: TablePair, counts: RowCounts, limit: number, signal?: AbortSignal): Promise<DiffSamples> {
  const take = async <K extends RowKind>(kind: K, n: number): Promise<RowPage<K>['rows']> =>
    (n > 0 ? (await pageRows(p, kind, { limit, signal })).rows : []) as RowPage<K>['rows'];
  return {
    inserted: await take('inserted', counts.inserted),
    deleted: await take('deleted', counts.deleted),
    updated: await take('updated', counts.updated),
  };
}

interface Context {
  engine: SqlEngine;
  db: DbHandle;
  bSchema: string;
  entriesA: SchemaEntry[];
  entriesB: SchemaEntry[];
  schema: SchemaChange[];
  shapesA: Map<string, TableShape | null>;
  shapesB: Map<string, TableShape | null>;
  opts: DiffOptions;
  /**
   * The images page by page, started with the comparison (for files read on demand that is one
   * pass over both, which then runs beside the worker's schema queries); null: not comparable.
   */
  pages?: Promise<PagePair | null>;
}

const hasTable = (entries: SchemaEntry[], name: string): boolean => entries.some((e) => e.kind === 'table' && foldAscii(e.name) === foldAscii(name));

async function diffTable(ctx: Context, name: string): Promise<TableDiff> {
  const { engine, db, bSchema, opts } = ctx;
  const { signal } = opts;
  const inA = hasTable(ctx.entriesA, name);
  const inB = hasTable(ctx.entriesB, name);
  if (!inB || !inA) {
    const schema = inA ? 'main' : bSchema;
    const out = baseDiff(name, (inA ? ctx.shapesA : ctx.shapesB).get(foldAscii(name)) ?? null);
    out.status = inA ? 'only-in-a' : 'only-in-b';
    const rows = opts.schemaOnly ? 0 : await countAll(engine, db, schema, name, signal);
    if (inA) out.deleted = rows;
    else out.inserted = rows;
    return out;
  }
  const shapeA = ctx.shapesA.get(foldAscii(name)) ?? null;
  const shapeB = ctx.shapesB.get(foldAscii(name)) ?? null;
  const out = baseDiff(name, shapeA);
  const defChange = ctx.schema.find((c) => c.kind === 'table' && c.change === 'changed' && foldAscii(c.name) === foldAscii(name));
  if (defChange && shapeA && shapeB) defChange.columns = columnChanges(shapeA.columns, shapeB.columns);
  if (!shapeA && !shapeB && !defChange) {
    // Defined alike but without any usable key: pair whole rows (sqldiff: "incompatible schema").
    const columns = await tableColumns(engine, db, name, signal);
    out.matchedBy = 'all-columns';
    out.columns = columns;
    out.note = 'No PRIMARY KEY, and columns named rowid, _rowid_ and oid hide the rowid: rows compared as whole rows (sqldiff cannot pair them).';
    if (!opts.schemaOnly) {
      Object.assign(out, await countByAllColumns(engine, db, bSchema, name, columns, signal));
      out.rowsCompared = true;
    }
    out.status = out.inserted + out.deleted > 0 ? 'changed' : 'same';
    return out;
  }
  if (!compatibleShapes(shapeA, shapeB)) {
    out.status = 'schema-changed';
    out.note =
      shapeA && shapeB
        ? 'Rows not paired: the key or the column list differs (sqldiff: incompatible schema); counted as all deleted and all inserted.'
        : 'Rows not paired: no PRIMARY KEY, and columns named rowid, _rowid_ and oid hide the rowid.';
    if (!opts.schemaOnly && shapeA && shapeB) {
      out.deleted = await countAll(engine, db, 'main', name, signal);
      out.inserted = await countAll(engine, db, bSchema, name, signal);
    }
    return out;
  }
  const pair: TablePair = { engine, db, bSchema, table: name, shapeA: shapeA!, shapeB: shapeB! };
  if (shapeB!.values.length > shapeA!.values.length) out.note = "B has more columns than A: only A's columns are compared (as sqldiff does).";
  if (!opts.schemaOnly) {
    const counts = await countWithPages(ctx, pair, !!defChange);
    Object.assign(out, counts);
    out.rowsCompared = true;
    const limit = opts.sampleLimit ?? DEFAULT_SAMPLES;
    if (limit > 0) out.samples = await samplesOf(pair, counts, limit, signal);
  }
  const rowsDiffer = out.inserted + out.deleted + out.updated > 0;
  out.status = defChange ? 'schema-changed' : rowsDiffer ? 'changed' : 'same';
  return out;
}

/**
 * True when neither side holds a row with a NULL key, for a one-column key whose index finds NULLs
 * at once (a rowid table's PRIMARY KEY always has one). A wider key: false, so SQL pairs the rows.
 */
async function noNullKey(p: TablePair, signal?: AbortSignal): Promise<boolean> {
  if (p.shapeA.keys.length !== 1 || p.shapeB.keys.length !== 1) return false;
  const probe = (schema: string, shape: TableShape) => `EXISTS(SELECT 1 FROM ${qualified(schema, p.table)} WHERE ${columnRef(shape, shape.keys[0])} IS NULL)`;
  const { rows } = await p.engine.query(p.db, `SELECT ${probe('main', p.shapeA)} OR ${probe(p.bSchema, p.shapeB)}`, undefined, { signal });
  return Number(rows[0][0]) === 0;
}

/**
 * Row counts with the help of the pages (opts.images, opts.pages): a table whose b-tree is byte-identical on
 * both sides needs no SQL; in a rowid table, the rows of leaves shared byte for byte are counted
 * as unchanged and only the rest is paired in SQL. Only where that is exactly sqldiff's answer:
 * same definition (so the same key, collation and affinity), and no NULL key (sqldiff pairs a NULL
 * key with nothing, not even an identical row).
 */
async function countWithPages(ctx: Context, pair: TablePair, defChanged: boolean): Promise<RowCounts> {
  const { shapeA, shapeB } = pair;
  const signal = ctx.opts.signal;
  if (!ctx.pages || defChanged || !shapeA.rootPage || !shapeB.rootPage) return countRowChanges(pair, signal);
  if (!shapeA.keyNeverNull && !(await noNullKey(pair, signal))) return countRowChanges(pair, signal);
  const pages = await ctx.pages;
  if (!pages) return countRowChanges(pair, signal);
  if (shapeA.rowidAlias && shapeB.rowidAlias) {
    const shared = sharedRowidRanges(pages, shapeA.rootPage, shapeB.rootPage);
    if (shared?.whole) return { inserted: 0, deleted: 0, updated: 0, unchanged: shared.rows };
    if (shared) {
      const rest = await countRowChanges(pair, signal, shared.ranges);
      return { ...rest, unchanged: rest.unchanged + shared.rows };
    }
  }
  // WITHOUT ROWID (rows in interior pages too): only the whole-tree shortcut.
  const rows = shapeA.rootPage === shapeB.rootPage ? identicalTreeRows(pages, shapeA.rootPage) : null;
  return rows === null ? countRowChanges(pair, signal) : { inserted: 0, deleted: 0, updated: 0, unchanged: rows };
}

export async function diffDatabases(engine: SqlEngine, a: DbHandle, b: DbHandle, opts: DiffOptions = {}): Promise<DatabaseDiff> {
  const { signal } = opts;
  // A pass that fails (cancelled, a file gone) leaves every table to SQL, which reports the cause.
  const started = opts.pages ?? (opts.images ? pagePair(opts.images.a, opts.images.b, signal) : undefined);
  const pages = opts.schemaOnly ? undefined : started?.catch(() => null);
  const bSchema = await attachForDiff(engine, a, b, signal);
  const names = selectTables(await tableNames(engine, a, bSchema, signal), opts.tables);
  const scope = opts.tables ? new Set(names.map(foldAscii)) : undefined;
  const inScope = (e: SchemaEntry) => !scope || scope.has(foldAscii(e.table));
  const entriesA = (await readSchemaEntries(engine, a, 'main', signal)).filter(inScope);
  const entriesB = (await readSchemaEntries(engine, a, bSchema, signal)).filter(inScope);
  const schema = compareSchemas(entriesA, entriesB);
  const shapesA = await tableShapes(engine, a, 'main', signal);
  const shapesB = await tableShapes(engine, a, bSchema, signal);
  const ctx: Context = { engine, db: a, bSchema, entriesA, entriesB, schema, shapesA, shapesB, opts, pages };
  const tables: TableDiff[] = [];
  for (const name of names) {
    throwIfAborted(signal, 'The comparison');
    tables.push(await diffTable(ctx, name));
  }
  return { identical: schema.length === 0 && tables.every((t) => t.status === 'same'), tables, schema };
}

/** More rows of one kind for one table ("more samples"): keyset-paged, `after` from the previous page. */
export async function diffRows<K extends RowKind>(
  engine: SqlEngine,
  a: DbHandle,
  b: DbHandle,
  table: string,
  kind: K,
  opts: { after?: SqlValue[]; limit: number; signal?: AbortSignal },
): Promise<RowPage<K>> {
  const bSchema = await attachForDiff(engine, a, b, opts.signal);
  const shapeA = await tableShape(engine, a, 'main', table, opts.signal);
  const shapeB = await tableShape(engine, a, bSchema, table, opts.signal);
  if (!shapeA || !shapeB || !compatibleShapes(shapeA, shapeB)) {
    throw new CdbError('USAGE', `The rows of '${table}' cannot be paired between the two databases (missing, or incompatible columns): compare its schema instead.`);
  }
  return pageRows({ engine, db: a, bSchema, table, shapeA, shapeB }, kind, opts);
}
