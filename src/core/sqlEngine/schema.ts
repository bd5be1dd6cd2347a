/**
 * Reads a database's schema through SqlEngine: tables (user tables first, then SQLite's own
 * sqlite_* tables, each group by name), views, columns, indexes, triggers, row counts.
 *
 * Names come from the database and are untrusted: they reach SQL only as bound parameters (the
 * table-valued pragma functions take the table and schema as arguments) or through quoteIdent.
 */
import { countBtreeEntries } from '../sqlite';
import { throwIfAborted } from '../errors';
import type { DbHandle, SqlEngine } from './sqlEngine';
import { qualified, quoteIdent } from '../sqlite';
import type { ColumnInfo, IndexInfo, SchemaInfo, SqlValue, TableInfo, TriggerInfo } from '../types';

export interface ReadSchemaOptions {
  /** Count the rows of every table (a full scan of the smallest index each). Default true. */
  countRows?: boolean;
  /** 'main' by default; or the name an attached database was given. */
  schemaName?: string;
  /**
   * The image `db` was opened from (the main schema's): rows are then counted off its b-tree
   * pages (btreeCount.ts), with count(*) only where that gives up.
   */
  image?: Uint8Array;
  signal?: AbortSignal;
}

interface SchemaRow {
  type: string;
  name: string;
  tblName: string;
  sql: string | null;
  rootpage: number;
}

type Row = SqlValue[];

const str = (v: SqlValue): string => (v === null ? '' : String(v));
const strOrNull = (v: SqlValue): string | null => (v === null ? null : String(v));
const num = (v: SqlValue): number => Number(v ?? 0);

/** Exact number of rows in `table` (count(*), quoted), in `schemaName` ('main' by default). */
export async function countRows(
  engine: SqlEngine,
  db: DbHandle,
  table: string,
  schemaName = 'main',
  signal?: AbortSignal,
): Promise<number> {
  const result = await engine.query(db, `SELECT count(*) FROM ${qualified(schemaName, table)}`, undefined, { signal });
  return num(result.rows[0][0]);
}

export async function readSchema(engine: SqlEngine, db: DbHandle, opts: ReadSchemaOptions = {}): Promise<SchemaInfo> {
  const schema = opts.schemaName ?? 'main';
  const { signal } = opts;
  const q = async (sql: string, params?: SqlValue[]): Promise<Row[]> =>
    (await engine.query(db, sql, params, { signal })).rows;

  const master = schema.toLowerCase() === 'temp' ? 'sqlite_temp_schema' : 'sqlite_schema';
  const entries: SchemaRow[] = (
    await q(`SELECT type, name, tbl_name, sql, rootpage FROM ${qualified(schema, master)} ORDER BY name`)
  ).map((r) => ({ type: str(r[0]), name: str(r[1]), tblName: str(r[2]), sql: strOrNull(r[3]), rootpage: num(r[4]) }));
  // PRAGMA table_list knows WITHOUT ROWID for certain ("wr"), whatever the CREATE statement's spelling.
  const withoutRowid = new Set(
    (await q('SELECT name FROM pragma_table_list WHERE schema = ? AND wr = 1', [schema])).map((r) => str(r[0])),
  );

  const tables: TableInfo[] = [];
  const views: TableInfo[] = [];
  const allColumns = await readAllColumns(q, schema, master);
  for (const e of entries) {
    if (e.type !== 'table' && e.type !== 'view') continue;
    throwIfAborted(signal, 'Reading the schema');
    const info: TableInfo = {
      name: e.name,
      kind: e.type,
      rows: null,
      columns: allColumns?.get(e.name) ?? (await readColumns(q, schema, e.name)),
      withoutRowid: withoutRowid.has(e.name),
      sql: e.sql,
      system: e.name.toLowerCase().startsWith('sqlite_'),
    };
    (e.type === 'view' ? views : tables).push(info);
  }
  tables.sort((a, b) => Number(a.system) - Number(b.system));

  if (opts.countRows ?? true) {
    const image = schema === 'main' ? opts.image : undefined;
    const roots = new Map(entries.filter((e) => e.type === 'table').map((e) => [e.name, e.rootpage]));
    for (const t of tables) {
      throwIfAborted(signal, 'Counting rows');
      const root = roots.get(t.name) ?? 0;
      const fromPages = image && root > 0 && !isVirtual(t) ? countBtreeEntries(image, root, !t.withoutRowid) : null;
      if (fromPages !== null) {
        t.rows = fromPages;
        continue;
      }
      t.rows = await countRows(engine, db, t.name, schema, signal).catch((err) => {
        // A virtual table whose module this build lacks (fts5, rtree, ...) cannot be scanned.
        if (isVirtual(t)) return null;
        throw err;
      });
    }
  }

  const indexes = await readIndexes(q, schema, master, tables, entries);
  const triggers: TriggerInfo[] = entries
    .filter((e) => e.type === 'trigger')
    .map((e) => ({ name: e.name, table: e.tblName, sql: e.sql }));

  const pragma = async (name: string): Promise<SqlValue> => (await q(`PRAGMA ${quoteIdent(schema)}.${name}`))[0]?.[0] ?? null;
  return {
    tables,
    views,
    indexes,
    triggers,
    pageSize: num(await pragma('page_size')),
    pageCount: num(await pragma('page_count')),
    encoding: str(await pragma('encoding')),
    userVersion: num(await pragma('user_version')),
  };
}

