import * as vscode from 'vscode';
import type { Services } from '../services';
import { EngineItem } from '../treeItems/engineItem';
import { copyPathCommand } from './copyPath';
import { inspectCommand } from './inspect';
import { openTableCommand } from './openTable';
import { registerReportingCommand } from './reportingCommand';
import { repullCommand } from './repull';
import { saveSnapshotCommand } from './saveSnapshot';
import { showMountsCommand } from './showMounts';

type Handler = (s: Services, arg?: unknown, arg2?: unknown) => Promise<unknown> | unknown;

const COMMANDS: Record<string, { action: string; run: Handler }> = {
  'containerDb.refresh': { action: 'Refresh', run: refresh },
  'containerDb.retryEngine': { action: 'Retry Engine', run: retryEngine },
  'containerDb.inspect': { action: 'Inspect Container DB', run: inspectCommand },
  'containerDb.repull': { action: 'Re-pull', run: repullCommand },
  'containerDb.saveSnapshot': { action: 'Save Snapshot', run: saveSnapshotCommand },
  'containerDb.copyPath': { action: 'Copy Path', run: copyPathCommand },
  'containerDb.showMounts': { action: 'Show Container Mounts', run: showMountsCommand },
  'containerDb.openTable': { action: 'Open Table', run: openTableCommand },
  'containerDb.showLog': { action: 'Show Log', run: (s) => s.log.show() },
};

/** Every command reports its failure once (notification + log) and resolves to undefined. */
export function registerCommands(s: Services): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, { action, run }]) => registerReportingCommand(s.errors, id, action, (arg, arg2) => run(s, arg, arg2)));
}

async function refresh(s: Services): Promise<void> {
  // Retry after an engine failure starts from a fresh connection (the settings may have changed too).
  if (s.docker.state.kind === 'unreachable') s.docker.reset();
  await s.docker.refresh();
}

/** Retry of one engine's root node (or an entry name): that engine connects and lists afresh, the others are left alone. */
async function retryEngine(s: Services, arg?: unknown): Promise<void> {
  const name = arg instanceof EngineItem ? arg.engine.name : typeof arg === 'string' ? arg : undefined;
  if (name === undefined) return refresh(s);
  await s.docker.retry(name);
  const state = s.docker.byName(name)?.state;
  if (state?.kind === 'unreachable') s.log.warn(`Engine '${name}' is still unreachable: ${state.error.message}`);
}
