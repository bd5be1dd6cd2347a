/**
 * What a results panel holds: the whole result of one run (one result set, or the container's and
 * the host's side by side), and that result as it is shown and exported, secrets masked. Pure: no
 * VS Code, so the view over it (resultView.ts) is unit-tested.
 */
import type { ExportableResult } from '../../core/queries';
import type { QueryRun } from '../../core/queries';
import type { SideBySide } from '../../core/queries';
import { maskResult, maskSideBySide, type SecretPolicy } from '../../core/secrets';
import type { SqlValue } from '../../core/types';

export interface SingleContent {
  kind: 'single';
  title: string;
  source: string;
  run: QueryRun;
  ms: number;
}

export interface CompareContent {
  kind: 'compare';
  title: string;
  a: { label: string; run: QueryRun };
  b: { label: string; run: QueryRun };
  cmp: SideBySide;
  ms: number;
}

export type ResultsContent = SingleContent | CompareContent;

/** Rows (one result) or pairs (side by side) loaded. */
export function loadedLength(c: ResultsContent): number {
  return c.kind === 'single' ? c.run.result.rows.length : c.cmp.pairs.length;
}

/**
 * A result with its secrets masked. Result columns have no table (ad-hoc SQL), so they are judged
 * by name; a secret column's total is dropped too, as a sum is derived from the values.
 */
export function maskContent(c: ResultsContent, policy: SecretPolicy): ResultsContent {
  const maskRun = (run: QueryRun): QueryRun => ({ ...run, result: maskResult(policy, undefined, run.result) });
  if (c.kind === 'single') return { ...c, run: maskRun(c.run) };
  return { ...c, a: { ...c.a, run: maskRun(c.a.run) }, b: { ...c.b, run: maskRun(c.b.run) }, cmp: maskSideBySide(c.cmp, policy) };
}

/** The result as a table for export: one result set, or both sides in one table with a status column. */
export function exportableContent(c: ResultsContent): ExportableResult {
  if (c.kind === 'single') return c.run.result;
  const { cmp } = c;
  const columns = ['difference', ...cmp.columnsA.map((n) => `${c.a.label}: ${n}`), ...cmp.columnsB.map((n) => `${c.b.label}: ${n}`)];
  const blankA: SqlValue[] = cmp.columnsA.map(() => null);
  const blankB: SqlValue[] = cmp.columnsB.map(() => null);
  const rows = cmp.pairs.map((p) => [p.status as SqlValue, ...(p.a ?? blankA), ...(p.b ?? blankB)]);
  return { columns, rows };
}
