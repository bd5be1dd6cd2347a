/**
 * Two results of the same query (container snapshot and host file) paired row by row, so that
 * "the UI shows zero but my database says 120" is one marked row.
 *
 * Pairing: by the first column when both sides have the same columns and that column's values are
 * unique and non-NULL on each side (a GROUP BY key, a user id); otherwise by position. Rows of
 * A keep A's order; rows only in B follow in B's order. Cells compare by type and value
 * (1 and 1.0 are equal, as in SQLite; '1' and 1 are not).
 */
import type { QueryResult, SqlValue } from '../types';

export type PairStatus = 'same' | 'changed' | 'onlyA' | 'onlyB';

export interface RowPair {
  status: PairStatus;
  a?: SqlValue[];
  b?: SqlValue[];
  /** Indexes (in A's columns) of the cells that differ; for 'changed' rows. */
  changed: number[];
}

export interface SideTotals {
  rows: number;
  /** Per column: the sum when every non-NULL value is a number, else null. The pairing key is not summed. */
  sums: (number | bigint | null)[];
}

export interface SideBySide {
  columnsA: string[];
  columnsB: string[];
  /** How rows were paired. */
  pairedBy: 'firstColumn' | 'position';
  pairs: RowPair[];
  totals: { a: SideTotals; b: SideTotals };
  counts: Record<PairStatus, number>;
}

function keyOf(v: SqlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return `n:${typeof v === 'number' && !Number.isInteger(v) ? String(v) : BigInt(v).toString()}`;
  if (v instanceof Uint8Array) return `b:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  return `s:${v}`;
}

export function sameValue(x: SqlValue, y: SqlValue): boolean {
  return keyOf(x) === keyOf(y);
}

function uniqueFirstColumn(r: QueryResult): boolean {
  if (r.columns.length === 0) return false;
  const seen = new Set<string>();
  for (const row of r.rows) {
    if (row[0] === null) return false;
    const k = keyOf(row[0]);
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

function totals(r: QueryResult, skip: number): SideTotals {
  const sums = r.columns.map((_, i) => {
    if (i === skip) return null;
    let anyValue = false;
    let intSum = 0n;
    let floatSum = 0;
    let isFloat = false;
    for (const row of r.rows) {
      const v = row[i];
      if (v === null) continue;
      if (typeof v === 'bigint') intSum += v;
      else if (typeof v === 'number') {
        if (Number.isInteger(v) && !isFloat) intSum += BigInt(v);
        else {
          isFloat = true;
          floatSum += v;
        }
      } else return null;
      anyValue = true;
    }
    if (!anyValue) return null;
    if (isFloat) return floatSum + Number(intSum);
    return intSum >= BigInt(Number.MIN_SAFE_INTEGER) && intSum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(intSum) : intSum;
  });
  return { rows: r.rows.length, sums };
}

function diffCells(a: SqlValue[], b: SqlValue[], columnsA: string[], columnsB: string[]): number[] {
  const changed: number[] = [];
  columnsA.forEach((name, i) => {
    const j = columnsA.length === columnsB.length && columnsA.every((c, k) => c === columnsB[k]) ? i : columnsB.indexOf(name);
    if (j < 0) return;
    if (!sameValue(a[i], b[j])) changed.push(i);
  });
  return changed;
}

export function compareResults(a: QueryResult, b: QueryResult): SideBySide {
  const sameColumns = a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]);
  const byKey = sameColumns && uniqueFirstColumn(a) && uniqueFirstColumn(b);
  const pairs: RowPair[] = [];
  const pair = (ra?: SqlValue[], rb?: SqlValue[]) => {
    if (ra && rb) {
      const changed = diffCells(ra, rb, a.columns, b.columns);
      pairs.push({ status: changed.length ? 'changed' : 'same', a: ra, b: rb, changed });
    } else pairs.push({ status: ra ? 'onlyA' : 'onlyB', a: ra, b: rb, changed: [] });
  };
  if (byKey) {
    const inB = new Map(b.rows.map((r) => [keyOf(r[0]), r]));
    const used = new Set<string>();
    for (const ra of a.rows) {
      const k = keyOf(ra[0]);
      used.add(k);
      pair(ra, inB.get(k));
    }
    for (const rb of b.rows) if (!used.has(keyOf(rb[0]))) pair(undefined, rb);
  } else {
    for (let i = 0; i < Math.max(a.rows.length, b.rows.length); i++) pair(a.rows[i], b.rows[i]);
  }
  const counts: Record<PairStatus, number> = { same: 0, changed: 0, onlyA: 0, onlyB: 0 };
  for (const p of pairs) counts[p.status]++;
  const skip = byKey ? 0 : -1;
  return { columnsA: a.columns, columnsB: b.columns, pairedBy: byKey ? 'firstColumn' : 'position', pairs, totals: { a: totals(a, skip), b: totals(b, skip) }, counts };
}
