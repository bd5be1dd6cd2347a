/**
 * The messages between the compare webview (media/compare.js) and the extension. Messages from
 * the webview are untrusted input: each is validated before use.
 */
import type { Cell } from '../tableGrid/gridProtocol';
import type { Explanation } from './explanation';

export type CompareKind = 'deleted' | 'inserted' | 'updated';

export interface TableSummary {
  name: string;
  status: string;
  badge: string;
}

/** One row pair: the host's values on the left, the container's on the right (null: absent). */
export interface CompareRow {
  key: string;
  left: Cell[] | null;
  right: Cell[] | null;
  /** Indexes (into columns) of the cells that differ. */
  changed: number[];
}

/**
 * The words of a view built on this page: the compare view's own (host / container) when absent;
 * the change view (changes/) says previous pull / this pull.
 */
export interface SideWords {
  /** The tab labels of the three kinds. */
  tabs: Record<CompareKind, string>;
  /** The placeholder of a row absent on the left, and on the right. */
  absentLeft: string;
  absentRight: string;
}

export type HostMessage =
  | {
      type: 'init';
      table: string;
      explanation: Explanation;
      hostLabel: string;
      containerLabel: string;
      tables: TableSummary[];
      matched: string;
      columns: string[];
      /** The columns rows are paired by (`rowid` when none is declared). */
      keyColumns: string[];
      counts: { inserted: number; deleted: number; updated: number; unchanged: number };
      /** False when the rows of this table were not paired (one side only, incompatible columns). */
      rowsCompared: boolean;
      kind: CompareKind;
      words?: SideWords;
    }
  | { type: 'rows'; kind: CompareKind; page: number; pageSize: number; total: number; rows: CompareRow[]; hasPrev: boolean; hasNext: boolean }
  /** `stale`: the comparison shown is gone (no host database any more, the table dropped): hide it. */
  | { type: 'error'; message: string; stale?: boolean };

export type WebviewMessage = { type: 'ready' } | { type: 'kind'; kind: CompareKind } | { type: 'page'; move: 'first' | 'prev' | 'next' } | { type: 'table'; name: string };

const KINDS: readonly string[] = ['deleted', 'inserted', 'updated'];

export function parseCompareMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'kind':
      return typeof m.kind === 'string' && KINDS.includes(m.kind) ? { type: 'kind', kind: m.kind as CompareKind } : undefined;
    case 'page':
      return m.move === 'first' || m.move === 'prev' || m.move === 'next' ? { type: 'page', move: m.move } : undefined;
    case 'table':
      return typeof m.name === 'string' && m.name.length < 10000 ? { type: 'table', name: m.name } : undefined;
    default:
      return undefined;
  }
}
