/**
 * The SQL console's commands: New SQL Query (an untitled `sql` document bound to a database),
 * Switch Database, and Run Query (the selection, or the statement under the cursor as SQLite
 * splits the text). A failing statement gets a diagnostic carrying SQLite's message; a statement
 * that would write is refused before anything runs.
 */
import * as vscode from 'vscode';
import { CdbError, errorLine, isCdbError } from '../../core/errors';
import { paramNames } from '../../core/queries';
import { assertReadOnly, firstWritingStatement } from '../../core/queries';
import { runSql } from '../../core/queries';
import { statementAt } from '../../core/sqlite';
import type { QueryResult } from '../../core/types';
import type { Services } from '../services';
import { askParams } from '../queries/paramInput';
import type { QueryServices } from '../queries/queryServices';
import type { ResultJob } from '../queries/resultsPanel';
import { containerBinding, hostBinding, pickDatabase } from './pickDatabase';
import type { ConsoleBinding, SqlConsoles } from './sqlConsoles';

/** Besides a tree item: { containerName } or { hostPath }, and the document's first text. */
export interface NewSqlQueryArgs {
  containerName?: string;
  hostPath?: string;
  content?: string;
}

export type ConsoleRunOutcome =
  | { status: 'ok'; sql: string; result: QueryResult; ms: number }
  | { status: 'error' | 'refused'; sql: string; code: string; message: string; range: vscode.Range }
  | { status: 'cancelled'; sql: string };

async function bindingFromArg(s: Services, arg: unknown): Promise<ConsoleBinding | undefined | null> {
  if (!arg || typeof arg !== 'object') return null;
  const a = arg as Record<string, unknown> & { container?: { id?: unknown; name?: unknown } };
  if (a.container && typeof a.container.id === 'string' && typeof a.container.name === 'string') return containerBinding(s, a.container.id, a.container.name);
  if (typeof a.hostPath === 'string') return hostBinding(a.hostPath);
  if (typeof a.containerName === 'string') {
    const c = s.docker.containers().find((x) => x.name === a.containerName);
    if (!c) throw new CdbError('CONTAINER_NOT_FOUND', `No listed container is named ${a.containerName}: refresh the Containers view.`);
    return containerBinding(s, c.id, c.name);
  }
  return null;
}

const STARTER = `-- Read-only: the database is a snapshot and nothing here can change it.
-- Ctrl+Enter (Cmd+Enter) runs the selection, or the statement under the cursor.
-- Named parameters (:from, @user, $n) are asked for when the statement runs.
SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name;
`;

export async function newSqlQueryCommand(s: Services, q: QueryServices, consoles: SqlConsoles, arg: unknown): Promise<vscode.TextEditor | undefined> {
  const fromArg = await bindingFromArg(s, arg);
  const binding = fromArg === null ? await pickDatabase(s, q.hosts, 'New SQL Query') : fromArg;
  if (!binding) return undefined;
  const content = arg && typeof arg === 'object' && typeof (arg as NewSqlQueryArgs).content === 'string' ? (arg as NewSqlQueryArgs).content! : `-- ${binding.label}\n${STARTER}`;
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content });
  consoles.bind(doc, binding);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const end = doc.positionAt(content.length);
  editor.selection = new vscode.Selection(end, end);
  consoles.update(editor);
  return editor;
}

export async function switchConsoleDatabaseCommand(s: Services, q: QueryServices, consoles: SqlConsoles, arg: unknown): Promise<ConsoleBinding | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new CdbError('USAGE', 'Open a SQL console first: Container DB: New SQL Query.');
  const fromArg = await bindingFromArg(s, arg);
  const binding = fromArg === null ? await pickDatabase(s, q.hosts, 'Switch the console database') : fromArg;
  if (!binding) return undefined;
  consoles.bind(editor.document, binding);
  return binding;
}

