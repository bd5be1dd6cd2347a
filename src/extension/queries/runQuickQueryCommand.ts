/**
 * Run Quick Query: the item's query on the container's snapshot, the host copy or both; the
 * parameters asked with their defaults shown; the result in a results panel (one per query and
 * target, re-used when run again).
 */
import { CdbError } from '../../core/errors';
import { findQuickQuery } from '../../core/queries';
import { paramNames } from '../../core/queries';
import type { QuickQuery } from '../../core/queries';
import { quickQuerySql, runQuickQuery, type QueryRun } from '../../core/queries';
import { compareResults } from '../../core/queries';
import type { Services } from '../services';
import { hostLabel } from './hostDatabaseFile';
import { askParams } from './paramInput';
import type { DatabaseRef, OpenedDatabase } from './queryDatabases';
import type { QueryServices } from './queryServices';
import type { ResultsContent } from './resultContent';
import type { ResultJob } from './resultsPanel';
import { isRunTarget, pickRunTarget, type RunTarget } from './targetPick';
import { userQueries } from './userQueries';

/** What the command accepts besides a tree item: for other extensions and tests (nothing is asked for what is given). */
export interface RunQuickQueryArgs {
  containerId?: string;
  containerName?: string;
  queryId?: string;
  target?: RunTarget;
  params?: Record<string, string>;
  /** Take every parameter that has a default as it is; ask only for the others. */
  useDefaults?: boolean;
}

interface Resolved {
  container: { id: string; name: string };
  query: QuickQuery;
}

function resolveArg(s: Services, arg: unknown): Resolved {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Record<string, unknown>;
  let query = a.query as QuickQuery | undefined;
  if (!query && typeof a.queryId === 'string') query = findQuickQuery(a.queryId, userQueries().all());
  if (!query) throw new CdbError('USAGE', 'Run a quick query from the Containers view: expand a pulled database, then Quick queries.');
  let id = typeof a.containerId === 'string' ? a.containerId : undefined;
  let name = typeof a.containerName === 'string' ? a.containerName : undefined;
  if (!id && name) id = s.docker.containers().find((c) => c.name === name)?.id;
  if (id && !name) name = s.docker.container(id)?.name ?? id.slice(0, 12);
  if (!id || !name) throw new CdbError('CONTAINER_NOT_FOUND', `No listed container is named ${name ?? '(none given)'}: refresh the Containers view.`);
  return { container: { id, name }, query };
}

export async function runQuickQueryCommand(s: Services, q: QueryServices, arg: unknown, forced?: RunTarget): Promise<ResultsContent | undefined> {
  const { container, query } = resolveArg(s, arg);
  const a = (arg && typeof arg === 'object' ? arg : {}) as RunQuickQueryArgs;
  const entry = s.store.get(container.id);
  if (!entry) throw new CdbError('USAGE', `The database of ${container.name} has not been pulled: run Inspect Container DB on it first.`);
  const target = forced ?? (isRunTarget(a.target) ? a.target : await pickRunTarget(entry.containerLabel, query.title, q.hosts));
  if (!target) return undefined;

  const containerRef: DatabaseRef = { kind: 'container', containerId: container.id, containerName: container.name };
  const hostRef = async (): Promise<DatabaseRef> => ({ kind: 'host', path: await q.hosts.require() });
  const refs: DatabaseRef[] = target === 'container' ? [containerRef] : target === 'host' ? [await hostRef()] : [containerRef, await hostRef()];

  const now = new Date();
  const hasDefault = (n: string) => query.params.some((p) => p.name === n && p.default !== undefined);
  const names = paramNames(quickQuerySql(query, entry.schema)).filter((n) => !(a.useDefaults && hasDefault(n)));
  const remembered = q.rememberedParams(`quick:${query.id}`);
  const given = await askParams(names, query.params, a.params ?? {}, remembered, { now }, query.title);
  if (!given) return undefined;

  const sourceOf = (r: DatabaseRef) => (r.kind === 'container' ? `${entry.containerLabel}:${entry.path}` : hostLabel(r.path));
  const run = (o: OpenedDatabase, limit: number, signal: AbortSignal): Promise<QueryRun> =>
    runQuickQuery(o.engine, o.db, query, given, { now, signal, maxRows: limit, schema: o.schema });

  const job: ResultJob = {
    title: target === 'both' ? `${query.title} (container ⇄ host)` : query.title,
    source: refs.map(sourceOf).join(' ⇄ '),
    async execute(limit, signal, report) {
      const started = Date.now();
      if (refs.length === 1) {
        report(`opening ${sourceOf(refs[0])}`);
        const o = await q.databases.open(refs[0], signal);
        report('running');
        const r = await run(o, limit, signal);
        return { kind: 'single', title: query.title, source: o.label, run: r, ms: Date.now() - started };
      }
      report(`opening ${sourceOf(refs[0])}`);
      const oa = await q.databases.open(refs[0], signal);
      report(`opening ${sourceOf(refs[1])}`);
      const ob = await q.databases.open(refs[1], signal);
      report(`running on ${oa.label}`);
      const ra = await run(oa, limit, signal);
      report(`running on ${ob.label}`);
      const rb = await run(ob, limit, signal);
      return { kind: 'compare', title: this.title, a: { label: entry.containerLabel, run: ra }, b: { label: 'host', run: rb }, cmp: compareResults(ra.result, rb.result), ms: Date.now() - started };
    },
  };
  const panel = q.panels.open(`quick:${container.id}:${query.id}:${target}`, job.title);
  return panel.run(job);
}
