/**
 * Issue 5 in the extension: quick queries, the SQL console, results and export. One call from
 * activate() wires it all; nothing here loads sql.js or reads a database until a command runs.
 */
import * as vscode from 'vscode';
import { CdbError } from '../../core/errors';
import { exportFormats, type ExportFormat } from '../../core/queries';
import { maskResult } from '../../core/secrets';
import { quoteIdent } from '../../core/sqlite';
import { newSqlQueryCommand, runConsoleQueryCommand, switchConsoleDatabaseCommand } from '../console/consoleCommands';
import { SqlConsoles } from '../console/sqlConsoles';
import { HostDatabases } from '../divergence/hostDatabase';
import { registerReportingCommand } from '../commands/reportingCommand';
import type { Services } from '../services';
import { secretReveal } from '../secretReveal';
import { defaultWorkerPath } from '../snapshotStore';
import { HostDatabaseFinder } from './hostDatabaseFile';
import { exportTo, pickFormat, type ExportDestination } from './exportResult';
import { QueryDatabases, type DatabaseRef } from './queryDatabases';
import { QueryRunner } from './queryRunner';
import type { QueryServices } from './queryServices';
import type { ResultsPanel } from './resultsPanel';
import { ResultsPanels } from './resultsPanels';
import { runQuickQueryCommand } from './runQuickQueryCommand';
import { setUserQueries, UserQueries, USER_QUERIES_KEY } from './userQueries';

const DEFAULT_MAX_ROWS = 1000;

/** containerDb.maxResultRows: rows a result holds before "Load more". */
export function maxResultRows(): number {
  const v = Math.floor(vscode.workspace.getConfiguration('containerDb').get<number>('maxResultRows', DEFAULT_MAX_ROWS));
  return Number.isFinite(v) && v >= 1 ? Math.min(v, 1_000_000) : DEFAULT_MAX_ROWS;
}

/** Export arguments from another extension or a test: nothing is asked for what is given. */
interface ExportArgs {
  format?: ExportFormat;
  /** 'clipboard', a file URI, or an absolute path. */
  to?: 'clipboard' | vscode.Uri | string;
}

function destinationOf(to: ExportArgs['to']): ExportDestination | undefined {
  if (to === undefined) return undefined;
  if (to === 'clipboard') return 'clipboard';
  return typeof to === 'string' ? vscode.Uri.file(to) : to;
}

