/**
 * Wires the divergence feature (issue 4) into the extension: the service, the tree badges, the
 * status bar, the schema documents, the compare views and the two commands. Called once from
 * activate(); it loads neither sql.js nor the Docker client (the first comparison runs after a pull).
 */
import * as vscode from 'vscode';
import { registerReportingCommand } from '../commands/reportingCommand';
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
  // With several engines the status bar names the container and its engine ("open-webui on podman").
  const status = new DivergenceStatusBar(divergence, s.treeView, s.tree.onDidList, (id) => {
    const entry = s.store.get(id);
    return s.docker.multi && entry ? entry.containerLabel : undefined;
  });
  s.divergence = divergence;
  s.schemaDocuments = schemaDocuments;
  s.comparePanels = comparePanels;
  s.divergenceStatus = status;

  s.tree.decorators.push((node) => decorateNode(node, (id) => divergence.get(id)));
  // The database node is redrawn and its tables listed again (the tree coalesces this with the
  // pull's own redraw, and holds it while a node is loading). "Comparing…" shows no badge, so only
  // a result redraws.
  const redraw = (id: string): void => {
    if (divergence.get(id)?.kind === 'computing') return;
    if (!s.tree.refreshShown(databaseItemId(id))) s.tree.refreshShown(containerItemId(id));
  };
  return [
    divergence,
    schemaDocuments,
    comparePanels,
    status,
    vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, schemaDocuments),
    divergence.onDidChange((id) => redraw(id)),
    registerReportingCommand(s.errors, 'containerDb.compareWithHost', 'Compare with Host Database', (arg) => compareWithHostCommand(s, arg)),
    registerReportingCommand(s.errors, 'containerDb.chooseHostDatabase', 'Choose Host Database', async () => {
      const file = await hosts.choose({ force: true });
      if (file) await divergence.updateAll();
      return file;
    }),
  ];
}
