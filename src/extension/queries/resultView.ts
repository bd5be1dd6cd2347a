/**
 * What a results panel shows of the result it holds: the view (sorted by one column for one
 * result, only the differing pairs side by side, the page) and the caches that keep a page move
 * cheap (the content masked, its display order). The order is SQLite's order of values, so clicking
 * a header orders the loaded rows as `ORDER BY col` would (ties keep the order the query returned).
 * Pure, no VS Code: the panel (resultsPanel.ts) runs the job and posts what this returns.
 */
import type { ExportableResult } from '../../core/queries';
import type { SecretPolicy } from '../../core/secrets';
import type { SqlValue } from '../../core/types';
import type { PageMove } from '../tableGrid/gridProtocol';
import { exportableContent, loadedLength, maskContent, type ResultsContent } from './resultContent';
import { pageMessage, type PageMessage } from './resultMessages';
import type { ResultSort } from './resultsProtocol';

/** The session's secret switch, as secretReveal (extension/secretReveal.ts) offers it. */
export interface SecretSwitch {
  /** The policy to mask with, or undefined while secrets are revealed. */
  masking(): SecretPolicy | undefined;
  /** The rules that say which columns hold secrets (their badges), revealed or not. */
  policy(): SecretPolicy;
  readonly revealed: boolean;
}

/**
 * Where the view lands when new content arrives: `first` (a new run: as returned, first page),
 * `kept` (Run again: same sort and page, the page clamped), `more` (Load more: the first new row,
 * unless sorted or filtered).
 */
export type Landing = { kind: 'first' } | { kind: 'kept' } | { kind: 'more'; loadedBefore: number };

export class ResultView {
  /** What the query returned, secrets included; `shown()` is what is shown and exported. */
  private held: ResultsContent | undefined;
  /** The row limit the content was read with. */
  private readLimit = 0;
  private sort: ResultSort | null = null;
  private onlyDiff = false;
  private offset = 0;
  private masked: { from: ResultsContent; policy: SecretPolicy; value: ResultsContent } | undefined;
  /** Display order of the content shown (row or pair indexes), for the sort and filter it was made with. */
  private ordered: { from: ResultsContent; sort: ResultSort | null; onlyDiff: boolean; order: number[] } | undefined;

  /** `pageSize`: rows per page (containerDb.pageSize), read at every page. */
  constructor(
    private readonly secrets: SecretSwitch,
    private readonly pageSize: () => number,
  ) {}

  get content(): ResultsContent | undefined {
    return this.held;
  }

  get limit(): number {
    return this.readLimit;
  }

  /** Rows (or pairs) loaded. */
  get loaded(): number {
    return this.held ? loadedLength(this.held) : 0;
  }

  /** New content, read with `limit`; returns its page where `landing` puts the view. */
  load(content: ResultsContent, limit: number, landing: Landing): PageMessage {
    this.readLimit = limit;
    const sameKind = this.held?.kind === content.kind;
    this.held = content;
    if (!sameKind || landing.kind === 'first') (this.sort = null), (this.offset = 0);
    if (landing.kind === 'more' && !this.sort && !this.onlyDiff && loadedLength(content) > landing.loadedBefore) this.offset = landing.loadedBefore;
    if (this.sort && (content.kind !== 'single' || this.sort.col >= content.run.result.columns.length)) this.sort = null;
    return this.message()!;
  }

  /** The run failed: nothing is shown; the sort, filter and page stay for the next run. */
  clear(): void {
    this.held = undefined;
  }

  /** Moves to another page; undefined (nothing changes) while there is no content. */
  page(move: PageMove): PageMessage | undefined {
    const c = this.shown();
    if (!c) return undefined;
    this.offset = pageOffset(this.offset, this.orderOf(c).length, this.pageSize(), move);
    return this.message();
  }

  /** Orders the whole loaded result by a column (null: as returned), from the first page; one result only. */
  sortBy(sort: ResultSort | null): PageMessage | undefined {
    const c = this.shown();
    if (!c || c.kind !== 'single') return undefined;
    this.sort = sort && sort.col < c.run.result.columns.length ? { col: sort.col, dir: sort.dir } : null;
    this.offset = 0;
    return this.message();
  }

  /** Side by side: only the pairs that differ (or all), from the first page; kept for the next content. */
  filterPairs(onlyDiff: boolean): PageMessage | undefined {
    this.onlyDiff = onlyDiff;
    this.offset = 0;
    return this.held ? this.message() : undefined;
  }

  /** The current page of the content as shown (masked unless revealed), the offset clamped to it. */
  message(): PageMessage | undefined {
    const c = this.shown();
    if (!c) return undefined;
    const order = this.orderOf(c);
    const size = this.pageSize();
    this.offset = pageOffset(this.offset, order.length, size, 'reload');
    const at = order.slice(this.offset, this.offset + size);
    const page = { offset: this.offset, total: order.length, pageSize: size, hasPrev: this.offset > 0, hasNext: this.offset + at.length < order.length };
    return pageMessage(c, { page, at, sort: this.sort, onlyDiff: this.onlyDiff, limit: this.readLimit }, { policy: this.secrets.policy(), revealed: this.secrets.revealed });
  }

  /** The content as shown and exported: secrets masked unless revealed for the session. */
  shown(): ResultsContent | undefined {
    const c = this.held;
    const policy = this.secrets.masking();
    if (!c || !policy) return c;
    if (this.masked?.from !== c || this.masked.policy !== policy) this.masked = { from: c, policy, value: maskContent(c, policy) };
    return this.masked.value;
  }

  /** The content as shown, as a table for export. */
  exportable(): ExportableResult | undefined {
    const c = this.shown();
    return c && exportableContent(c);
  }

  /** A cell as shown, by its position in the view (as the webview addresses it). */
  value(position: number, col: number, side: 'a' | 'b'): SqlValue | undefined {
    const c = this.shown();
    if (!c) return undefined;
    const i = this.orderOf(c)[position];
    if (i === undefined) return undefined;
    const r = c.kind === 'single' ? c.run.result.rows[i] : c.cmp.pairs[i]?.[side];
    return r && col < r.length ? r[col] : undefined;
  }

  /** Row (or pair) indexes of `c` in display order: sorted by the chosen column, or the differing pairs only. */
  private orderOf(c: ResultsContent): number[] {
    const o = this.ordered;
    if (o && o.from === c && o.sort === this.sort && o.onlyDiff === this.onlyDiff) return o.order;
    const order =
      c.kind === 'single'
        ? sortedOrder(c.run.result.rows, this.sort)
        : c.cmp.pairs.flatMap((p, i) => (this.onlyDiff && p.status === 'same' ? [] : [i]));
    this.ordered = { from: c, sort: this.sort, onlyDiff: this.onlyDiff, order };
    return order;
  }
}

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
