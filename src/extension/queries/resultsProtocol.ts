/**
 * Messages between the results webview (media/results.js) and the extension. Cells are the table
 * grid's display cells (tableGrid/cellView); full values stay in the extension. Every message from
 * the webview is validated before use.
 */
import { exportFormats, type ExportFormat } from '../../core/queries/export';
import type { PairStatus } from '../../core/queries/sideBySide';
import type { Cell } from '../tableGrid/gridProtocol';

export interface SideSummary {
  label: string;
  columns: string[];
  rows: number;
  truncated: boolean;
  /** Per column: the total as exact text, or null for a column that is not all numbers (or is the pairing key). */
  sums: (string | null)[];
}

export interface ComparedRow {
  s: PairStatus;
  a?: Cell[];
  b?: Cell[];
  /** Column indexes that differ, on each side. */
  ca: number[];
  cb: number[];
}

export type ResultsHostMessage =
  | { type: 'running'; title: string; source: string }
  | {
      type: 'result';
      title: string;
      source: string;
      /** "from = 2025-07-01 (default) · to = …" */
      params: string;
      notice?: string;
      columns: string[];
      rows: Cell[][];
      truncated: boolean;
      /** The row limit this run used. */
      limit: number;
      ms: number;
      /** Secret values are shown as they are (Reveal Secret Values); otherwise they are masked. */
      secretsRevealed: boolean;
    }
  | {
      type: 'compare';
      title: string;
      params: string;
      notice?: string;
      a: SideSummary;
      b: SideSummary;
      pairedBy: 'firstColumn' | 'position';
      counts: Record<PairStatus, number>;
      pairs: ComparedRow[];
      limit: number;
      ms: number;
      /** Secret values are shown as they are (Reveal Secret Values); otherwise they are masked. */
      secretsRevealed: boolean;
    }
  | { type: 'error'; title: string; source: string; message: string };

export type ResultsWebviewMessage =
  | { type: 'ready' }
  | { type: 'loadMore' }
  | { type: 'rerun' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'secrets'; reveal: boolean }
  | { type: 'copyCell'; row: number; col: number; side: 'a' | 'b' }
  | { type: 'openValue'; row: number; col: number; side: 'a' | 'b' };

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
    case 'copyCell':
    case 'openValue':
      return idx(m.row) && idx(m.col) && (m.side === 'a' || m.side === 'b') ? { type: m.type, row: m.row, col: m.col, side: m.side } : undefined;
    default:
      return undefined;
  }
}
