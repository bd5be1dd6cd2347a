/**
 * The quick queries a user adds in the setting containerDb.queries. A bad entry is reported once
 * per distinct setting value (a warning and the log), never silently dropped; good entries load.
 */
import * as vscode from 'vscode';
import { builtinQueries } from '../../core/queries';
import { validateUserQueries, type QuickQuery } from '../../core/queries';

export const USER_QUERIES_KEY = 'queries';

export class UserQueries {
  private reported = '';
  private cache: { raw: string; queries: QuickQuery[]; problems: string[] } | undefined;

  constructor(private readonly log: vscode.LogOutputChannel | undefined) {}

  /** Every query offered: the built-in ones, then the user's valid ones. */
  all(): QuickQuery[] {
    return [...builtinQueries, ...this.read().queries];
  }

  /** The problems of the current setting value (one line each). */
  problems(): string[] {
    return this.read().problems;
  }

  private read(): { queries: QuickQuery[]; problems: string[] } {
    const value = vscode.workspace.getConfiguration('containerDb').get<unknown>(USER_QUERIES_KEY);
    const raw = JSON.stringify(value ?? null);
    if (this.cache?.raw !== raw) {
      const { queries, problems } = validateUserQueries(value, builtinQueries.map((q) => q.id));
      this.cache = { raw, queries, problems };
    }
    this.reportOnce(raw, this.cache.problems);
    return this.cache;
  }

  private reportOnce(raw: string, problems: string[]): void {
    if (problems.length === 0 || this.reported === raw) return;
    this.reported = raw;
    for (const p of problems) this.log?.warn(p);
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}, see the log)` : '';
    void vscode.window.showWarningMessage(`Some of your quick queries were not loaded: ${first}${more}`, 'Open Settings', 'Show Log').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettingsJson');
      else if (choice === 'Show Log') this.log?.show(true);
    });
  }
}

let current: UserQueries = new UserQueries(undefined);

/** Set once at activation, so that the tree (which has no services) reports through the log. */
export function setUserQueries(q: UserQueries): void {
  current = q;
}

export function userQueries(): UserQueries {
  return current;
}
