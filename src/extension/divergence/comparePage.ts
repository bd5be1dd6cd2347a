/**
 * The two-sided page of rows (media/compare.js) that the compare view and the change view show,
 * and a row pair as that page takes it: cells for both sides, changed cells marked, secrets masked.
 */
import * as vscode from 'vscode';
import type { KeyedRow, TableDiff, UpdatedRow } from '../../core/diff';
import { maskRows, secretColumns, type SecretPolicy } from '../../core/secrets';
import type { SqlValue } from '../../core/types';
import { fullText, toCell } from '../tableGrid/cellView';
import { webviewPage } from '../webviewPage';
import type { CompareKind, CompareRow } from './compareProtocol';

const KEY_TEXT_LIMIT = 80;

function keyText(key: SqlValue[]): string {
  const text = key.map((v) => fullText(v)).join(', ');
  return text.length > KEY_TEXT_LIMIT ? `${text.slice(0, KEY_TEXT_LIMIT)}…` : text;
}

/**
 * One row pair for the webview. With a `policy`, secrets are masked: the values of the table's
 * secret columns (a changed secret still shows as changed, with both sides masked), secret parts
 * of JSON text, and the key when a key column is secret.
 */
export function toRow(
  kind: CompareKind,
  r: KeyedRow | UpdatedRow,
  columns: string[],
  policy?: SecretPolicy,
  table?: Pick<TableDiff, 'name' | 'keyColumns'>,
): CompareRow {
  const cellsOf = (values: SqlValue[]) => (policy ? maskRows(policy, table?.name, columns, [values])[0] : values).map(toCell);
  const keyOf = (key: SqlValue[]) => (policy && table && secretColumns(policy, table.name, table.keyColumns).some(Boolean) ? maskRows(policy, table.name, table.keyColumns, [key])[0] : key);
  if (kind === 'updated') {
    const u = r as UpdatedRow;
    const changed = u.changedColumns.map((c) => columns.indexOf(c)).filter((i) => i >= 0);
    return { key: keyText(keyOf(u.key)), left: cellsOf(u.a), right: cellsOf(u.b), changed };
  }
  const k = r as KeyedRow;
  const cells = cellsOf(k.values);
  // Deleted = only in A (the host, left); inserted = only in B (the container, right).
  return kind === 'deleted' ? { key: keyText(keyOf(k.key)), left: cells, right: null, changed: [] } : { key: keyText(keyOf(k.key)), left: null, right: cells, changed: [] };
}

/** The page of two sides of rows (media/compare.js), shared by the compare view and the change view. */
export const comparePage = (title: string) => (webview: vscode.Webview, media: vscode.Uri): string =>
  webviewPage(webview, media, {
    title,
    styles: ['compare.css'],
    script: 'compare.js',
    body: `
<header class="explain" id="explain">
  <p class="headline" id="headline"></p>
  <p id="where-container"></p>
  <p id="where-host"></p>
  <p class="relation" id="relation"></p>
</header>
<nav class="bar">
  <label>Table <select id="table"></select></label>
  <span class="matched" id="matched"></span>
</nav>
<nav class="bar tabs" id="tabs">
  <button class="tab" data-kind="deleted" id="tab-deleted"></button>
  <button class="tab" data-kind="inserted" id="tab-inserted"></button>
  <button class="tab" data-kind="updated" id="tab-updated"></button>
  <span class="spacer"></span>
  <span class="range" id="range"></span>
  <button id="first" title="First page">«</button>
  <button id="prev" title="Previous page">‹</button>
  <button id="next" title="Next page">›</button>
</nav>
<p class="message" id="message" hidden></p>
<main class="sides" id="sides">
  <section class="side host"><h2 id="host-label"></h2><div class="scroll" id="left"><table><thead></thead><tbody></tbody></table></div></section>
  <section class="side container"><h2 id="container-label"></h2><div class="scroll" id="right"><table><thead></thead><tbody></tbody></table></div></section>
</main>
`,
  });
