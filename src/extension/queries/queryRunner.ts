/**
 * Runs a query behind a cancellable progress notification. The query itself runs in the sql.js
 * worker, so the extension host (and the Containers view) keeps answering meanwhile; Cancel (or
 * the Cancel Running Queries command) aborts the signal and the engine ends its worker.
 */
import * as vscode from 'vscode';

export class QueryRunner implements vscode.Disposable {
  private readonly running = new Set<AbortController>();
  private readonly changed = new vscode.EventEmitter<number>();
  /** Fires with the number of queries running, whenever it changes. */
  readonly onDidChange = this.changed.event;

  get count(): number {
    return this.running.size;
  }

  /** Runs `work` with a signal that Cancel aborts; rejects with CANCELLED when cancelled. */
  run<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const sub = token.onCancellationRequested(() => controller.abort());
        this.running.add(controller);
        this.changed.fire(this.running.size);
        try {
          return await work(controller.signal, (message) => progress.report({ message }));
        } finally {
          sub.dispose();
          this.running.delete(controller);
          this.changed.fire(this.running.size);
        }
      }),
    );
  }

  /** Aborts every running query; returns how many there were. */
  cancelAll(): number {
    const n = this.running.size;
    for (const c of this.running) c.abort();
    return n;
  }

  dispose(): void {
    this.cancelAll();
    this.changed.dispose();
  }
}
