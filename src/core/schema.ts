/**
 * Reads a database's schema through SqlEngine: tables (user tables first, then SQLite's own
 * sqlite_* tables, each group by name), views, columns, indexes, triggers, row counts.
 *
 * Names come from the database and are untrusted: they reach SQL only as bound parameters (the
 * table-valued pragma functions take the table and schema as arguments) or through quoteIdent.
 */
import { countBtreeEntries } from './btreeCount';
import { throwIfAborted } from './errors';
import type { DbHandle, SqlEngine } from './sqlEngine';
import { qualified, quoteIdent } from './sqlIdent';
import type { ColumnInfo, IndexInfo, SchemaInfo, SqlValue, TableInfo, TriggerInfo } from './types';

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
  for (const e of entries) {
    if (e.type !== 'table' && e.type !== 'view') continue;
    throwIfAborted(signal, 'Reading the schema');
    const info: TableInfo = {
      name: e.name,
      kind: e.type,
      rows: null,
      columns: await readColumns(q, schema, e.name),
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

  const indexes = await readIndexes(q, schema, tables, entries);
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

async function readColumns(q: (sql: string, params?: SqlValue[]) => Promise<Row[]>, schema: string, table: string): Promise<ColumnInfo[]> {
  let rows: Row[];
  try {
    rows = await q('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid', [table, schema]);
  } catch {
    return []; // e.g. a virtual table whose module this build of SQLite lacks
  }
  return rows.map((r) => {
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
  });
}

async function readIndexes(
  q: (sql: string, params?: SqlValue[]) => Promise<Row[]>,
  schema: string,
  tables: TableInfo[],
  entries: SchemaRow[],
): Promise<IndexInfo[]> {
  const sqlByName = new Map(entries.filter((e) => e.type === 'index').map((e) => [e.name, e.sql]));
  const indexes: IndexInfo[] = [];
  for (const t of tables) {
    if (isVirtual(t)) continue;
    const list = await q('SELECT name, "unique", origin FROM pragma_index_list(?, ?) ORDER BY name', [t.name, schema]);
    for (const [name, unique, origin] of list) {
      const cols = await q('SELECT name FROM pragma_index_info(?, ?) ORDER BY seqno', [str(name), schema]);
      indexes.push({
        name: str(name),
        table: t.name,
        unique: num(unique) !== 0,
        // A NULL name is an expression (or the rowid) in the key.
        columns: cols.map((c) => (c[0] === null ? '<expression>' : str(c[0]))),
        origin: str(origin),
        sql: sqlByName.get(str(name)) ?? null,
      });
    }
  }
  return indexes;
}
