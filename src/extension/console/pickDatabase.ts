/** Choosing the database a console runs on: a pulled container snapshot, a container to pull, or the host file. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { Services } from '../services';
import { hostLabel, type HostDatabaseFinder } from '../queries/hostDatabaseFile';
import { refLabel, type DatabaseRef } from '../queries/queryDatabases';
import type { ConsoleBinding } from './sqlConsoles';

type Item = vscode.QuickPickItem & { pick?: () => Promise<ConsoleBinding | undefined> };

/** A container's snapshot, pulled first when it has not been. */
export async function containerBinding(s: Services, containerId: string, containerName: string): Promise<ConsoleBinding | undefined> {
  let entry = s.store.get(containerId);
  if (!entry) {
    await vscode.commands.executeCommand('containerDb.inspect', containerName);
    entry = s.store.get(containerId);
    if (!entry) return undefined; // the pull failed and was reported, or was cancelled
  }
  const ref: DatabaseRef = { kind: 'container', containerId, containerName };
  return { ref, label: refLabel(ref, entry) };
}

export function hostBinding(file: string): ConsoleBinding {
  if (!fs.existsSync(file)) throw new CdbError('FILE_NOT_FOUND', `${file} does not exist: set containerDb.hostDatabasePath to your copy of the database.`);
  return { ref: { kind: 'host', path: file }, label: hostLabel(file) };
}

export async function pickDatabase(s: Services, hosts: HostDatabaseFinder, title: string): Promise<ConsoleBinding | undefined> {
  await s.docker.ensureLoaded();
  const items: Item[] = [];
  const containers = s.docker.state.kind === 'unreachable' ? [] : s.docker.containers().filter((c) => c.database.path && !c.database.unsupported);
  const pulled = containers.filter((c) => s.store.get(c.id));
  const notPulled = containers.filter((c) => !s.store.get(c.id));
  if (pulled.length) items.push({ label: 'Container snapshots', kind: vscode.QuickPickItemKind.Separator });
  for (const c of pulled) {
    items.push({ label: `$(vm-running) ${s.docker.label(c.id, c.name)}`, description: s.store.get(c.id)!.path, detail: 'pulled snapshot (read-only)', pick: () => containerBinding(s, c.id, c.name) });
  }
  if (notPulled.length) items.push({ label: 'Containers not pulled yet', kind: vscode.QuickPickItemKind.Separator });
  for (const c of notPulled) {
    items.push({ label: `$(cloud-download) ${s.docker.label(c.id, c.name)}`, description: c.database.path, detail: 'pulls the database first', pick: () => containerBinding(s, c.id, c.name) });
  }
  const host = await hosts.find();
  if (host) {
    items.push({ label: 'This machine', kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: `$(file) ${hostLabel(host)}`, description: host, detail: 'the host copy (containerDb.hostDatabasePath), read-only', pick: async () => hostBinding(host) });
  }
  items.push({ label: '$(folder-opened) Open a database file…', pick: () => browseFile() });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Run queries on which database?', matchOnDescription: true });
  return picked?.pick?.();
}

async function browseFile(): Promise<ConsoleBinding | undefined> {
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'SQLite database', filters: { 'SQLite databases': ['db', 'sqlite', 'sqlite3', 'db3'], 'All files': ['*'] } });
  return uris?.[0] ? hostBinding(uris[0].fsPath) : undefined;
}
