/**
 * Where the developer's host copy of the database is, for "run on the host" and the console. The
 * divergence feature's HostDatabases does the finding (the setting containerDb.hostDatabasePath,
 * a remembered choice, the only webui.db in the workspace), so both features agree on the file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { HostDatabases } from '../divergence/hostDatabase';

export class HostDatabaseFinder {
  constructor(private readonly hosts: HostDatabases) {}

  /** The host database when it can be found without asking. */
  async find(): Promise<string | undefined> {
    return (await this.hosts.find()).path;
  }

  /** The host database, asking the user to choose when it is not obvious; throws FILE_NOT_FOUND when none is chosen. */
  async require(): Promise<string> {
    const found = (await this.find()) ?? (await this.hosts.choose());
    if (found) return found;
    throw new CdbError('FILE_NOT_FOUND', 'No host database was chosen: set containerDb.hostDatabasePath to your copy of the database (relative to the workspace folder, or absolute).');
  }
}

/** A short name for the host file: relative to the workspace when inside it. */
export function hostLabel(file: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder && file.startsWith(folder + path.sep)) return `host: ${path.relative(folder, file)}`;
  return `host: ${file}`;
}
