/**
 * Wires the divergence feature (issue 4) into the extension: the service, the tree badges, the
 * status bar, the schema documents, the compare views and the two commands. Called once from
 * activate(); it loads neither sql.js nor the Docker client (the first comparison runs after a pull).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { compareWithHostCommand } from './compareCommand';
import { ComparePanels } from './comparePanel';
import { DivergenceService } from './divergenceService';
import { HostDatabases } from './hostDatabase';
import { SCHEMA_SCHEME, SchemaDocuments } from './schemaDocuments';
import { DivergenceStatusBar } from './statusBar';
import { decorateNode } from './treeBadges';
import { containerItemId } from '../treeItems/containerItem';
import { databaseItemId } from '../treeItems/databaseItem';

export function registerDivergence(s: Services, context: vscode.ExtensionContext): vscode.Disposable[] {
  const hosts = new HostDatabases(context.workspaceState);
  const divergence = new DivergenceService(s.store, s.docker, hosts, s.log);
  const schemaDocuments = new SchemaDocuments();
  const comparePanels = new ComparePanels(context.extensionUri, divergence, s.docker, s.log);
  const status = new DivergenceStatusBar(divergence, s.treeView);
  s.divergence = divergence;
  s.schemaDocuments = schemaDocuments;
  s.comparePanels = comparePanels;
  s.divergenceStatus = status;

  s.tree.decorators.push((node) => decorateNode(node, (id) => divergence.get(id)));
  const run = (action: string, fn: (arg?: unknown) => Promise<unknown>) => async (arg?: unknown) => {
    try {
      return await fn(arg);
    } catch (err) {
      s.errors.report(action, err);
      return undefined;
    }
  };
  // The container item is redrawn with its database node and tables listed again (new badges).
  // VS Code's view updates a listed child whose id is unchanged in place without drawing its row
  // again, so the database node is redrawn on its own too — in a later batch: the extension host
  // merges change events within 200 ms and drops a child whose parent is in the same batch.
  let redrawTimer: NodeJS.Timeout | undefined;
  const redraw = (id: string): void => {
    s.tree.refreshShown(containerItemId(id));
    clearTimeout(redrawTimer);
    redrawTimer = setTimeout(() => s.tree.refreshShown(databaseItemId(id)), 400);
  };
  return [
    divergence,
    schemaDocuments,
    comparePanels,
    status,
    vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, schemaDocuments),
    divergence.onDidChange((id) => redraw(id)),
    { dispose: () => clearTimeout(redrawTimer) },
    vscode.commands.registerCommand('containerDb.compareWithHost', run('Compare with Host Database', (arg) => compareWithHostCommand(s, arg))),
    vscode.commands.registerCommand(
      'containerDb.chooseHostDatabase',
      run('Choose Host Database', async () => {
        const file = await hosts.choose({ force: true });
        if (file) await divergence.updateAll();
        return file;
      }),
    ),
  ];
}
