/**
 * Wires the changes since the last pull (issue 11, part 1) into the extension: the service, the
 * tree badges, the status bar, the change view and its command. Called once from activate(); it
 * loads nothing until a re-pull.
 */
import * as vscode from 'vscode';
import { registerReportingCommand } from '../commands/reportingCommand';
import type { Services } from '../services';
import { containerItemId } from '../treeItems/containerItem';
import { databaseItemId } from '../treeItems/databaseItem';
import { decorateChanges } from './changeTreeBadges';
import { ChangesPanels } from './changesPanel';
import { ChangesService } from './changesService';
import { ChangesStatusBar } from './changesStatusBar';
import type { ChangesFeature } from './changesFeature';
import { showChangesCommand } from './showChangesCommand';

export function registerChanges(s: Services, context: vscode.ExtensionContext): vscode.Disposable[] {
  const service = new ChangesService(s.store, s.log);
  const panels = new ChangesPanels(context.extensionUri, service, s.store, s.log);
  const status = new ChangesStatusBar(service, s.treeView);
  const feature: ChangesFeature = { service, panels, status };
  s.changes = feature;
  s.tree.decorators.push((node) => decorateChanges(node, (id) => service.get(id)));
  const redraw = (id: string): void => {
    if (service.get(id)?.kind === 'computing') return;
    if (!s.tree.refreshShown(databaseItemId(id))) s.tree.refreshShown(containerItemId(id));
  };
  return [
    service,
    panels,
    status,
    service.onDidChange((id) => redraw(id)),
    registerReportingCommand(s.errors, 'containerDb.showChanges', 'Show Changes', (arg) => showChangesCommand(s, feature, arg)),
  ];
}
