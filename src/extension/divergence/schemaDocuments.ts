/**
 * The two sides' schemas as virtual documents (scheme container-db-schema:), so that VS Code's own
 * diff editor shows what differs: every CREATE statement normalised (core normalizeSql: quotes,
 * case of keywords, whitespace and comments no longer count), sorted by kind and name, a table's
 * columns one per line so that an added or retyped column is one changed line.
 */
import * as vscode from 'vscode';
import { normalizeSql } from '../../core/diff';

export const SCHEMA_SCHEME = 'container-db-schema';

export interface SchemaStatement {
  kind: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  sql: string;
}

const KIND_ORDER = ['table', 'index', 'view', 'trigger'];

export class SchemaDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const before = this.texts.get(key);
    this.texts.set(key, text);
    if (before !== undefined && before !== text) this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '-- This schema is no longer available: run Container DB: Compare with Host Database again.\n';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** host.sql / container.sql under the container's id: one pair of documents per container. */
export function schemaUri(containerId: string, containerName: string, side: 'host' | 'container'): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEMA_SCHEME, path: `/${containerId.slice(0, 12)}/${side === 'host' ? 'host' : containerName}.schema.sql` });
}

/** The same header on both sides (which side is which is in the diff editor's title), so only schema differs. */
export function schemaText(statements: SchemaStatement[]): string {
  const sorted = [...statements].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const body = sorted.map((s) => `${layout(normalizeSql(s.sql), s.kind)};\n`).join('\n');
  return `-- Normalised CREATE statements: quoting, keyword case, whitespace and comments do not count.\n\n${body}`;
}

/** 0-based line of the first difference between two texts (undefined when equal). */
export function firstDifferentLine(a: string, b: string): number | undefined {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return i;
  return undefined;
}

/** A CREATE TABLE's top-level column and constraint list one item per line. */
export function layout(sql: string, kind: SchemaStatement['kind']): string {
  if (kind !== 'table') return sql;
  let depth = 0;
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      out += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '(') {
      depth++;
      out += depth === 1 ? '(\n  ' : c;
      if (depth === 1) while (sql[i + 1] === ' ') i++;
    } else if (c === ')') {
      out += depth === 1 ? '\n)' : c;
      depth--;
    } else if (c === ',' && depth === 1) {
      out += ',\n  ';
      while (sql[i + 1] === ' ') i++;
    } else {
      out += c;
    }
  }
  return out;
}
