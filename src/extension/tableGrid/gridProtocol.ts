/**
 * The messages between the table grid webview (media/tableGrid.js) and the extension. The webview
 * is treated as untrusted input: every message from it is validated before use.
 */

/** A value as the grid shows it; the full value stays in the extension. */
export type Cell =
  | { k: 'null' }
  | { k: 'int' | 'real'; v: string }
  /** `more`: characters cut from the display; `json`: the full text parses as a JSON object or array. */
  | { k: 'text'; v: string; more: number; json: boolean }
  /** sizeLabel: formatByteSize(size), so that the webviews write a size as the rest of the tool does. */
  | { k: 'blob'; size: number; sizeLabel: string; head: string };

export interface GridColumn {
  name: string;
  type: string;
  pk: boolean;
  notNull: boolean;
}

export type HostMessage =
  | { type: 'loading'; title: string }
  | {
      type: 'page';
      title: string;
      source: string;
      columns: GridColumn[];
      rows: Cell[][];
      /** 0-based position of the first row. */
      offset: number;
      total: number;
      hasPrev: boolean;
      hasNext: boolean;
      ms: number;
      /** Per column: holds secrets (masked unless revealed). */
      secretColumns: boolean[];
      /** Secret values are shown as they are (the session's Reveal Secret Values). */
      secretsRevealed: boolean;
    }
  | { type: 'detail'; row: number; col: number; text: string; more: number; json: boolean; pretty: boolean }
  | { type: 'error'; message: string };

export type PageMove = 'first' | 'prev' | 'next' | 'last' | 'reload';

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'page'; move: PageMove }
  | { type: 'copyCell'; row: number; col: number }
  | { type: 'copyRow'; row: number }
  | { type: 'openValue'; row: number; col: number }
  | { type: 'detail'; row: number; col: number; pretty: boolean }
  /** The toolbar's Reveal / Hide button: runs the command, which applies to every panel. */
  | { type: 'secrets'; reveal: boolean };

const MOVES: readonly string[] = ['first', 'prev', 'next', 'last', 'reload'];

export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  const idx = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1_000_000;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'page':
      return typeof m.move === 'string' && MOVES.includes(m.move) ? { type: 'page', move: m.move as PageMove } : undefined;
    case 'copyCell':
    case 'openValue':
      return idx(m.row) && idx(m.col) ? { type: m.type, row: m.row, col: m.col } : undefined;
    case 'copyRow':
      return idx(m.row) ? { type: 'copyRow', row: m.row } : undefined;
    case 'secrets':
      return typeof m.reveal === 'boolean' ? { type: 'secrets', reveal: m.reveal } : undefined;
    case 'detail':
      return idx(m.row) && idx(m.col) && typeof m.pretty === 'boolean' ? { type: 'detail', row: m.row, col: m.col, pretty: m.pretty } : undefined;
    default:
      return undefined;
  }
}