function isVirtual(t: TableInfo): boolean {
  return /^\s*create\s+virtual\b/i.test(t.sql ?? '');
}

type Query = (sql: string, params?: SqlValue[]) => Promise<Row[]>;

/** `name, type, "notnull", dflt_value, pk, hidden` of pragma_table_xinfo as a ColumnInfo. */
function columnOf(r: Row): ColumnInfo {
  const column: ColumnInfo = {
    name: str(r[0]),
    type: str(r[1]),
    notNull: num(r[2]) !== 0,
    defaultValue: strOrNull(r[3]),
    pk: num(r[4]),
  };
  // 1: a virtual table's hidden column. 2 and 3 are generated columns, which SELECT * shows.
  if (num(r[5]) === 1) column.hidden = true;
  return column;
}

/**
 * Every table's and view's columns in one statement (one worker round trip, not one per table);
 * undefined when that statement fails, as it does when one virtual table's module is missing
 * from this build of SQLite: the caller then asks table by table.
 */
async function readAllColumns(q: Query, schema: string, master: string): Promise<Map<string, ColumnInfo[]> | undefined> {
  let rows: Row[];
  try {
    rows = await q(
      `SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden FROM ${qualified(schema, master)} AS m ` +
        `JOIN pragma_table_xinfo(m.name, ?) AS p WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid`,
      [schema],
    );
  } catch {
    return undefined;
  }
  const byTable = new Map<string, ColumnInfo[]>();
  for (const r of rows) {
    const table = str(r[0]);
    let columns = byTable.get(table);
    if (!columns) byTable.set(table, (columns = []));
    columns.push(columnOf(r.slice(1)));
  }
  return byTable;
}

async function readColumns(q: Query, schema: string, table: string): Promise<ColumnInfo[]> {
  try {
    return (await q('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid', [table, schema])).map(columnOf);
  } catch {
    return []; // e.g. a virtual table whose module this build of SQLite lacks
  }
}

async function readIndexes(q: Query, schema: string, master: string, tables: TableInfo[], entries: SchemaRow[]): Promise<IndexInfo[]> {
  const sqlByName = new Map(entries.filter((e) => e.type === 'index').map((e) => [e.name, e.sql]));
  const index = (table: string, name: SqlValue, unique: SqlValue, origin: SqlValue, columns: SqlValue[]): IndexInfo => ({
    name: str(name),
    table,
    unique: num(unique) !== 0,
    // A NULL name is an expression (or the rowid) in the key.
    columns: columns.map((c) => (c === null ? '<expression>' : str(c))),
    origin: str(origin),
    sql: sqlByName.get(str(name)) ?? null,
  });
  const plain = tables.filter((t) => !isVirtual(t));
  const indexes: IndexInfo[] = [];
  // Every index of every table in one statement (every index has at least one key column);
  // table by table when that fails (see readAllColumns).
  let rows: Row[] | undefined;
  try {
    rows = await q(
      `SELECT m.name, l.name, l."unique", l.origin, i.name FROM ${qualified(schema, master)} AS m JOIN pragma_index_list(m.name, ?) AS l ` +
        `JOIN pragma_index_info(l.name, ?) AS i WHERE m.type = 'table' AND coalesce(m.sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY m.name, l.name, i.seqno`,
      [schema, schema],
    );
  } catch {
    rows = undefined;
  }
  if (rows) {
    const byTable = new Map<string, Map<string, { unique: SqlValue; origin: SqlValue; columns: SqlValue[] }>>();
    for (const [table, name, unique, origin, column] of rows) {
      let list = byTable.get(str(table));
      if (!list) byTable.set(str(table), (list = new Map()));
      let entry = list.get(str(name));
      if (!entry) list.set(str(name), (entry = { unique, origin, columns: [] }));
      entry.columns.push(column);
    }
    for (const t of plain) for (const [name, e] of byTable.get(t.name) ?? []) indexes.push(index(t.name, name, e.unique, e.origin, e.columns));
    return indexes;
  }
  for (const t of plain) {
    const list = await q('SELECT name, "unique", origin FROM pragma_index_list(?, ?) ORDER BY name', [t.name, schema]);
    for (const [name, unique, origin] of list) {
      const cols = await q('SELECT name FROM pragma_index_info(?, ?) ORDER BY seqno', [str(name), schema]);
      indexes.push(index(t.name, name, unique, origin, cols.map((c) => c[0])));
    }
  }
  return indexes;
}
