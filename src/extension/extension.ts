/**
 * Entry point. Activation only wires things up: it neither contacts Docker nor loads sql.js (the
 * Containers view's first getChildren connects; the first pull starts the sql.js worker).
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { registerChanges } from './changes/registerChanges';
import { registerDivergence } from './divergence/registerDivergence';
import { registerQueries } from './queries/registerQueries';
import { ContainersTree } from './containersTree';
import { EngineSet } from './engines/engineSet';
import { ErrorReporter } from './errorReporter';
import type { Services } from './services';
import { affectsConnection, affectsListing, affectsTree } from './settings';
import { defaultWorkerPath, SnapshotStore } from './snapshotStore';
import { TableGrids } from './tableGrid/tableGrids';
import type { TreeNode } from './treeItems/treeNode';

/** What activate() returns: the extension's services, for tests and for other extensions. */
export interface ContainerDbApi extends Services {
  /** Time spent in activate(), ms. */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): ContainerDbApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Container DB', { log: true });
  const docker = new EngineSet(log);
  const store = new SnapshotStore(docker, log, defaultWorkerPath(context.extensionPath));
  const errors = new ErrorReporter(log);
  const tree = new ContainersTree(docker, store);
  const treeView = vscode.window.createTreeView<TreeNode>('containerDb.containers', { treeDataProvider: tree, showCollapseAll: true });
  const grids = new TableGrids(context.extensionUri, store, errors, log);
  const services: Services = { log, docker, store, tree, treeView, errors, grids };

  context.subscriptions.push(
    log,
    docker,
    store,
    errors,
    tree,
    treeView,
    tree.trackExpansion(treeView),
    grids,
    ...registerCommands(services),
    ...registerDivergence(services, context),
    // After the divergence: its tree badge comes first, the changes badge is written beside it.
    ...registerChanges(services, context),
    ...registerQueries(services, context),
    docker.onDidChange(() => {
      const state = docker.state;
      // The welcome view names the kind of failure; the exact line (socket, host) goes to the log
      // and to the view's description, which stays visible in its title bar. (A view message
      // would hide the welcome view and its Retry button.)
      // Docker is what the view assumes; any other engine is named in its title bar.
      treeView.description = state.kind === 'unreachable' ? 'engine unreachable' : state.kind === 'ready' && state.engine !== 'Docker' ? state.engine : undefined;
      if (state.kind === 'ready') void store.retain(new Set(state.containers.map((c) => c.id)));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsConnection(e)) {
        docker.reset();
        void docker.refresh();
      } else if (affectsListing(e)) void docker.refresh();
      if (affectsTree(e)) tree.refresh();
    }),
    // Trusting the folder lets its restricted settings (engine, database paths) apply: they may
    // name another engine or path, so everything is read again.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trusted: its containerDb settings now apply.');
      docker.reset();
      void docker.refresh();
      tree.refresh();
    }),
  );
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return { ...services, activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the sql.js worker with the store).
}
