/**
 * SQL console documents: untitled `sql` editors bound to a database (a container's snapshot or
 * the host file). The binding shows in the status bar (click to switch) and sets the context key
 * containerDb.consoleBound, which enables Run Query (Ctrl/Cmd+Enter). Errors are diagnostics on
 * the statement that failed, cleared when the document changes or a later run succeeds.
 */
import * as vscode from 'vscode';
import type { DatabaseRef } from '../queries/queryDatabases';

export const CONSOLE_BOUND_CONTEXT = 'containerDb.consoleBound';

export interface ConsoleBinding {
  ref: DatabaseRef;
  label: string;
}

export class SqlConsoles implements vscode.Disposable {
  private readonly bindings = new Map<string, ConsoleBinding>();
  private readonly status: vscode.StatusBarItem;
  readonly diagnostics: vscode.DiagnosticCollection;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.status = vscode.window.createStatusBarItem('containerDb.consoleDatabase', vscode.StatusBarAlignment.Left, 100);
    this.status.name = 'Container DB: console database';
    this.status.command = 'containerDb.switchConsoleDatabase';
    this.diagnostics = vscode.languages.createDiagnosticCollection('containerDb.console');
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.bindings.has(key(e.document))) this.diagnostics.delete(e.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.bindings.delete(key(d));
        this.diagnostics.delete(d.uri);
      }),
    );
    this.update(vscode.window.activeTextEditor);
  }

  bind(doc: vscode.TextDocument, binding: ConsoleBinding): void {
    this.bindings.set(key(doc), binding);
    this.update(vscode.window.activeTextEditor);
  }

  get(doc: vscode.TextDocument): ConsoleBinding | undefined {
    return this.bindings.get(key(doc));
  }

  /** The status bar text for the active editor, for tests: undefined when hidden. */
  get statusText(): string | undefined {
    const e = vscode.window.activeTextEditor;
    return e && this.get(e.document) ? this.status.text : undefined;
  }

  update(editor: vscode.TextEditor | undefined): void {
    const binding = editor ? this.get(editor.document) : undefined;
    void vscode.commands.executeCommand('setContext', CONSOLE_BOUND_CONTEXT, !!binding);
    if (!binding) {
      this.status.hide();
      return;
    }
    this.status.text = `$(database) ${binding.label}`;
    this.status.tooltip = `SQL console runs on ${binding.label} (read-only). Click to switch database. Ctrl+Enter runs the statement under the cursor.`;
    this.status.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.status.dispose();
    this.diagnostics.dispose();
    void vscode.commands.executeCommand('setContext', CONSOLE_BOUND_CONTEXT, false);
  }
}

function key(doc: vscode.TextDocument): string {
  return doc.uri.toString();
}
