import type { ContainerInfo, DatabaseLocation, MountInfo } from '../../core/types';
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
  usage: 'ls [--all] [--path P] [--json]',
  options: { all: { type: 'boolean', short: 'a' }, json: { type: 'boolean' }, path: { type: 'string' } },
  positionals: [0, 0],
  async run(ctx, { values }) {
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
    for (const c of containers) {
      ctx.out(table(['CONTAINER', 'IMAGE', 'STATE', 'ID'], [[c.name, c.image, c.status || c.state, c.id.slice(0, 12)]]));
      ctx.out(`  database: ${databaseLabel(c.database)}`);
      for (const m of c.mounts) ctx.out(`  mount:    ${mountLabel(m)}`);
      if (c.mounts.length === 0) ctx.out('  mount:    (none: data lives in the container layer and is lost with the container)');
      ctx.out();
    }
    return 0;
  },
};
