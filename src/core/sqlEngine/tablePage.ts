/**
 * Keyset paging over one table: every page is an index range scan from a boundary key, never an
 * OFFSET (which makes SQLite step over every earlier row, so the last page of 500k rows would cost
 * 500k row visits). The last page is read backwards from the end (ORDER BY … DESC LIMIT n) and
 * reversed, so it is as cheap as the first.
 *
 * Rows are addressed by the rowid for ordinary tables and by the primary key (compared as a row
 * value, SQLite ≥ 3.15) for WITHOUT ROWID tables. Views have neither: they fall back to OFFSET.
 */
import { quoteIdent } from '../sqlite';
import type { QueryResult, SqlValue, TableInfo } from '../types';

export type PageDirection = 'first' | 'next' | 'prev' | 'last';

/** How the rows of a table are ordered and addressed from one page to the next. */
export interface PageKey {
  kind: 'rowid' | 'primaryKey' | 'offset';
  /** SQL expressions (quoted) that order the rows; empty for 'offset'. */
  exprs: string[];
}

/** Where the current page sits: its first and last key and the 0-based position of its first row. */
export interface PageCursor {
  offset: number;
  firstKey: SqlValue[];
  lastKey: SqlValue[];
  rowCount: number;
}

export interface PageQuery {
  sql: string;
  params: SqlValue[];
  /** The same page's keys alone, and its ORDER BY: for tables too wide to take extra columns. */
  keysSql?: string;
  order?: string;
  /** The rows come newest-first and must be reversed (prev and last pages). */
  reversed: boolean;
}

export interface Page {
  columns: string[];
  rows: SqlValue[][];
  cursor: PageCursor;
  /** Total rows in the table, as counted when the page was read. */
  total: number;
}

export type QueryFn = (sql: string, params: SqlValue[]) => Promise<QueryResult>;

/** The selected key columns come first, under names no table column is expected to use. */
const KEY_ALIAS = '__cdb_key';
const ROWID_ALIASES = ['rowid', '_rowid_', 'oid'];

export function pageKeyFor(table: Pick<TableInfo, 'kind' | 'withoutRowid' | 'columns'>): PageKey {
  if (table.kind === 'view') return { kind: 'offset', exprs: [] };
  if (table.withoutRowid) {
    const pk = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    if (pk.length > 0) return { kind: 'primaryKey', exprs: pk.map((c) => quoteIdent(c.name)) };
    return { kind: 'offset', exprs: [] };
  }
  // A column may be named rowid (or _rowid_, oid), which then hides the real rowid under that name.
  const names = new Set(table.columns.map((c) => c.name.toLowerCase()));
  const alias = ROWID_ALIASES.find((a) => !names.has(a));
  return alias ? { kind: 'rowid', exprs: [alias] } : { kind: 'offset', exprs: [] };
}

/**
 * The SQL for one page. `cursor` is the page being left (needed for next/prev); `total` is needed
 * only for the last page of an OFFSET-paged view.
 */
export function pageQuery(tableName: string, key: PageKey, direction: PageDirection, pageSize: number, cursor?: PageCursor, total = 0): PageQuery {
  const n = Math.max(1, Math.floor(pageSize));
  const from = `FROM ${quoteIdent(tableName)}`;
  if (key.kind === 'offset') {
    let offset = 0;
    if (direction === 'next' && cursor) offset = cursor.offset + cursor.rowCount;
    else if (direction === 'prev' && cursor) offset = Math.max(0, cursor.offset - n);
    else if (direction === 'last') offset = Math.max(0, total - n);
    return { sql: `SELECT * ${from} LIMIT ? OFFSET ?`, params: [n, offset], reversed: false };
  }
  const keys = key.exprs.map((e, i) => `${e} AS ${quoteIdent(KEY_ALIAS + i)}`).join(', ');
  const asc = key.exprs.join(', ');
  const desc = key.exprs.map((e) => `${e} DESC`).join(', ');
  const tuple = key.exprs.length === 1 ? key.exprs[0] : `(${asc})`;
  const marks = key.exprs.length === 1 ? '?' : `(${key.exprs.map(() => '?').join(', ')})`;
  const page = (where: string, order: string, params: SqlValue[], reversed: boolean): PageQuery => ({
    sql: `SELECT ${keys}, * ${from}${where} ORDER BY ${order} LIMIT ?`,
    keysSql: `SELECT ${keys} ${from}${where} ORDER BY ${order} LIMIT ?`,
    order,
    params,
    reversed,
  });
  if (direction === 'next' && cursor && cursor.rowCount > 0) return page(` WHERE ${tuple} > ${marks}`, asc, [...cursor.lastKey, n], false);
  if (direction === 'prev' && cursor && cursor.rowCount > 0) return page(` WHERE ${tuple} < ${marks}`, desc, [...cursor.firstKey, n], true);
  if (direction === 'last') return page('', desc, [n], true);
  return page('', asc, [n], false);
}

