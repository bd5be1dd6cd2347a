import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { Services } from '../services';
import { containerTarget } from './containerTarget';

/** Copy Path: the database's path inside the container. */
export async function copyPathCommand(s: Services, arg?: unknown): Promise<string | undefined> {
  const container = await containerTarget(s, arg, 'Copy Database Path');
  if (!container) return undefined;
  const p = container.database.path;
  if (!p) throw new CdbError('UNSUPPORTED_DATABASE', `${container.name} has no SQLite database path to copy.`);
  await vscode.env.clipboard.writeText(p);
  vscode.window.setStatusBarMessage(`Copied ${p}`, 3000);
  return p;
}
