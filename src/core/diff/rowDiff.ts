/**
 * Row comparison of one table present in A ("main") and B (attached), done by SQLite inside the
 * worker: no row crosses to JavaScript except samples. The SQL has the shape of sqldiff's own
 * (summarize_one_table), which is what makes the counts equal `sqldiff --primarykey --summary`:
 *
 * - rows are paired with `A.k = B.k` on every key column: `=`, so the comparison uses A's column
 *   collation and affinity (a NOCASE key pairs 'abc' with 'ABC'), and a NULL key (allowed in a
 *   rowid table's non-INTEGER PRIMARY KEY) pairs with nothing: such a row is deleted AND inserted;
 * - a paired row is updated when `A.c IS NOT B.c` for some non-key column: IS NOT compares by
 *   storage class and value, so 1 and '1' differ, NULL equals NULL, blobs compare bytewise, reals
 *   exactly; but an INTEGER 1 and a REAL 1.0 are EQUAL (numeric comparison), and a NOCASE column
 *   ignores case: sqldiff says "unchanged" there, and so do we;
 * - B may have extra trailing columns (compatibleShapes): only A's columns are compared.
 *
 * sqldiff scans A twice (join count, then deleted rows) and B once; we fold the first two into one
 * LEFT JOIN: unmatched A rows have a NULL B key, matched ones never do (`=` was true).
 */
import type { DbHandle, SqlEngine } from '../sqlEngine';
import { qualified, quoteIdent } from '../sqlite';
import type { SqlValue } from '../types';
import { columnRef, type TableShape } from './tableShape';
import type { KeyedRow, RowKind, RowPage, UpdatedRow } from './types';

/** One table as both sides see it; A is the connection's "main", B the attached schema `bSchema`. */
export interface TablePair {
  engine: SqlEngine;
  db: DbHandle;
  bSchema: string;
  table: string;
  shapeA: TableShape;
  shapeB: TableShape;
}

export interface RowCounts {
  inserted: number;
  deleted: number;
  updated: number;
  unchanged: number;
}

const num = (v: SqlValue | undefined): number => Number(v ?? 0);

function refs(p: TablePair) {
  const a = (name: string) => `A.${columnRef(p.shapeA, name)}`;
  const b = (name: string) => `B.${columnRef(p.shapeA, name)}`;
  const bOwn = (name: string) => `B.${columnRef(p.shapeB, name)}`;
  const tableA = `${qualified('main', p.table)} AS A`;
  const tableB = `${qualified(p.bSchema, p.table)} AS B`;
  const keyMatch = p.shapeA.keys.map((k) => `${a(k)}=${b(k)}`).join(' AND ');
  const differs = p.shapeA.values.length ? p.shapeA.values.map((c) => `${a(c)} IS NOT ${b(c)}`).join(' OR ') : '0';
  return { a, b, bOwn, tableA, tableB, keyMatch, differs };
}

/**
 * SQL true for a rowid outside every `[lo, hi]` of `ranges` (ascending, disjoint): the gaps as
 * range terms, so SQLite can seek to each gap instead of testing every row. Integer literals
 * because rowids go beyond what a JavaScript number holds exactly.
 */
export function outsideRanges(rowid: string, ranges: [bigint, bigint][]): string {
  if (!ranges.length) return '1';
  const terms = [`${rowid} < ${ranges[0][0]}`];
  for (let i = 1; i < ranges.length; i++) terms.push(`(${rowid} > ${ranges[i - 1][1]} AND ${rowid} < ${ranges[i][0]})`);
  terms.push(`${rowid} > ${ranges[ranges.length - 1][1]}`);
  return terms.join(' OR ');
}

/**
 * Inserted, deleted, updated and unchanged rows: one statement, one pass over each table.
 * `skip`: rowid ranges whose rows are known identical on both sides and pair only with each other
 * (identicalTree.ts sharedRowidRanges); they are left out of both passes and not counted here.
 * Needs a rowid alias on both sides.
 */
export async function countRowChanges(p: TablePair, signal?: AbortSignal, skip: [bigint, bigint][] = []): Promise<RowCounts> {
  const r = refs(p);
  const firstKeyB = r.b(p.shapeA.keys[0]);
  const rowidOf = (alias: string, shape: TableShape) => `${alias}.${columnRef(shape, shape.rowidAlias!)}`;
  const whereA = skip.length ? ` WHERE ${outsideRanges(rowidOf('A', p.shapeA), skip)}` : '';
  const andB = skip.length ? `(${outsideRanges(rowidOf('B', p.shapeB), skip)}) AND ` : '';
  const { rows } = await p.engine.query(
    p.db,
    `SELECT * FROM (SELECT count(${firstKeyB}), sum(CASE WHEN ${firstKeyB} IS NULL THEN 0 WHEN ${r.differs} THEN 1 ELSE 0 END), sum(${firstKeyB} IS NULL)` +
      ` FROM ${r.tableA} LEFT JOIN ${r.tableB} ON ${r.keyMatch}${whereA}),` +
      ` (SELECT count(*) FROM ${r.tableB} WHERE ${andB}NOT EXISTS(SELECT 1 FROM ${r.tableA} WHERE ${r.keyMatch}))`,
    undefined,
    { signal },
  );
  const [matched, updated, deleted, inserted] = rows[0];
  return {
    inserted: num(inserted),
    deleted: num(deleted),
    updated: num(updated),
    unchanged: num(matched) - num(updated),
  };
}

