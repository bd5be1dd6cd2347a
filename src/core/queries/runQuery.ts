/**
 * Running a quick query or a statement someone typed: parameters resolved (defaults from the
 * injected clock), writes refused with a message naming the statement, the tables a quick query
 * needs checked first, and its precondition turned into a notice instead of a silent empty table.
 */
import { CdbError } from '../errors';
import { readSchema } from '../sqlEngine';
import type { DbHandle, SqlEngine } from '../sqlEngine';
import type { QueryResult, SchemaInfo, SqlValue } from '../types';
import { paramNames, resolveParams, type ResolvedParams } from './params';
import { missingTables, tableNames, type QuickQuery } from './quickQuery';
import { assertReadOnly } from './readOnlyGuard';

export interface RunOptions {
  /** The clock for date defaults; default: now. */
  now?: Date;
  signal?: AbortSignal;
  maxRows?: number;
  /** A schema already read (row counts not needed); read here when absent. */
  schema?: SchemaInfo;
}

export interface QueryRun {
  /** The SQL that ran (for a schema-built query, the built text). */
  sql: string;
  params: ResolvedParams;
  result: QueryResult;
  /** Why the result is empty, when a precondition says so (e.g. no active organization). */
  notice?: string;
}

function only(values: Record<string, SqlValue>, names: string[]): Record<string, SqlValue> {
  return Object.fromEntries(names.filter((n) => n in values).map((n) => [n, values[n]]));
}

/** Ad-hoc SQL: every named parameter must be given (`given`: name → text). */
export async function runSql(engine: SqlEngine, db: DbHandle, sql: string, given: Record<string, string>, opts: RunOptions = {}): Promise<QueryRun> {
  const params = resolveParams(sql, [], given, { now: opts.now ?? new Date() });
  assertReadOnly(sql);
  const result = await engine.query(db, sql, params.values, { signal: opts.signal, maxRows: opts.maxRows });
  return { sql, params, result };
}

/** The SQL a quick query runs on this schema. Throws QUERY_ERROR when a table it needs is missing. */
export function quickQuerySql(query: QuickQuery, schema: SchemaInfo): string {
  const missing = missingTables(query, tableNames(schema));
  if (missing.length > 0) {
    throw new CdbError(
      'QUERY_ERROR',
      `Quick query '${query.id}' needs the table(s) ${missing.map((t) => `'${t}'`).join(', ')}, which this database does not have: is it the right database?`,
    );
  }
  return typeof query.sql === 'function' ? query.sql(schema) : query.sql;
}

export async function runQuickQuery(engine: SqlEngine, db: DbHandle, query: QuickQuery, given: Record<string, string>, opts: RunOptions = {}): Promise<QueryRun> {
  const schema = opts.schema ?? (await readSchema(engine, db, { countRows: false, signal: opts.signal }));
  const sql = quickQuerySql(query, schema);
  const params = resolveParams(sql, query.params, given, { now: opts.now ?? new Date() });
  assertReadOnly(sql);
  let notice: string | undefined;
  if (query.precondition) {
    const pre = query.precondition;
    const check = await engine.query(db, pre.sql, only(params.values, paramNames(pre.sql)), { signal: opts.signal, maxRows: 1 });
    if (check.rows.length === 0) notice = pre.message;
  }
  const result = await engine.query(db, sql, params.values, { signal: opts.signal, maxRows: opts.maxRows });
  return { sql, params, result, notice };
}
