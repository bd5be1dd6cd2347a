/**
 * How `sqldiff --primarykey` sees a table (its columnNames()): the key columns in PRIMARY KEY order
 * (the declared key, also for a rowid table whose key is not an INTEGER PRIMARY KEY), or the rowid
 * when no key is declared, followed by the other columns in table order. Generated columns are not
 * listed by PRAGMA table_info, so they are neither compared nor written.
 */
import type { DbHandle, SqlEngine } from '../sqlEngine';
import { quoteIdent } from '../sqlite';
import type { SqlValue } from '../types';

export interface TableShape {
  /** Key names: declared PRIMARY KEY columns in key order, or one rowid alias. */
  keys: string[];
  /** The other columns, table order. */
  values: string[];
  /** Paired by the rowid (no declared PRIMARY KEY). */
  rowid: boolean;
  /** Every column (name, declared type), table order. */
  columns: { name: string; type: string }[];
  /** A name that reaches the rowid (not hidden by a column), or null; null too for WITHOUT ROWID. */
  rowidAlias: string | null;
  /** How to walk the table in a stable order: the rowid, else (WITHOUT ROWID) the key. */
  orderKey: string[];
  /** The table's b-tree root page (tableShapes only). */
  rootPage?: number;
  /** No row can have a NULL key, so a row always pairs with itself (tableShapes only). */
  keyNeverNull?: boolean;
}

/** The ASCII-only case folding of sqlite3_stricmp: 'É' and 'é' are different names to sqldiff. */
export const foldAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

const ROWID_ALIASES = ['rowid', '_rowid_', 'oid'];

/**
 * `null` when the table has no PRIMARY KEY and columns named rowid, _rowid_ and oid hide the rowid:
 * sqldiff then reports the table as incompatible, and so do we.
 */
export async function tableShape(
  engine: SqlEngine,
  db: DbHandle,
  schemaName: string,
  table: string,
  signal?: AbortSignal,
): Promise<TableShape | null> {
  const { rows } = await engine.query(db, 'SELECT name, type, pk FROM pragma_table_info(?, ?) ORDER BY cid', [table, schemaName], { signal });
  const list = await engine.query(db, 'SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?', [schemaName, table], { signal });
  const withoutRowid = Number(list.rows[0]?.[0] ?? 0) === 1;
  return shapeFromColumns(
    rows.map((r: SqlValue[]) => ({ name: String(r[0]), type: String(r[1] ?? ''), pk: Number(r[2]) })),
    withoutRowid,
  );
}

/**
 * The shapes of every table of one schema, in two statements (the worker round trip, not SQLite,
 * is the cost of many small queries). Keyed by the ASCII-folded name, as SQLite resolves names.
 */
export async function tableShapes(engine: SqlEngine, db: DbHandle, schemaName: string, signal?: AbortSignal): Promise<Map<string, TableShape | null>> {
  const master = `${quoteIdent(schemaName)}.sqlite_schema`;
  const { rows } = await engine.query(
    db,
    `SELECT m.name, p.name, p.type, p.pk, p."notnull", m.rootpage FROM ${master} AS m JOIN pragma_table_info(m.name, ?) AS p WHERE m.type = 'table' ORDER BY m.name, p.cid`,
    [schemaName],
    { signal },
  );
  const list = await engine.query(db, 'SELECT name, wr FROM pragma_table_list WHERE schema = ?', [schemaName], { signal });
  const withoutRowid = new Set(list.rows.filter((r) => Number(r[1]) === 1).map((r) => foldAscii(String(r[0]))));
  // A PRIMARY KEY with its own index is not the rowid: "INTEGER PRIMARY KEY DESC" is one, and
  // holds NULLs like any other column of a rowid table.
  const pkIndexed = await engine.query(
    db,
    `SELECT DISTINCT m.name FROM ${master} AS m JOIN pragma_index_list(m.name, ?) AS i WHERE m.type = 'table' AND i.origin = 'pk'`,
    [schemaName],
    { signal },
  );
  const keyIndexed = new Set(pkIndexed.rows.map((r) => foldAscii(String(r[0]))));
  const columns = new Map<string, { name: string; type: string; pk: number; notNull: boolean }[]>();
  const roots = new Map<string, number>();
  for (const r of rows) {
    const key = foldAscii(String(r[0]));
    if (!columns.has(key)) columns.set(key, []);
    columns.get(key)!.push({ name: String(r[1]), type: String(r[2] ?? ''), pk: Number(r[3]), notNull: Number(r[4]) === 1 });
    roots.set(key, Number(r[5]));
  }
  const shapes = new Map<string, TableShape | null>();
  for (const [key, cols] of columns) {
    const shape = shapeFromColumns(cols, withoutRowid.has(key));
    if (shape) {
      shape.rootPage = roots.get(key);
      const keyCols = cols.filter((c) => c.pk > 0);
      // rowid, INTEGER PRIMARY KEY (a rowid alias), WITHOUT ROWID (NOT NULL enforced), or declared NOT NULL.
      shape.keyNeverNull =
        shape.rowid ||
        withoutRowid.has(key) ||
        (keyCols.length === 1 && keyCols[0].type.toUpperCase() === 'INTEGER' && !keyIndexed.has(key)) ||
        keyCols.every((c) => c.notNull);
    }
    shapes.set(key, shape);
  }
  return shapes;
}

export function shapeFromColumns(columns: { name: string; type: string; pk: number }[], withoutRowid = false): TableShape | null {
  const keyed = columns.filter((c) => c.pk > 0).sort((x, y) => x.pk - y.pk);
  const values = columns.filter((c) => c.pk <= 0).map((c) => c.name);
  const cols = columns.map((c) => ({ name: c.name, type: c.type }));
  const taken = new Set(columns.map((c) => foldAscii(c.name)));
  const rowidAlias = withoutRowid ? null : (ROWID_ALIASES.find((a) => !taken.has(a)) ?? null);
  if (keyed.length > 0) {
    const keys = keyed.map((c) => c.name);
    return { keys, values, rowid: false, columns: cols, rowidAlias, orderKey: rowidAlias ? [rowidAlias] : keys };
  }
  if (!rowidAlias) return null;
  return { keys: [rowidAlias], values, rowid: true, columns: cols, rowidAlias, orderKey: [rowidAlias] };
}

/** A column or rowid alias as it goes into SQL: our own alias bare, every real column quoted. */
export function columnRef(shape: TableShape, name: string): string {
  return name === shape.rowidAlias && !shape.columns.some((c) => foldAscii(c.name) === name) ? name : quoteIdent(name);
}

/**
 * sqldiff's compatibility rule (summarize_one_table): same number of key columns, and A's names
 * (keys, then the rest) equal B's at the same positions, ASCII case ignored. B may have MORE
 * columns after A's: sqldiff then compares A's columns only, and so do we.
 */
export function compatibleShapes(a: TableShape | null, b: TableShape | null): boolean {
  if (!a || !b || a.keys.length !== b.keys.length) return false;
  const namesA = [...a.keys, ...a.values];
  const namesB = [...b.keys, ...b.values];
  return namesA.every((name, i) => namesB[i] !== undefined && foldAscii(name) === foldAscii(namesB[i]));
}
