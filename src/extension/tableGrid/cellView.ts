/** How values read from a database are shown, copied and opened: pure functions, no VS Code. */
import { formatByteSize } from '../../core/byteSize';
import type { SqlValue } from '../../core/types';
import type { Cell } from './gridProtocol';

/** Characters of text shown in a grid cell; the rest is reachable through the detail pane. */
export const CELL_TEXT_LIMIT = 200;
/** Characters sent to the detail pane; beyond that, Open in Editor shows everything. */
export const DETAIL_TEXT_LIMIT = 100_000;
const JSON_SNIFF_LIMIT = 4 * 1024 * 1024;

export function toCell(v: SqlValue): Cell {
  if (v === null || v === undefined) return { k: 'null' };
  if (typeof v === 'bigint') return { k: 'int', v: v.toString() };
  if (typeof v === 'number') return { k: Number.isInteger(v) ? 'int' : 'real', v: String(v) };
  if (v instanceof Uint8Array) return { k: 'blob', size: v.byteLength, sizeLabel: formatByteSize(v.byteLength), head: hex(v.subarray(0, 16)) };
  const text = String(v);
  const shown = text.length > CELL_TEXT_LIMIT ? text.slice(0, CELL_TEXT_LIMIT) : text;
  return { k: 'text', v: shown, more: text.length - shown.length, json: looksLikeJson(text) };
}

/** The whole value as text: what Copy Cell puts on the clipboard and Open in Editor shows. */
export function fullText(v: SqlValue): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Uint8Array) return hexDump(v);
  return String(v);
}

/** A row as a JSON object: BLOBs as base64, integers beyond 2^53 as strings (JSON numbers would round them). */
export function rowAsJson(columns: string[], row: SqlValue[]): string {
  const obj: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    const v = row[i];
    obj[c] = typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? { base64: Buffer.from(v).toString('base64') } : v;
  });
  return JSON.stringify(obj, null, 2);
}

export function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  if (!(t.startsWith('{') || t.startsWith('[')) || text.length > JSON_SNIFF_LIMIT) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON text indented, or the text unchanged when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `hexdump -C` style: offset, 16 bytes, printable ASCII. */
export function hexDump(bytes: Uint8Array, limit = 1024 * 1024): string {
  const lines: string[] = [];
  const n = Math.min(bytes.byteLength, limit);
  for (let off = 0; off < n; off += 16) {
    const chunk = bytes.subarray(off, Math.min(off + 16, n));
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex(chunk, ' ').padEnd(47)}  |${ascii}|`);
  }
  if (bytes.byteLength > n) lines.push(`… ${bytes.byteLength - n} more bytes`);
  return lines.join('\n');
}

function hex(bytes: Uint8Array, sep = ''): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(sep);
}