/** The text to run and where it is: the selection when there is one, else the statement under the cursor. */
function statementToRun(editor: vscode.TextEditor): { sql: string; range: vscode.Range } | undefined {
  const doc = editor.document;
  if (!editor.selection.isEmpty) {
    const sql = doc.getText(editor.selection);
    return sql.trim() ? { sql, range: new vscode.Range(editor.selection.start, editor.selection.end) } : undefined;
  }
  const text = doc.getText();
  const span = statementAt(text, doc.offsetAt(editor.selection.active));
  if (!span) return undefined;
  return { sql: span.text, range: new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)) };
}

export async function runConsoleQueryCommand(s: Services, q: QueryServices, consoles: SqlConsoles, arg: unknown): Promise<ConsoleRunOutcome | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new CdbError('USAGE', 'Open a SQL console first: Container DB: New SQL Query.');
  const doc = editor.document;
  let binding = consoles.get(doc);
  if (!binding) {
    binding = await pickDatabase(s, q.hosts, 'Run this SQL on which database?');
    if (!binding) return undefined;
    consoles.bind(doc, binding);
  }
  const target = statementToRun(editor);
  if (!target) {
    void vscode.window.showInformationMessage('Nothing to run: put the cursor in a statement or select some SQL.');
    return undefined;
  }
  const { sql, range } = target;
  const startOffset = doc.offsetAt(range.start);
  consoles.diagnostics.delete(doc.uri);

  const fail = (status: 'error' | 'refused', err: unknown, where: vscode.Range): ConsoleRunOutcome => {
    const message = errorLine(err);
    const diagnostic = new vscode.Diagnostic(where, message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'Container DB';
    diagnostic.code = isCdbError(err) ? err.code : undefined;
    consoles.diagnostics.set(doc.uri, [diagnostic]);
    editor.revealRange(where, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    s.errors.report(status === 'refused' ? 'Run Query (refused)' : 'Run Query', err);
    return { status, sql, code: isCdbError(err) ? err.code : 'INTERNAL', message, range: where };
  };

  // Refused before any parameter is asked or anything runs; the diagnostic marks the writing statement.
  const writing = firstWritingStatement(sql);
  if (writing) {
    const where = new vscode.Range(doc.positionAt(startOffset + writing.span.start), doc.positionAt(startOffset + writing.span.end));
    try {
      assertReadOnly(sql);
    } catch (err) {
      return fail('refused', err, where);
    }
  }

  const a = (arg && typeof arg === 'object' ? arg : {}) as { params?: Record<string, string> };
  let given: Record<string, string> | undefined;
  try {
    given = await askParams(paramNames(sql), [], a.params ?? {}, q.rememberedParams(`console:${doc.uri.toString()}`), { now: new Date() }, 'Run Query');
  } catch (err) {
    return fail('error', err, range);
  }
  if (!given) return undefined;

  const bound = binding;
  const firstLine = sql.trim().split('\n')[0];
  const job: ResultJob = {
    title: firstLine.length > 60 ? `${firstLine.slice(0, 57)}…` : firstLine,
    source: bound.label,
    async execute(limit, signal, report) {
      const started = Date.now();
      report(`opening ${bound.label}`);
      const o = await q.databases.open(bound.ref, signal);
      report('running');
      const run = await runSql(o.engine, o.db, sql, given!, { signal, maxRows: limit });
      return { kind: 'single', title: this.title, source: o.label, run, ms: Date.now() - started };
    },
  };
  const panel = q.panels.open(`console:${doc.uri.toString()}`, 'Query results', vscode.ViewColumn.Beside);
  try {
    const content = await panel.run(job);
    if (content.kind !== 'single') throw new Error('unexpected comparison from the console');
    return { status: 'ok', sql, result: content.run.result, ms: content.ms };
  } catch (err) {
    if (isCdbError(err, 'CANCELLED')) {
      s.errors.report('Run Query', err);
      return { status: 'cancelled', sql };
    }
    return fail(isCdbError(err, 'READ_ONLY') ? 'refused' : 'error', err, range);
  }
}
