import * as vscode from 'vscode';
import type { ErrorReporter } from '../errorReporter';
import { compactForWorkbench } from '../workbenchResult';

/**
 * Registers a command that reports its failure once (notification + log) and resolves to
 * undefined. Its result reaches callers in the extension host as is, and the workbench as a
 * summary (workbenchResult.ts says why).
 */
export function registerReportingCommand(
  errors: ErrorReporter,
  id: string,
  action: string,
  run: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return compactForWorkbench(await run(...args));
    } catch (err) {
      errors.report(action, err);
      return undefined;
    }
  });
}
