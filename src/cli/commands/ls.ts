import { CdbError } from '../../core/errors';
import type { ContainerInfo, DatabaseLocation, MountInfo } from '../../core/types';
import type { CliContext } from '../context';
import type { CliCommand } from '../command';
import { json, table } from '../format';

function mountLabel(m: MountInfo): string {
  return m.kind === 'volume' ? `volume ${m.source} → ${m.destination} (isolated from host)` : `${m.kind} ${m.source} → ${m.destination}`;
}

function databaseLabel(db: DatabaseLocation): string {
  if (db.unsupported) return `(${db.unsupported.kind} via DATABASE_URL: not SQLite)`;
  const where = db.mount ? (db.mount.kind === 'volume' ? `volume ${db.mount.source}` : `${db.mount.kind} ${db.mount.source}`) : 'container filesystem';
  return `${db.path}  [${where}; from ${db.source}]`;
}

export function lsJson(c: ContainerInfo) {
  return {
    id: c.id,
    name: c.name,
    image: c.image,
    state: c.state,
    status: c.status,
    startedAt: c.startedAt ?? null,
    ports: c.ports,
    mounts: c.mounts.map((m) => ({ kind: m.kind, source: m.source, destination: m.destination, readOnly: m.readOnly, isolatedFromHost: m.isolatedFromHost })),
    database: {
      path: c.database.path || null,
      source: c.database.source,
      mount: c.database.mount ? { kind: c.database.mount.kind, source: c.database.mount.source, destination: c.database.mount.destination } : null,
      unsupported: c.database.unsupported ?? null,
    },
  };
}

export const lsCommand: CliCommand = {
  name: 'ls',
  summary: 'List running containers, their mounts (named volume or bind mount) and where each keeps its database.',
  usage: 'ls [--all] [--path P] [--json] [--all-engines]',
  options: { all: { type: 'boolean', short: 'a' }, json: { type: 'boolean' }, path: { type: 'string' }, 'all-engines': { type: 'boolean' } },
  positionals: [0, 0],
  async run(ctx, { values }) {
    if (values['all-engines']) return lsAllEngines(ctx, values.all === true, values.path as string | undefined, values.json === true);
    const engine = await ctx.docker();
    const containers = await engine.listContainers({ all: values.all === true, databasePath: values.path as string | undefined });
    if (values.json) {
      ctx.out(json(containers.map(lsJson)));
      return 0;
    }
    if (containers.length === 0) {
      ctx.out(values.all ? 'No containers.' : 'No running containers. (--all lists stopped ones too.)');
      return 0;
    }
    for (const c of containers) printContainer(ctx, c);
    return 0;
  },
};

function printContainer(ctx: CliContext, c: ContainerInfo, engine?: string): void {
  const head = ['CONTAINER', 'IMAGE', 'STATE', 'ID'];
  const row = [c.name, c.image, c.status || c.state, c.id.slice(0, 12)];
  ctx.out(engine === undefined ? table(head, [row]) : table(['ENGINE', ...head], [[engine, ...row]]));
  ctx.out(`  database: ${databaseLabel(c.database)}`);
  for (const m of c.mounts) ctx.out(`  mount:    ${mountLabel(m)}`);
  if (c.mounts.length === 0) ctx.out('  mount:    (none: data lives in the container layer and is lost with the container)');
  ctx.out();
}

/**
 * `ls --all-engines`: the default engine, every Docker context and Podman's engines, each listed on its own (an
 * unreachable one is one line saying why). Exit 0 when at least one engine answered, else 1.
 */
async function lsAllEngines(ctx: CliContext, all: boolean, databasePath: string | undefined, asJson: boolean): Promise<number> {
  if (ctx.globals.host || ctx.globals.context) {
    throw new CdbError('USAGE', '--all-engines lists every engine this machine knows (the default one, every Docker context, Podman\'s): leave out --host / --context.');
  }
  const { connectEngine, knownEngines, listAllEngines } = await import('../../core/docker');
  const engines = knownEngines({ env: ctx.env });
  if (ctx.globals.verbose) ctx.err(`engines: ${engines.map((e) => e.name).join(', ')}`);
  const listings = await listAllEngines(engines, connectEngine, { all, databasePath });
  const answered = listings.some((l) => l.containers);
  if (asJson) {
    ctx.out(
      json(
        listings.map((l) => ({
          engine: l.name,
          source: l.source,
          endpoint: l.endpoint,
          kind: l.kind ?? null,
          version: l.version ?? null,
          apiVersion: l.apiVersion ?? null,
          sameAs: l.sameAs ?? null,
          containers: l.containers ? l.containers.map(lsJson) : null,
          error: l.error ?? null,
        })),
      ),
    );
    return answered ? 0 : 1;
  }
  for (const l of listings) {
    if (l.error) {
      ctx.out(`engine ${l.name}: unreachable: ${l.error.message}`);
      continue;
    }
    if (l.sameAs) {
      ctx.out(`engine ${l.name}: ${l.endpoint}, the same engine as ${l.sameAs} (listed there)`);
      continue;
    }
    const n = l.containers?.length ?? 0;
    ctx.out(`engine ${l.name}: ${l.endpoint}, ${l.kind} ${l.version}, ${n} ${all ? '' : 'running '}${n === 1 ? 'container' : 'containers'}`);
    for (const c of l.containers ?? []) printContainer(ctx, c, l.name);
  }
  return answered ? 0 : 1;
}
