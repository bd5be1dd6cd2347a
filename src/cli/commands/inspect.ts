import { openSnapshot } from '../../core/inspect';
import { formatByteSize } from '../../core/byteSize';
import type { SchemaInfo, SnapshotStamp } from '../../core/types';
import type { CliCommand } from '../command';
import { json, table } from '../format';
import { lsJson } from './ls';
import { stampJson } from '../stampJson';
import { loadTarget, parseTarget } from '../target';

function stampLines(s: SnapshotStamp): string[] {
  const lines = [
    `${s.origin === 'container' ? `container ${s.containerName} (${s.containerId?.slice(0, 12)}, ${s.image})` : 'file'}: ${s.path}`,
    `size ${formatByteSize(s.size)}, mtime ${s.mtime}, sha256 ${s.sha256 ? `${s.sha256.slice(0, 16)}…` : 'not computed'}, WAL frames applied ${s.walFramesApplied}, pulled ${s.pulledAt}`,
  ];
  return [...lines, ...s.warnings.map((w) => `warning: ${w}`)];
}

export function schemaJson(schema: SchemaInfo) {
  return schema.tables
    .filter((t) => !t.system)
    .map((t) => ({
      name: t.name,
      rows: t.rows,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type, pk: c.pk > 0, notNull: c.notNull })),
    }));
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: "Pull a container's database as a consistent snapshot (WAL included) and print its tables with row counts.",
  usage: 'inspect <container | file> [--path P] [--json]',
  options: { path: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [1, 1],
  async run(ctx, { values, positionals }) {
    const arg = positionals[0];
    const target = arg.startsWith('container:') || arg.includes('/') ? parseTarget(arg) : { kind: 'container' as const, name: arg };
    const engine = ctx.engine();
    // sql.js's wasm compiles while the archive streams in.
    engine.preload();
    const loaded = await loadTarget(ctx, target, { pathOverride: values.path as string | undefined, signal: ctx.abort.signal, hash: 'later' });
    const { snapshot, schema } = await openSnapshot(engine, loaded.snapshot, loaded.snapshot.stamp.path, ctx.abort.signal);
    const { stamp } = snapshot;
    if (values.json) {
      ctx.out(
        json({
          container: loaded.container ? lsJson(loaded.container) : null,
          ...stampJson(stamp),
          tables: schemaJson(schema),
          views: schema.views.map((v) => v.name),
          indexes: schema.indexes.map((i) => ({ name: i.name, table: i.table, unique: i.unique, columns: i.columns })),
          triggers: schema.triggers.map((t) => ({ name: t.name, table: t.table })),
        }),
      );
      return 0;
    }
    for (const line of stampLines(stamp)) ctx.out(line);
    ctx.out();
    const rows = schema.tables
      .filter((t) => !t.system)
      .map((t) => [t.name, String(t.rows ?? ''), t.columns.map((c) => `${c.name}${c.pk ? '*' : ''}${c.type ? ' ' + c.type : ''}`).join(', ')]);
    ctx.out(table(['TABLE', 'ROWS', 'COLUMNS (* primary key)'], rows));
    if (schema.views.length) ctx.out(`\nviews: ${schema.views.map((v) => v.name).join(', ')}`);
    if (schema.triggers.length) ctx.out(`triggers: ${schema.triggers.map((t) => t.name).join(', ')}`);
    return 0;
  },
};
