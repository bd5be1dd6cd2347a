/**
 * Inspect Container DB and Re-pull: pull the database with a cancellable progress notification,
 * open it, and show its tables under the container.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCdbError } from '../../core/errors';
import type { ContainerInfo, PullProgress } from '../../core/types';
import { withRemedy } from '../errorReporter';
import { formatMB } from '../format';
import type { Services } from '../services';
import type { DatabaseEntry } from '../snapshotStore';
import { containerItemId } from '../treeItems/containerItem';
import { databaseItemId } from '../treeItems/databaseItem';
import { containerTarget } from './containerTarget';

export async function inspectCommand(s: Services, arg?: unknown): Promise<DatabaseEntry | undefined> {
  const container = await containerTarget(s, arg, 'Inspect Container DB');
  if (!container) return undefined;
  const entry = await pullWithProgress(s, container);
  if (entry) await revealDatabase(s, container.id);
  return entry;
}

export async function pullWithProgress(s: Services, container: ContainerInfo, opts: { freeze?: boolean } = {}): Promise<DatabaseEntry | undefined> {
  const file = path.posix.basename(container.database.path || 'database');
  const hadSnapshot = !!s.store.get(container.id);
  const controller = new AbortController();
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: s.docker.label(container.id, container.name), cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        progress.report({ message: `Pulling ${file}…` });
        let reported = 0;
        let lastReport = 0;
        const onProgress = (p: PullProgress) => {
          const pct = p.totalBytes > 0 ? Math.min(100, (p.bytesSoFar / p.totalBytes) * 100) : 0;
          const now = Date.now();
          // One IPC message per chunk would flood the renderer: report at most ~10 times a second.
          if (now - lastReport < 100 && p.bytesSoFar < p.totalBytes) return;
          lastReport = now;
          progress.report({ increment: pct - reported, message: `Pulling ${file} — ${formatMB(p.bytesSoFar)} / ${formatMB(p.totalBytes)} MB` });
          reported = pct;
        };
        return s.store.pull(container, { signal: controller.signal, onProgress, freeze: opts.freeze });
      },
    );
  } catch (err) {
    if (controller.signal.aborted || isCdbError(err, 'CANCELLED')) {
      s.log.info(`Pull of ${container.name}:${container.database.path} cancelled${hadSnapshot ? '; the previous snapshot is kept' : ''}`);
      void vscode.window.showInformationMessage(hadSnapshot ? 'Pull cancelled. The previous snapshot is still shown.' : 'Pull cancelled.');
      return undefined;
    }
    // A writer too busy for a settled copy: one click pulls again with the container paused for
    // the copy (the user's consent for this pull; the setting makes it the default).
    if (isCdbError(err, 'MID_WRITE') && !opts.freeze && container.state === 'running') {
      throw withRemedy(err, {
        title: 'Pull with Container Paused',
        run: async () => {
          const entry = await pullWithProgress(s, container, { freeze: true });
          if (entry) await revealDatabase(s, container.id);
          return entry;
        },
      });
    }
    throw err;
  }
}

/**
 * Shows the database node selected (lists the path first so the view knows it). A pulled database
 * node is created expanded; asking reveal to expand it too races with the redraw that the pull
 * itself caused, and VS Code can leave the node spinning.
 */
export async function revealDatabase(s: Services, containerId: string): Promise<void> {
  const item = await s.tree.resolve([containerItemId(containerId), databaseItemId(containerId)]);
  if (!item) return;
  try {
    await s.treeView.reveal(item, { select: true, focus: false });
  } catch (err) {
    // Revealing is a courtesy: a view that is closed or mid-refresh must not fail the pull.
    s.log.debug(`Reveal of ${containerId} skipped: ${String(err)}`);
  }
}
