import * as vscode from 'vscode';
import { CdbError, errorLine, isCdbError } from '../core/errors';

export interface ReportedError {
  /** What the user was doing, e.g. "Inspect open-webui". */
  action: string;
  code: string;
  message: string;
}

/**
 * The one place where failures meet the user: a one-line notification (never a stack trace) and
 * an Output channel entry. The last report is kept so that tests can read what the user saw.
 */
export class ErrorReporter {
  private last: ReportedError | undefined;
  private readonly reported = new vscode.EventEmitter<ReportedError>();
  readonly onDidReport = this.reported.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get lastError(): ReportedError | undefined {
    return this.last;
  }

  report(action: string, err: unknown): void {
    const code = isCdbError(err) ? err.code : 'INTERNAL';
    const message = errorLine(err);
    if (isCdbError(err, 'CANCELLED')) {
      this.log.info(`${action}: cancelled`);
      return;
    }
    this.last = { action, code, message };
    this.log.error(`${action}: ${code}: ${message}`);
    if (!(err instanceof CdbError) && err instanceof Error && err.stack) this.log.debug(err.stack);
    // Not awaited: the promise settles only when the notification is dismissed.
    void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
      if (choice === 'Show Log') this.log.show(true);
    });
    this.reported.fire(this.last);
  }

  dispose(): void {
    this.reported.dispose();
  }
}
