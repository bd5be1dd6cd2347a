/**
 * What a results panel shows of a result it holds: the rows in the order the user sorted them,
 * then one page of that order. The order is SQLite's order of values, so clicking a header orders
 * the loaded rows as `ORDER BY col` would (ties keep the order the query returned). Pure functions;
 * the panel keeps the state.
 */
import type { SqlValue } from '../../core/types';
import type { PageMove } from '../tableGrid/gridProtocol';
import type { ResultSort } from './resultsProtocol';

/** SQLite's storage classes in its sort order: NULL, then numbers, then text, then BLOB. */
function rank(v: SqlValue): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // An integer beyond 2^53 against a whole double: compare exactly as integers.
  if (typeof a === 'bigint' && Number.isInteger(b)) return compareNumbers(a, BigInt(b));
  if (typeof b === 'bigint' && Number.isInteger(a)) return compareNumbers(BigInt(a), b);
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * SQLite's BINARY collation compares UTF-8 bytes, i.e. code points; JavaScript's `<` compares
 * UTF-16 units, which puts U+E000–U+FFFF after the surrogates of U+10000 and above. Remapped so
 * surrogates sort last, as their code points do.
 */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.byteLength - b.byteLength;
}

/** Two values in SQLite's ORDER BY order (BINARY collation). */
export function compareSqlValues(a: SqlValue, b: SqlValue): number {
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  switch (rank(a)) {
    case 1:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 2:
      return compareText(a as string, b as string);
    case 3:
      return compareBytes(a as Uint8Array, b as Uint8Array);
    default:
      return 0;
  }
}

/** Row indexes in display order: as returned, or sorted by one column (stable: ties keep the returned order). */
export function sortedOrder(rows: readonly SqlValue[][], sort: ResultSort | null): number[] {
  const order = rows.map((_, i) => i);
  if (!sort) return order;
  const { col, dir } = sort;
  return order.sort((i, j) => dir * compareSqlValues(rows[i][col], rows[j][col]) || i - j);
}

/** The offset of the page a move lands on; pages are `pageSize` rows, Last shows the final `pageSize` rows (as the table grid does). */
export function pageOffset(offset: number, total: number, pageSize: number, move: PageMove): number {
  const lastStart = Math.max(0, total - pageSize);
  switch (move) {
    case 'first':
      return 0;
    case 'prev':
      return Math.max(0, offset - pageSize);
    case 'next':
      return offset + pageSize < total ? offset + pageSize : Math.min(offset, lastStart);
    case 'last':
      return lastStart;
    default:
      return offset < total ? offset : lastStart;
  }
}

const CLASS_NAMES = ['NULL', 'INTEGER', 'REAL', 'TEXT', 'BLOB'] as const;

function storageClass(v: SqlValue): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'bigint') return 1;
  if (typeof v === 'number') return Number.isInteger(v) ? 1 : 2;
  if (typeof v === 'string') return 3;
  return 4;
}

/**
 * Per column, the storage classes its values have ("INTEGER", "TEXT", "INTEGER/REAL"): a result
 * column has no declared type, so the header shows what the values are. NULL only when nothing else is.
 */
export function observedTypes(rows: readonly (readonly SqlValue[])[], columns: number): string[] {
  const seen = Array.from({ length: columns }, () => 0);
  for (const row of rows) for (let c = 0; c < columns; c++) seen[c] |= 1 << storageClass(row[c]);
  return seen.map((bits) => {
    const names = CLASS_NAMES.filter((_, k) => k > 0 && bits & (1 << k));
    return names.length ? names.join('/') : bits ? 'NULL' : '';
  });
}