export function registerQueries(s: Services, context: vscode.ExtensionContext): vscode.Disposable[] {
  const users = new UserQueries(s.log);
  setUserQueries(users);
  const runner = new QueryRunner();
  const databases = new QueryDatabases(s.store, defaultWorkerPath(context.extensionPath), s.log);
  const remembered = new Map<string, Map<string, string>>();
  const exporter = async (panel: ResultsPanel, format: ExportFormat, to?: ExportDestination) => {
    const result = panel.exportable();
    if (!result) throw new CdbError('USAGE', 'There is no result to export yet: run the query first.');
    return exportTo(result, format, panel.title, to);
  };
  const panels = new ResultsPanels(context.extensionUri, runner, s.errors, s.log, (p, f) => exporter(p, f), maxResultRows);
  const q: QueryServices = {
    databases,
    runner,
    panels,
    hosts: new HostDatabaseFinder(new HostDatabases(context.workspaceState)),
    rememberedParams(key) {
      let m = remembered.get(key);
      if (!m) remembered.set(key, (m = new Map()));
      return m;
    },
  };
  const consoles = new SqlConsoles();
  s.consoles = consoles;

  const commands: Record<string, { action: string; run: (arg?: unknown, extra?: unknown) => Promise<unknown> | unknown }> = {
    'containerDb.runQuickQuery': { action: 'Run Quick Query', run: (arg) => runQuickQueryCommand(s, q, arg) },
    'containerDb.runQuickQueryOnContainer': { action: 'Run Quick Query', run: (arg) => runQuickQueryCommand(s, q, arg, 'container') },
    'containerDb.runQuickQueryOnHost': { action: 'Run Quick Query', run: (arg) => runQuickQueryCommand(s, q, arg, 'host') },
    'containerDb.runQuickQueryOnBoth': { action: 'Run Quick Query', run: (arg) => runQuickQueryCommand(s, q, arg, 'both') },
    'containerDb.newSqlQuery': { action: 'New SQL Query', run: (arg) => newSqlQueryCommand(s, q, consoles, arg) },
    'containerDb.switchConsoleDatabase': { action: 'Switch Console Database', run: (arg) => switchConsoleDatabaseCommand(s, q, consoles, arg) },
    'containerDb.runConsoleQuery': { action: 'Run Query', run: (arg) => runConsoleQueryCommand(s, q, consoles, arg) },
    'containerDb.cancelQueries': { action: 'Cancel Running Queries', run: () => runner.cancelAll() },
    'containerDb.runningQueries': { action: 'Running Queries', run: () => runner.count },
    'containerDb.loadMoreResults': {
      action: 'Load More Rows',
      run: async () => {
        const panel = panels.active;
        if (!panel) throw new CdbError('USAGE', 'There is no query result to extend: run a quick query or a console statement first.');
        return panel.loadMore();
      },
    },
    // The results panel's pager / sort / filter (what its buttons do), for tests and other extensions: returns the page shown.
    'containerDb.pageResults': {
      action: 'Page Results',
      run: (arg) => {
        const panel = panels.active;
        if (!panel) throw new CdbError('USAGE', 'There is no query result to page: run a quick query or a console statement first.');
        return panel.applyView(arg);
      },
    },
    'containerDb.exportResult': {
      action: 'Export Result',
      run: async (arg) => {
        const a = (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {}) as ExportArgs;
        const panel = panels.active;
        if (!panel) throw new CdbError('USAGE', 'There is no query result to export: run a quick query or a console statement first.');
        const format = a.format && exportFormats.includes(a.format) ? a.format : await pickFormat();
        if (!format) return undefined;
        return exporter(panel, format, destinationOf(a.to));
      },
    },
    'containerDb.exportTable': {
      action: 'Export Table',
      run: async (arg, extra) => {
        const a = (arg && typeof arg === 'object' ? arg : {}) as { containerId?: unknown; table?: { name?: unknown } };
        if (typeof a.containerId !== 'string' || typeof a.table?.name !== 'string') throw new CdbError('USAGE', 'Export a table from the Containers view: right-click a table of a pulled database.');
        const container = s.docker.container(a.containerId);
        const tableName = a.table.name;
        const e = (extra && typeof extra === 'object' ? extra : {}) as ExportArgs;
        const format = e.format && exportFormats.includes(e.format) ? e.format : await pickFormat();
        if (!format) return undefined;
        const ref: DatabaseRef = { kind: 'container', containerId: a.containerId, containerName: container?.name ?? a.containerId.slice(0, 12) };
        const result = await runner.run(`Reading ${tableName}`, async (signal) => {
          const o = await databases.open(ref, signal);
          return o.engine.query(o.db, `SELECT * FROM ${quoteIdent(tableName)}`, undefined, { signal });
        });
        // The table is known here: its own secret columns (auth.password, ...) are masked, not just names that look secret.
        const policy = secretReveal.masking();
        return exportTo(policy ? maskResult(policy, tableName, result) : result, format, tableName, destinationOf(e.to));
      },
    },
  };

  return [
    // Reveal / Hide Secret Values: one switch for the grids, results, exports and compare views.
    ...secretReveal.register(s.log),
    runner,
    databases,
    panels,
    consoles,
    ...Object.entries(commands).map(([id, { action, run }]) => registerReportingCommand(s.errors, id, action, (arg, extra) => run(arg, extra))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`containerDb.${USER_QUERIES_KEY}`)) s.tree.refresh();
    }),
  ];
}