export interface DiffSetQuery {
  sql: string;
  params: SqlValue[];
  /** Where each part of a result row starts. */
  layout: { key: number; values: number; bValues: number; flags: number; order: number; width: number };
}

/**
 * The rows of one kind, in a stable order (the rowid, or the key of a WITHOUT ROWID table: a
 * nullable PRIMARY KEY would lose rows to a keyset on it), after `after`, at most `limit`.
 * `wrap` renders each selected value (identity for samples, `quote(...)` for generated SQL).
 */
export function diffSetQuery(
  p: TablePair,
  kind: RowKind,
  opts: { after?: SqlValue[]; limit?: number; wrap?: (expr: string) => string } = {},
): DiffSetQuery {
  const r = refs(p);
  const wrap = opts.wrap ?? ((e: string) => e);
  const side = kind === 'inserted' ? r.bOwn : r.a;
  const sideShape = kind === 'inserted' ? p.shapeB : p.shapeA;
  const sideRef = kind === 'inserted' ? r.b : r.a;
  const columns = p.shapeA.columns.map((c) => c.name);
  const select: string[] = [];
  select.push(...p.shapeA.keys.map((k) => wrap(sideRef(k))));
  select.push(...columns.map((c) => wrap(sideRef(c))));
  let bValues = select.length;
  let flags = select.length;
  if (kind === 'updated') {
    bValues = select.length;
    select.push(...columns.map((c) => wrap(r.b(c))));
    flags = select.length;
    select.push(...columns.map((c) => (p.shapeA.values.includes(c) ? `${r.a(c)} IS NOT ${r.b(c)}` : '0')));
  }
  const order = select.length;
  const orderExprs = sideShape.orderKey.map((k) => side(k));
  select.push(...orderExprs);
  let from: string;
  if (kind === 'deleted') from = `${r.tableA} WHERE NOT EXISTS(SELECT 1 FROM ${r.tableB} WHERE ${r.keyMatch})`;
  else if (kind === 'inserted') from = `${r.tableB} WHERE NOT EXISTS(SELECT 1 FROM ${r.tableA} WHERE ${r.keyMatch})`;
  else from = `${r.tableA} JOIN ${r.tableB} ON ${r.keyMatch} WHERE (${r.differs})`;
  const params: SqlValue[] = [];
  if (opts.after && opts.after.length === orderExprs.length) {
    from += ` AND (${orderExprs.join(', ')}) > (${orderExprs.map(() => '?').join(', ')})`;
    params.push(...opts.after);
  }
  let sql = `SELECT ${select.join(', ')} FROM ${from} ORDER BY ${orderExprs.join(', ')}`;
  if (opts.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(opts.limit);
  }
  return { sql, params, layout: { key: 0, values: p.shapeA.keys.length, bValues, flags, order, width: select.length } };
}

/** One page of inserted, deleted or updated rows, with the changed columns of each update named. */
export async function pageRows<K extends RowKind>(
  p: TablePair,
  kind: K,
  opts: { after?: SqlValue[]; limit: number; signal?: AbortSignal },
): Promise<RowPage<K>> {
  const q = diffSetQuery(p, kind, { after: opts.after, limit: opts.limit + 1 });
  const { rows } = await p.engine.query(p.db, q.sql, q.params, { signal: opts.signal });
  const more = rows.length > opts.limit;
  const kept = more ? rows.slice(0, opts.limit) : rows;
  const columns = p.shapeA.columns.map((c) => c.name);
  const { layout } = q;
  const out = kept.map((row): KeyedRow | UpdatedRow => {
    const key = row.slice(layout.key, layout.values);
    if (kind !== 'updated') return { key, values: row.slice(layout.values, layout.values + columns.length) };
    return {
      key,
      a: row.slice(layout.values, layout.bValues),
      b: row.slice(layout.bValues, layout.flags),
      changedColumns: columns.filter((_, i) => num(row[layout.flags + i]) === 1),
    };
  });
  const last = kept[kept.length - 1];
  return {
    rows: out as RowPage<K>['rows'],
    after: more && last ? last.slice(layout.order, layout.width) : undefined,
  };
}

/**
 * For a table sqldiff cannot pair at all (no PRIMARY KEY, and columns named rowid, _rowid_ and oid
 * hide the rowid): rows compared as a multiset of whole rows. A row value present twice in A and
 * once in B is one deleted row; nothing is ever "updated" without a key.
 */
export async function countByAllColumns(
  engine: SqlEngine,
  db: DbHandle,
  bSchema: string,
  table: string,
  columns: string[],
  signal?: AbortSignal,
): Promise<RowCounts> {
  const cols = columns.map((c) => quoteIdent(c)).join(', ');
  const { rows } = await engine.query(
    db,
    `SELECT total(max(ca - cb, 0)), total(max(cb - ca, 0)), total(min(ca, cb)) FROM (` +
      `SELECT sum(s = 0) AS ca, sum(s = 1) AS cb FROM (SELECT 0 AS s, ${cols} FROM ${qualified('main', table)}` +
      ` UNION ALL SELECT 1, ${cols} FROM ${qualified(bSchema, table)}) GROUP BY ${cols})`,
    undefined,
    { signal },
  );
  const [deleted, inserted, unchanged] = rows[0];
  return { inserted: num(inserted), deleted: num(deleted), updated: 0, unchanged: num(unchanged) };
}
