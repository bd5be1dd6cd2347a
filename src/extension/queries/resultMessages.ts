/**
 * One page of a result as the message the results webview draws (resultsProtocol.ts): display
 * cells for the rows (or pairs) on the page, the columns' observed types, which columns hold
 * secrets, and the totals of each side. Pure: the caller says which rows are on the page and
 * whether secrets are revealed.
 */
import { cellText } from '../../core/queries';
import type { QueryRun } from '../../core/queries';
import type { SideTotals } from '../../core/queries';
import { secretColumns, type SecretPolicy } from '../../core/secrets';
import type { SqlValue } from '../../core/types';
import { toCell } from '../tableGrid/cellView';
import type { ResultsContent } from './resultContent';
import type { ResultPage, ResultSort, ResultsHostMessage, SideSummary } from './resultsProtocol';

/** The messages that show a page of a result (not `running` or `error`). */
export type PageMessage = Extract<ResultsHostMessage, { type: 'result' | 'compare' }>;

/** Where the page is in the view, and how the view is made. */
export interface PageView {
  page: ResultPage;
  /** The row (or pair) indexes on the page, in display order. */
  at: number[];
  sort: ResultSort | null;
  onlyDiff: boolean;
  /** The row limit the content was read with. */
  limit: number;
}

/** The session's secret rules (`policy`: which columns are secret, for the badges) and whether values are revealed. */
export interface SecretsShown {
  policy: SecretPolicy;
  revealed: boolean;
}

export function paramsText(run: QueryRun): string {
  return Object.entries(run.params.values)
    .map(([k, v]) => `${k} = ${v === '' ? "''" : cellText(v, 'NULL')}${run.params.sources[k] === 'default' ? ' (default)' : ''}`)
    .join(' · ');
}

/** One page of `c` (the content as shown: masked unless revealed). */
export function pageMessage(c: ResultsContent, view: PageView, secrets: SecretsShown): PageMessage {
  const { page, at, limit } = view;
  if (c.kind === 'single') {
    const r = c.run.result;
    const types = typesOf(r);
    return {
      type: 'result',
      title: c.title,
      source: c.source,
      params: paramsText(c.run),
      notice: c.run.notice,
      columns: r.columns.map((name, i) => ({ name, type: types[i], pk: false, notNull: false })),
      rows: at.map((i) => r.rows[i].map(toCell)),
      ...page,
      sort: view.sort,
      secretColumns: secretColumns(secrets.policy, undefined, r.columns),
      truncated: r.truncated,
      limit,
      ms: c.ms,
      secretsRevealed: secrets.revealed,
    };
  }
  const { cmp } = c;
  const indexInB = cmp.columnsA.map((n, i) => (cmp.columnsA.length === cmp.columnsB.length && cmp.columnsB[i] === n ? i : cmp.columnsB.indexOf(n)));
  const notices = [c.a.run.notice && `${c.a.label}: ${c.a.run.notice}`, c.b.run.notice && `${c.b.label}: ${c.b.run.notice}`].filter(Boolean);
  return {
    type: 'compare',
    title: c.title,
    params: paramsText(c.a.run),
    notice: notices.length ? notices.join(' ') : undefined,
    a: sideSummary(c.a.label, c.a.run, cmp.totals.a, secrets.policy),
    b: sideSummary(c.b.label, c.b.run, cmp.totals.b, secrets.policy),
    pairedBy: cmp.pairedBy,
    counts: cmp.counts,
    pairs: at.map((n) => {
      const p = cmp.pairs[n];
      return { n: n + 1, s: p.status, a: p.a?.map(toCell), b: p.b?.map(toCell), ca: p.changed, cb: p.changed.map((i) => indexInB[i]).filter((j) => j >= 0) };
    }),
    onlyDiff: view.onlyDiff,
    ...page,
    limit,
    ms: c.ms,
    secretsRevealed: secrets.revealed,
  };
}

function sideSummary(label: string, run: QueryRun, totals: SideTotals, policy: SecretPolicy): SideSummary {
  const { columns, truncated } = run.result;
  return {
    label,
    columns,
    types: typesOf(run.result),
    secret: secretColumns(policy, undefined, columns),
    rows: totals.rows,
    truncated,
    sums: totals.sums.map((s) => (s === null ? null : String(s))),
  };
}

/** Observed column types per result, worked out once (a page move must not rescan every row). */
const observed = new WeakMap<object, string[]>();
function typesOf(r: { columns: string[]; rows: SqlValue[][] }): string[] {
  let t = observed.get(r);
  if (!t) observed.set(r, (t = observedTypes(r.rows, r.columns.length)));
  return t;
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
