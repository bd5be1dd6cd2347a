/**
 * A result as CSV (RFC 4180), JSON or a Markdown table. Rendering rules, the same everywhere:
 * - NULL: an empty CSV field (as `sqlite3 -csv` writes it), JSON null, `NULL` in Markdown;
 * - integers beyond 2^53 (bigint): their exact decimal digits, also in JSON (a bare number literal,
 *   like `sqlite3 -json`: JSON has no precision limit, only JavaScript's parser has);
 * - REAL: the shortest text that reads back as the same double;
 * - BLOB: the SQL literal X'…' in hex, which pastes back into SQL and is never mistaken for text
 *   that happens to look like hex (Markdown shortens long blobs; CSV and JSON never do).
 */
import type { QueryResult, SqlValue } from '../types';

export type ExportFormat = 'csv' | 'json' | 'markdown';

export const exportFormats: ExportFormat[] = ['csv', 'json', 'markdown'];

export type ExportableResult = Pick<QueryResult, 'columns' | 'rows'>;

export function blobLiteral(bytes: Uint8Array, maxBytes = Infinity): string {
  const shown = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const hex = Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString('hex').toUpperCase();
  return bytes.length > maxBytes ? `X'${hex}…' (${bytes.length} bytes)` : `X'${hex}'`;
}

function numberText(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '0' : String(n);
  // SQLite stores ±Inf (from 1e999) and prints it the way it reads back.
  return n > 0 ? '1e999' : '-1e999';
}

/** A cell as text; `nullText` is what NULL becomes. */
export function cellText(v: SqlValue, nullText = ''): string {
  if (v === null) return nullText;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return blobLiteral(v);
  return v;
}

// RFC 4180 §2.6: a field holding a comma, a double quote or a line break is enclosed in quotes;
// §2.7: a quote inside is doubled. Leading/trailing spaces are data and are kept as they are.
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /** Default true. */
  header?: boolean;
  /** Prefix a UTF-8 byte order mark, which some spreadsheet programs need to read UTF-8. Default false. */
  bom?: boolean;
}

/** RFC 4180: CRLF after every record, the last one included. */
export function toCsv(result: ExportableResult, opts: CsvOptions = {}): string {
  const lines: string[] = [];
  if (opts.header !== false) lines.push(result.columns.map(csvField).join(','));
  for (const row of result.rows) lines.push(row.map((v) => csvField(cellText(v))).join(','));
  return (opts.bom ? '\uFEFF' : '') + lines.map((l) => l + '\r\n').join('');
}

function jsonValue(v: SqlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : numberText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return JSON.stringify(blobLiteral(v));
  return JSON.stringify(v);
}

/** Column names as object keys; a repeated name (`SELECT 1 AS a, 2 AS a`) gets ` (2)`, ` (3)`… so no value is lost. */
export function uniqueKeys(columns: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set(columns);
  return columns.map((c) => {
    const n = (seen.get(c) ?? 0) + 1;
    seen.set(c, n);
    if (n === 1) return c;
    let key = `${c} (${n})`;
    for (let k = n; taken.has(key); k++) key = `${c} (${k + 1})`;
    taken.add(key);
    return key;
  });
}

/** An array of objects, one per row, keys in column order; one row per line. */
export function toJson(result: ExportableResult): string {
  const keys = uniqueKeys(result.columns).map((k) => JSON.stringify(k));
  if (result.rows.length === 0) return '[]\n';
  const rows = result.rows.map((row) => '  {' + row.map((v, i) => `${keys[i]}: ${jsonValue(v)}`).join(', ') + '}');
  return '[\n' + rows.join(',\n') + '\n]\n';
}

function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, '<br>');
}

/** A GitHub-flavoured Markdown table; numbers right-aligned by column when every value is numeric. */
export function toMarkdown(result: ExportableResult, opts: { maxBlobBytes?: number } = {}): string {
  const maxBlob = opts.maxBlobBytes ?? 32;
  const numeric = result.columns.map((_, i) => result.rows.some((r) => r[i] !== null) && result.rows.every((r) => r[i] === null || typeof r[i] === 'number' || typeof r[i] === 'bigint'));
  const cell = (v: SqlValue) => markdownCell(v === null ? 'NULL' : v instanceof Uint8Array ? blobLiteral(v, maxBlob) : cellText(v));
  const header = result.columns.length ? result.columns : [''];
  const lines = [
    '| ' + header.map((c) => markdownCell(c) || ' ').join(' | ') + ' |',
    '| ' + header.map((_, i) => (numeric[i] ? '---:' : '---')).join(' | ') + ' |',
    ...result.rows.map((r) => '| ' + r.map(cell).join(' | ') + ' |'),
  ];
  return lines.join('\n') + '\n';
}

export function exportResult(result: ExportableResult, format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(result);
    case 'json':
      return toJson(result);
    case 'markdown':
      return toMarkdown(result);
  }
}

/** File extension for a save dialog. */
export function exportExtension(format: ExportFormat): string {
  return { csv: 'csv', json: 'json', markdown: 'md' }[format];
}
