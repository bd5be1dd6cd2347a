/**
 * Schema comparison: every table, index, view and trigger with a CREATE statement (automatic
 * indexes have none: they follow from their table's definition), paired by kind and name (ASCII
 * case ignored, as SQLite does), compared by normalised SQL (normalizeSql).
 */
import type { DbHandle, SqlEngine } from '../sqlEngine';
import { qualified } from '../sqlite';
import { normalizeSql } from './normalizeSql';
import { foldAscii } from './tableShape';
import type { ColumnChanges, SchemaChange, SchemaKind } from './types';

export interface SchemaEntry {
  kind: SchemaKind;
  name: string;
  table: string;
  sql: string;
}

const KIND_ORDER: SchemaKind[] = ['table', 'index', 'view', 'trigger'];

export async function readSchemaEntries(engine: SqlEngine, db: DbHandle, schemaName: string, signal?: AbortSignal): Promise<SchemaEntry[]> {
  const { rows } = await engine.query(
    db,
    `SELECT type, name, tbl_name, sql FROM ${qualified(schemaName, 'sqlite_schema')} WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view', 'trigger')`,
    undefined,
    { signal },
  );
  return rows.map((r) => ({ kind: String(r[0]) as SchemaKind, name: String(r[1]), table: String(r[2]), sql: String(r[3]) }));
}

const entryKey = (e: { kind: SchemaKind; name: string }): string => `${e.kind}\u0000${foldAscii(e.name)}`;

/** Changes from A's entries to B's, ordered by kind (tables first), then name. */
export function compareSchemas(a: SchemaEntry[], b: SchemaEntry[]): SchemaChange[] {
  const inB = new Map(b.map((e) => [entryKey(e), e]));
  const inA = new Map(a.map((e) => [entryKey(e), e]));
  const changes: SchemaChange[] = [];
  for (const ea of a) {
    const eb = inB.get(entryKey(ea));
    if (!eb) changes.push({ kind: ea.kind, name: ea.name, change: 'only-in-a', a: ea.sql });
    else if (normalizeSql(ea.sql) !== normalizeSql(eb.sql)) changes.push({ kind: ea.kind, name: ea.name, change: 'changed', a: ea.sql, b: eb.sql });
  }
  for (const eb of b) if (!inA.has(entryKey(eb))) changes.push({ kind: eb.kind, name: eb.name, change: 'only-in-b', b: eb.sql });
  return changes.sort((x, y) => KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** Columns added, removed, retyped (declared type, case ignored), by name (ASCII case ignored). */
export function columnChanges(a: { name: string; type: string }[], b: { name: string; type: string }[]): ColumnChanges {
  const byName = (cols: { name: string; type: string }[]) => new Map(cols.map((c) => [foldAscii(c.name), c]));
  const ma = byName(a);
  const mb = byName(b);
  return {
    added: b.filter((c) => !ma.has(foldAscii(c.name))).map((c) => c.name),
    removed: a.filter((c) => !mb.has(foldAscii(c.name))).map((c) => c.name),
    retyped: a.flatMap((c) => {
      const other = mb.get(foldAscii(c.name));
      return other && other.type.toUpperCase() !== c.type.toUpperCase() ? [{ name: c.name, a: c.type, b: other.type }] : [];
    }),
  };
}