/** SQLite's default SQLITE_MAX_COLUMN (sql.js keeps it): a result may not have more columns. */
const MAX_RESULT_COLUMNS = 2000;

/**
 * A page of a table with so many columns that the key columns cannot be added to `*`: its keys
 * first, then its rows by those keys, in the same order; returned in the usual shape (keys first).
 */
async function readWidePage(query: QueryFn, tableName: string, key: PageKey, q: PageQuery): Promise<QueryResult> {
  const keyRows = await query(q.keysSql!, q.params);
  const width = key.exprs.length;
  const tuple = width === 1 ? key.exprs[0] : `(${key.exprs.join(', ')})`;
  const values = keyRows.rows.map(() => `(${key.exprs.map(() => '?').join(', ')})`).join(', ');
  if (keyRows.rows.length === 0) return { columns: keyRows.columns, rows: [], truncated: false };
  const rows = await query(`SELECT * FROM ${quoteIdent(tableName)} WHERE ${tuple} IN (VALUES ${values}) ORDER BY ${q.order}`, keyRows.rows.flat());
  return { ...rows, columns: [...keyRows.columns, ...rows.columns], rows: rows.rows.map((r, i) => [...keyRows.rows[i].slice(0, width), ...r]) };
}

/**
 * Reads one page and works out where it sits. Keyset pages do not know their position from the
 * SQL, so it is carried over from the page being left: next = after it, prev = before it, last =
 * total − n. A prev page that comes back short has reached the start: it is re-read as the first
 * page so that a full page is shown.
 */
export async function readPage(
  query: QueryFn,
  table: Pick<TableInfo, 'name' | 'kind' | 'withoutRowid' | 'columns'>,
  direction: PageDirection,
  pageSize: number,
  total: number,
  cursor?: PageCursor,
): Promise<Page> {
  const key = pageKeyFor(table);
  const q = pageQuery(table.name, key, direction, pageSize, cursor, total);
  const keyCount = key.exprs.length;
  const wide = keyCount > 0 && table.columns.length + keyCount > MAX_RESULT_COLUMNS;
  const result = wide ? await readWidePage(query, table.name, key, q) : await query(q.sql, q.params);
  const rows = q.reversed ? result.rows.slice().reverse() : result.rows;
  if (direction === 'prev' && rows.length < pageSize && key.kind !== 'offset') {
    return readPage(query, table, 'first', pageSize, total);
  }
  // An empty next page means the end was reached since the page was read: stay where we are.
  if (direction === 'next' && rows.length === 0 && cursor && cursor.rowCount > 0) {
    return readPage(query, table, 'last', pageSize, total);
  }
  let offset = 0;
  if (key.kind === 'offset') offset = Number(q.params[q.params.length - 1]);
  else if (direction === 'next' && cursor) offset = cursor.offset + cursor.rowCount;
  else if (direction === 'prev' && cursor) offset = Math.max(0, cursor.offset - rows.length);
  else if (direction === 'last') offset = Math.max(0, total - rows.length);
  const keys = rows.map((r) => r.slice(0, keyCount));
  return {
    columns: result.columns.slice(keyCount),
    rows: keyCount ? rows.map((r) => r.slice(keyCount)) : rows,
    cursor: { offset, firstKey: keys[0] ?? [], lastKey: keys[keys.length - 1] ?? [], rowCount: rows.length },
    total: Math.max(total, offset + rows.length),
  };
}
