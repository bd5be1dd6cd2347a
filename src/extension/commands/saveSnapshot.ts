import * as path from 'node:path';
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { Services } from '../services';
import { containerTarget } from './containerTarget';

/**
 * Save Snapshot As…: the pulled bytes (WAL applied) to a file of the user's choice, mode 0600.
 * `targetArg` (a file Uri) skips the dialog, for other extensions and tests; an existing file
 * there is replaced, as after the dialog's own "replace?" question.
 */
export async function saveSnapshotCommand(s: Services, arg?: unknown, targetArg?: unknown): Promise<string | undefined> {
  const container = await containerTarget(s, arg, 'Save Snapshot As…');
  if (!container) return undefined;
  const entry = s.store.get(container.id);
  if (!entry) throw new CdbError('USAGE', `${container.name}'s database has not been pulled yet: run Inspect Container DB first.`);
  const base = path.posix.basename(entry.path, path.posix.extname(entry.path)) || 'database';
  const stamp = entry.snapshot.stamp.pulledAt.replace(/[:.]/g, '-').slice(0, 19);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const suggested = `${container.name}-${base}-${stamp}.db`;
  if (targetArg !== undefined && !(targetArg instanceof vscode.Uri)) throw new CdbError('USAGE', 'Save Snapshot As takes a file Uri as its target: pass vscode.Uri.file(path).');
  const target = targetArg instanceof vscode.Uri ? targetArg : await vscode.window.showSaveDialog({
    title: 'Save Snapshot As',
    saveLabel: 'Save Snapshot',
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : vscode.Uri.file(suggested),
    filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] },
  });
  if (!target) return undefined;
  if (target.scheme !== 'file') throw new CdbError('USAGE', `Snapshots are saved to local files only, not to ${target.scheme}: choose a file on this machine.`);
  const { writeSnapshotFile } = await import('../../core/snapshot');
  // The save dialog has already asked about replacing an existing file; a caller's Uri means replace.
  await writeSnapshotFile(entry.snapshot, target.fsPath, { overwrite: true });
  s.log.info(`Saved ${container.name}:${entry.path} (sha256 ${entry.snapshot.stamp.sha256?.slice(0, 12) ?? 'not computed'}) to ${target.fsPath}, mode 0600`);
  void vscode.window.showInformationMessage(`Saved the snapshot to ${target.fsPath} (readable only by you).`);
  return target.fsPath;
}
