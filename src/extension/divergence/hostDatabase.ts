/**
 * Which file on this machine is "the host database" to compare a container's with, per workspace
 * folder: the setting containerDb.hostDatabasePath (default backend/data/webui.db, relative to the
 * folder), else a remembered choice, else the only **\/webui.db outside node_modules. When several
 * are found the user picks one (remembered per folder); an automatic comparison never asks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface HostLookup {
  path?: string;
  /** Without a path: every webui.db found (several means the user must choose). */
  candidates: string[];
}

const MEMO_KEY = 'containerDb.hostDatabase';
const SEARCH_LIMIT = 50;

export class HostDatabases {
  constructor(private readonly memento: vscode.Memento) {}

  /** The host database, without asking; candidates when the choice is the user's. */
  async find(): Promise<HostLookup> {
    const candidates: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const found = await this.findIn(folder);
      if (found.path) return found;
      candidates.push(...found.candidates);
    }
    return { candidates };
  }

  /** The host database, asking the user when there are several or none (undefined when dismissed). */
  async choose(opts: { force?: boolean } = {}): Promise<string | undefined> {
    const found = await this.find();
    if (found.path && !opts.force) return found.path;
    const all = found.path ? [found.path, ...(await this.searchAll())] : found.candidates;
    type Item = vscode.QuickPickItem & { file?: string; browse?: boolean };
    const unique: string[] = [...new Set(all)];
    const items: Item[] = unique.map((f) => ({ label: vscode.workspace.asRelativePath(f), description: f, file: f, iconPath: new vscode.ThemeIcon('database') }));
    items.push({ label: 'Browse…', description: 'another SQLite file on this machine', browse: true, iconPath: new vscode.ThemeIcon('folder-opened') });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Host database to compare with',
      placeHolder: unique.length ? `${unique.length} candidate${unique.length === 1 ? '' : 's'} in the workspace` : 'No webui.db in the workspace: browse for one',
    });
    if (!picked) return undefined;
    let file = picked.file;
    if (picked.browse) {
      const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare with this database', filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] } });
      file = uris?.[0]?.fsPath;
    }
    if (!file) return undefined;
    await this.remember(file);
    return file;
  }

  /** Remember `file` for the folder that holds it (or the first folder). */
  async remember(file: string): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) ?? vscode.workspace.workspaceFolders?.[0];
    const memo = { ...this.memento.get<Record<string, string>>(MEMO_KEY, {}) };
    memo[folder?.uri.toString() ?? ''] = file;
    await this.memento.update(MEMO_KEY, memo);
  }

  async forget(): Promise<void> {
    await this.memento.update(MEMO_KEY, undefined);
  }

  private async findIn(folder: vscode.WorkspaceFolder): Promise<HostLookup> {
    const configured = vscode.workspace.getConfiguration('containerDb', folder.uri).get<string>('hostDatabasePath', '').trim() || 'backend/data/webui.db';
    const direct = path.resolve(folder.uri.fsPath, configured);
    if (isFile(direct)) return { path: direct, candidates: [direct] };
    const remembered = this.memento.get<Record<string, string>>(MEMO_KEY, {})[folder.uri.toString()];
    if (remembered && isFile(remembered)) return { path: remembered, candidates: [remembered] };
    const found = await search(folder);
    return found.length === 1 ? { path: found[0], candidates: found } : { candidates: found };
  }

  private async searchAll(): Promise<string[]> {
    const all: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) all.push(...(await search(folder)));
    return all;
  }
}

async function search(folder: vscode.WorkspaceFolder): Promise<string[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/webui.db'), '**/node_modules/**', SEARCH_LIMIT);
  return uris.map((u) => u.fsPath).sort();
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
