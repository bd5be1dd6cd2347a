import type * as vscode from 'vscode';
import type { ContainersTree } from './containersTree';
import type { EngineSet } from './engines/engineSet';
import type { ErrorReporter } from './errorReporter';
import type { SnapshotStore } from './snapshotStore';
import type { TableGrids } from './tableGrid/tableGrids';
import type { TreeNode } from './treeItems/treeNode';
import type { ComparePanels } from './divergence/comparePanel';
import type { DivergenceService } from './divergence/divergenceService';
import type { SchemaDocuments } from './divergence/schemaDocuments';
import type { DivergenceStatusBar } from './divergence/statusBar';
import type { SqlConsoles } from './console/sqlConsoles';
import type { ChangesFeature } from './changes/changesFeature';

/** Everything the commands work with, made once in activate(). */
export interface Services {
  log: vscode.LogOutputChannel;
  /** The engines: one unless `containerDb.engines` lists several (engines/engineSet.ts). */
  docker: EngineSet;
  store: SnapshotStore;
  tree: ContainersTree;
  treeView: vscode.TreeView<TreeNode>;
  errors: ErrorReporter;
  grids: TableGrids;
  /** Host vs container divergence (issue 4), set by registerDivergence. */
  divergence?: DivergenceService;
  divergenceStatus?: DivergenceStatusBar;
  comparePanels?: ComparePanels;
  schemaDocuments?: SchemaDocuments;
  /** Changes since the last pull (issue 11): service, change views, status bar; set by registerChanges. */
  changes?: ChangesFeature;
  /** SQL consoles and their status bar item (issue 5), set by registerQueries. */
  consoles?: SqlConsoles;
}
