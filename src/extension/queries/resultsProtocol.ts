/**
 * Messages between the results webview (media/results.js, drawn with media/gridCore.js) and the
 * extension. Cells are the table grid's display cells (tableGrid/cellView); full values stay in
 * the extension, and so does the whole result: the webview gets one page at a time. Every message
 * from the webview is validated before use.
 */
import { exportFormats, type ExportFormat } from '../../core/queries';
import type { PairStatus } from '../../core/queries';
import type { Cell, GridColumn, PageMove } from '../tableGrid/gridProtocol';

/** The loaded rows ordered by one column: 1 ascending, -1 descending (SQLite's order of values). */
export interface ResultSort {
  col: number;
  dir: 1 | -1;
}

/** Where the page shown sits in the whole loaded result (sorted, or the pairs the filter keeps). */
export interface ResultPage {
  /** 0-based position of the first row shown. */
  offset: number;
  /** Rows (or pairs) in the view: rows 101–200 of `total`. */
  total: number;
  pageSize: number;
  hasPrev: boolean;
  hasNext: boolean;
}

export interface SideSummary {
  label: string;
  columns: string[];
  /** Per column: the storage classes its values have (a result column has no declared type). */
  types: string[];
  /** Per column: holds secrets (masked unless revealed). */
  secret: boolean[];
  rows: number;
  truncated: boolean;
  /** Per column: the total as exact text, or null for a column that is not all numbers (or is the pairing key). */
  sums: (string | null)[];
}

export interface ComparedRow {
  /** 1-based position of the pair in the whole comparison (the filter leaves gaps). */
  n: number;
  s: PairStatus;
  a?: Cell[];
  b?: Cell[];
  /** Column indexes that differ, on each side. */
  ca: number[];
  cb: number[];
}

export type ResultsHostMessage =
  | { type: 'running'; title: string; source: string }
  | ({
      type: 'result';
      title: string;
      source: string;
      /** "from = 2025-07-01 (default) · to = …" */
      params: string;
      notice?: string;
      /** Name and the observed storage classes as `type` (pk / notNull are always false here). */
      columns: GridColumn[];
      /** This page's rows. */
      rows: Cell[][];
      sort: ResultSort | null;
      /** Per column: holds secrets (judged by name: a result column has no table). */
      secretColumns: boolean[];
      truncated: boolean;
      /** The row limit this run used. */
      limit: number;
      ms: number;
      /** Secret values are shown as they are (Reveal Secret Values); otherwise they are masked. */
      secretsRevealed: boolean;
    } & ResultPage)
  | ({
      type: 'compare';
      title: string;
      params: string;
      notice?: string;
      a: SideSummary;
      b: SideSummary;
      pairedBy: 'firstColumn' | 'position';
      counts: Record<PairStatus, number>;
      /** This page's pairs. */
      pairs: ComparedRow[];
      /** Only the pairs that differ are in the view. */
      onlyDiff: boolean;
      limit: number;
      ms: number;
      /** Secret values are shown as they are (Reveal Secret Values); otherwise they are masked. */
      secretsRevealed: boolean;
    } & ResultPage)
  | { type: 'error'; title: string; source: string; message: string };

export type ResultsWebviewMessage =
  | { type: 'ready' }
  | { type: 'loadMore' }
  | { type: 'rerun' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'secrets'; reveal: boolean }
  | { type: 'page'; move: PageMove }
  | { type: 'sort'; sort: ResultSort | null }
  | { type: 'filter'; onlyDiff: boolean }
  /** `row`: the position in the view (page offset + row on the page). */
  | { type: 'copyCell'; row: number; col: number; side: 'a' | 'b' }
  | { type: 'openValue'; row: number; col: number; side: 'a' | 'b' };

const MOVES: readonly string[] = ['first', 'prev', 'next', 'last', 'reload'];

export function parseResultsMessage(raw: unknown): ResultsWebviewMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  const idx = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 10_000_000;
  switch (m.type) {
    case 'ready':
    case 'loadMore':
    case 'rerun':
      return { type: m.type };
    case 'export':
      return exportFormats.includes(m.format as ExportFormat) ? { type: 'export', format: m.format as ExportFormat } : undefined;
    case 'secrets':
      return typeof m.reveal === 'boolean' ? { type: 'secrets', reveal: m.reveal } : undefined;
    case 'page':
      return typeof m.move === 'string' && MOVES.includes(m.move) ? { type: 'page', move: m.move as PageMove } : undefined;
    case 'sort': {
      if (m.sort === null) return { type: 'sort', sort: null };
      const s = m.sort as Record<string, unknown> | undefined;
      return s && typeof s === 'object' && idx(s.col) && (s.dir === 1 || s.dir === -1) ? { type: 'sort', sort: { col: s.col, dir: s.dir } } : undefined;
    }
    case 'filter':
      return typeof m.onlyDiff === 'boolean' ? { type: 'filter', onlyDiff: m.onlyDiff } : undefined;
    case 'copyCell':
    case 'openValue':
      return idx(m.row) && idx(m.col) && (m.side === 'a' || m.side === 'b') ? { type: m.type, row: m.row, col: m.col, side: m.side } : undefined;
    default:
      return undefined;
  }
}
