import * as vscode from 'vscode';
import { CdbError, errorLine, isCdbError } from '../core/errors';

export interface ReportedError {
  /** What the user was doing, e.g. "Inspect open-webui". */
  action: string;
  code: string;
  message: string;
  /** The button offered beside Show Log, when the error carries a remedy. */
  remedy?: string;
}

/** One thing the user can do about an error, offered as a button on its notification. */
export interface Remedy {
  title: string;
  run(): unknown;
}

/** Attaches a remedy to an error on its way to the reporter. */
export function withRemedy<E>(err: E, remedy: Remedy): E {
  if (err && typeof err === 'object') (err as { remedy?: Remedy }).remedy = remedy;
  return err;
}

/**
 * The one place where failures meet the user: a one-line notification (never a stack trace) and
 * an Output channel entry. The last report is kept so that tests can read what the user saw.
 */
export class ErrorReporter {
  private last: ReportedError | undefined;
  private lastRemedy: Remedy | undefined;
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
    const remedy = (err as { remedy?: Remedy } | undefined)?.remedy;
    this.last = { action, code, message, ...(remedy ? { remedy: remedy.title } : {}) };
    this.lastRemedy = remedy;
    this.log.error(`${action}: ${code}: ${message}`);
    if (!(err instanceof CdbError) && err instanceof Error && err.stack) this.log.debug(err.stack);
    const buttons = remedy ? [remedy.title, 'Show Log'] : ['Show Log'];
    // Not awaited: the promise settles only when the notification is dismissed.
    void vscode.window.showErrorMessage(message, ...buttons).then((choice) => {
      if (choice === 'Show Log') this.log.show(true);
      else if (remedy && choice === remedy.title) void this.applyRemedy(remedy);
    });
    this.reported.fire(this.last);
  }

  /** What the remedy button of the last report does (tests press it here; people on the notification). */
  applyLastRemedy(): Promise<unknown> {
    return this.lastRemedy ? this.applyRemedy(this.lastRemedy) : Promise.resolve(undefined);
  }

  private async applyRemedy(remedy: Remedy): Promise<unknown> {
    try {
      return await remedy.run();
    } catch (err) {
      this.report(remedy.title, err);
      return undefined;
    }
  }

  dispose(): void {
    this.reported.dispose();
  }
}
