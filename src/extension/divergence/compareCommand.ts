/**
 * Compare with Host Database: the schema difference in VS Code's diff editor (two virtual
 * documents of normalised CREATE statements), then the rows of one table in the compare view —
 * the table it was invoked on, else the one whose difference explains most (explanation.ts).
 */
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import type { ContainerInfo } from '../../core/types';
import { containerTarget } from '../commands/containerTarget';
import { pullWithProgress } from '../commands/inspect';
import type { Services } from '../services';
import type { TreeNode } from '../treeItems/treeNode';
import type { ComparePanel } from './comparePanel';
import type { Divergence } from './divergence';
import { headlineTable } from './explanation';
import { firstDifferentLine, schemaText, schemaUri, type SchemaStatement } from './schemaDocuments';
import { containerIdOf } from './treeBadges';

export interface CompareResult {
  divergence: Divergence;
  schemaUris?: { host: vscode.Uri; container: vscode.Uri };
  panel?: ComparePanel;
}

/** What the command can be invoked with: a tree item, a container name or id, or {containerId, table}. */
type CompareArg = TreeNode | string | { containerId: string; table?: string } | undefined;

export async function compareWithHostCommand(s: Services, arg?: unknown): Promise<CompareResult | undefined> {
  const div = s.divergence;
  if (!div) return undefined;
  const { container, table } = await target(s, arg as CompareArg);
  if (!container) return undefined;
  if (!s.store.get(container.id)) {
    const entry = await pullWithProgress(s, container);
    if (!entry) return undefined;
  }
  let d = (await div.settled(container.id)) ?? (await div.update(container.id));
  if (d.kind === 'computing') d = await div.update(container.id);
  if (d.kind === 'no-host') {
    const choice = await vscode.window.showWarningMessage(
      d.candidates > 1 ? `${d.candidates} host databases were found in the workspace: choose the one to compare with.` : 'No host database was found in the workspace (containerDb.hostDatabasePath, or **/webui.db).',
      'Choose Host Database…',
    );
    if (choice !== 'Choose Host Database…') return { divergence: d };
    const file = await div.hosts.choose({ force: true });
    if (!file) return { divergence: d };
    d = await div.update(container.id);
  }
  if (d.kind === 'same-file') {
    void vscode.window.showInformationMessage(`Same file: bind mount. ${s.docker.label(container.id, container.name)} reads ${d.hostPath} itself (through ${d.mountSource}), so there is nothing to compare.`);
    return { divergence: d };
  }
  if (d.kind === 'error') throw new CdbError('IO_ERROR', `Comparing ${s.docker.label(container.id, container.name)} with the host database failed: ${d.message}`);
  if (d.kind !== 'diff') return { divergence: d };

  const schemaUris = await openSchemaDiff(s, container, d.hostPath, !!table);
  const chosen = table ?? headlineTable(d.diff.tables)?.name ?? d.diff.tables[0]?.name;
  const panel = chosen && s.comparePanels ? await s.comparePanels.open(container.id, chosen) : undefined;
  if (d.diff.identical) void vscode.window.showInformationMessage(`host = container: ${s.docker.label(container.id, container.name)}'s database has the same schema and rows as ${vscode.workspace.asRelativePath(d.hostPath)}.`);
  return { divergence: d, schemaUris, panel };
}

async function target(s: Services, arg: CompareArg): Promise<{ container?: ContainerInfo; table?: string }> {
  if (arg && typeof arg === 'object' && 'containerId' in arg && typeof arg.containerId === 'string' && !(arg instanceof vscode.TreeItem)) {
    return { container: s.docker.container(arg.containerId), table: typeof arg.table === 'string' ? arg.table : undefined };
  }
  if (arg instanceof vscode.TreeItem) {
    const node = arg as TreeNode;
    const id = containerIdOf(node);
    const m = node.id ? /\/db\/table\/([^/]+)$/.exec(node.id) : null;
    const container = id ? s.docker.container(id) : undefined;
    if (container) return { container, table: m ? decodeURIComponent(m[1]) : undefined };
  }
  if (typeof arg === 'string' && arg) {
    const byId = s.docker.container(arg);
    if (byId) return { container: byId };
  }
  // The palette: the container the status bar follows, else the user's pick.
  const focused = s.divergenceStatus?.focusedContainer;
  if (arg === undefined && focused && s.store.get(focused)) return { container: s.docker.container(focused) };
  return { container: await containerTarget(s, arg, 'Compare with Host Database') };
}

async function openSchemaDiff(s: Services, container: ContainerInfo, hostPath: string, background: boolean): Promise<{ host: vscode.Uri; container: vscode.Uri }> {
  const statements = await s.divergence!.withPair(container.id, async ({ engine, host, container: entry }) => {
    const { readSchemaEntries } = await import('../../core/diff');
    const pick = (rows: SchemaStatement[]) => rows.map(({ kind, name, sql }) => ({ kind, name, sql }));
    return { host: pick(await readSchemaEntries(engine, host, 'main')), container: pick(await readSchemaEntries(engine, entry.db, 'main')) };
  });
  const uris = { host: schemaUri(container.id, container.name, 'host'), container: schemaUri(container.id, container.name, 'container') };
  const hostText = schemaText(statements.host);
  const containerText = schemaText(statements.container);
  s.schemaDocuments!.set(uris.host, hostText);
  s.schemaDocuments!.set(uris.container, containerText);
  // Opened at the first difference: a long schema would otherwise hide it below the fold.
  const line = firstDifferentLine(hostText, containerText) ?? 0;
  const options: vscode.TextDocumentShowOptions = { preview: false, preserveFocus: background, selection: new vscode.Range(line, 0, line, 0) };
  await vscode.commands.executeCommand('vscode.diff', uris.host, uris.container, `Schema: host ${vscode.workspace.asRelativePath(hostPath)} ↔ ${s.docker.label(container.id, container.name)}`, options);
  return uris;
}
