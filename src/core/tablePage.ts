/**
 * Keyset paging over one table: every page is an index range scan from a boundary key, never an
 * OFFSET (which makes SQLite step over every earlier row, so the last page of 500k rows would cost
 * 500k row visits). The last page is read backwards from the end (ORDER BY … DESC LIMIT n) and
 * reversed, so it is as cheap as the first.
 *
 * Rows are addressed by the rowid for ordinary tables and by the primary key (compared as a row
 * value, SQLite ≥ 3.15) for WITHOUT ROWID tables. Views have neither: they fall back to OFFSET.
 */
import { quoteIdent } from './sqlIdent';
import type { QueryResult, SqlValue, TableInfo } from './types';

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
  const select = `SELECT ${key.exprs.map((e, i) => `${e} AS ${quoteIdent(KEY_ALIAS + i)}`).join(', ')}, * ${from}`;
  const asc = key.exprs.join(', ');
  const desc = key.exprs.map((e) => `${e} DESC`).join(', ');
  const tuple = key.exprs.length === 1 ? key.exprs[0] : `(${asc})`;
  const marks = key.exprs.length === 1 ? '?' : `(${key.exprs.map(() => '?').join(', ')})`;
  if (direction === 'next' && cursor && cursor.rowCount > 0) {
    return { sql: `${select} WHERE ${tuple} > ${marks} ORDER BY ${asc} LIMIT ?`, params: [...cursor.lastKey, n], reversed: false };
  }
  if (direction === 'prev' && cursor && cursor.rowCount > 0) {
    return { sql: `${select} WHERE ${tuple} < ${marks} ORDER BY ${desc} LIMIT ?`, params: [...cursor.firstKey, n], reversed: true };
  }
  if (direction === 'last') return { sql: `${select} ORDER BY ${desc} LIMIT ?`, params: [n], reversed: true };
  return { sql: `${select} ORDER BY ${asc} LIMIT ?`, params: [n], reversed: false };
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
  const result = await query(q.sql, q.params);
  const keyCount = key.exprs.length;
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
