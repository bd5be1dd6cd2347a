import { diffDatabases, diffRows, type KeyedRow, type RowKind, type TableDiff, type UpdatedRow } from '../../core/diff';
import { CdbError, isCdbError } from '../../core/errors';
import { databasePathOf } from '../../core/inspect';
import { maskCell, secretPolicy, type SecretPolicy } from '../../core/secrets';
import { watchDatabase, type WatchUpdate } from '../../core/snapshot';
import type { DbHandle, SqlEngine } from '../../core/sqlEngine';
import type { SqlValue } from '../../core/types';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import { printable } from '../format';

/** Rows of one kind fetched per query while printing a change: keyset pages, so a big change streams. */
const PAGE_ROWS = 500;
/** A value longer than this is cut in the plain-text lines (--json carries it whole). */
const SHOWN_CHARS = 60;

const KIND_WORD: Record<RowKind, 'insert' | 'delete' | 'update'> = { inserted: 'insert', deleted: 'delete', updated: 'update' };

/** One changed row, as --json prints it (one object a line) and the plain text renders it. */
export interface RowChange {
  time: string;
  table: string;
  kind: 'insert' | 'delete' | 'update';
  key: Record<string, SqlValue>;
  /** The columns whose value changed (an update), or every column (an insert or a delete). */
  columns: string[];
  /** insert: the new row; delete: the old one. */
  values?: Record<string, SqlValue>;
  /** update: the changed columns' values before and after. */
  old?: Record<string, SqlValue>;
  new?: Record<string, SqlValue>;
}

function parseInterval(text: string | undefined): number {
  if (text === undefined) return 2000;
  const s = Number(text);
  if (!Number.isFinite(s) || s < 0.1 || s > 3600) throw new CdbError('USAGE', `--interval: '${text}' is not a number of seconds between 0.1 and 3600 (e.g. 1, 0.5).`);
  return Math.round(s * 1000);
}

function shown(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return `<blob ${v.length} bytes>`;
  const chars = [...v];
  const cut = chars.length > SHOWN_CHARS ? chars.slice(0, SHOWN_CHARS).join('') + '…' : v;
  return printable(`'${cut.replace(/'/g, "''")}'`);
}

const pick = (names: string[], values: SqlValue[], wanted: string[]) => Object.fromEntries(wanted.map((c) => [c, values[names.indexOf(c)]]));

export function changeLine(c: RowChange): string {
  const key = Object.entries(c.key).map(([k, v]) => `${k}=${shown(v)}`).join(' ');
  let detail: string;
  if (c.kind === 'update') detail = c.columns.map((col) => `${col}: ${shown(c.old![col])} → ${shown(c.new![col])}`).join(', ');
  else detail = c.columns.map((col) => `${col}=${shown(c.values![col])}`).join(', ');
  return printable(`${c.time.slice(11, 19)}  ${c.table}  ${c.kind}  ${key}  ${detail}`);
}

export function changeJson(c: RowChange): string {
  return JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
}

/** Every changed row of one table, a page at a time, values masked unless `policy` is null. */
async function* tableChanges(sql: SqlEngine, a: DbHandle, b: DbHandle, t: TableDiff, time: string, policy: SecretPolicy | null, signal: AbortSignal): AsyncGenerator<RowChange> {
  const mask = (col: string, v: SqlValue) => (policy ? maskCell(policy.isSecretColumn(t.name, col), v, policy) : v);
  const masked = (o: Record<string, SqlValue>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mask(k, v)]));
  for (const kind of ['inserted', 'updated', 'deleted'] as const) {
    if (t[kind] === 0) continue;
    let after: SqlValue[] | undefined;
    do {
      const page = await diffRows(sql, a, b, t.name, kind, { after, limit: PAGE_ROWS, signal });
      for (const row of page.rows) {
        const key = masked(Object.fromEntries(t.keyColumns.map((k, i) => [k, row.key[i]])));
        if (kind === 'updated') {
          const u = row as UpdatedRow;
          yield { time, table: t.name, kind: 'update', key, columns: u.changedColumns, old: masked(pick(t.columns, u.a, u.changedColumns)), new: masked(pick(t.columns, u.b, u.changedColumns)) };
        } else {
          const r = row as KeyedRow;
          yield { time, table: t.name, kind: KIND_WORD[kind], key, columns: t.columns, values: masked(pick(t.columns, r.values, t.columns)) };
        }
      }
      after = page.after;
    } while (after);
  }
}

async function printUpdate(ctx: CliContext, sql: SqlEngine, a: DbHandle, b: DbHandle, u: WatchUpdate, opts: { tables?: string[]; json: boolean; policy: SecretPolicy | null; signal: AbortSignal }): Promise<void> {
  const diff = await diffDatabases(sql, a, b, { tables: opts.tables, sampleLimit: 0, signal: opts.signal });
  const time = u.current.stamp.pulledAt;
  for (const t of diff.tables) {
    if (t.status === 'same') continue;
    if (!t.rowsCompared) {
      // A table created, dropped or redefined: its rows cannot be paired, so say what happened to it.
      const what = t.status === 'only-in-b' ? 'created' : t.status === 'only-in-a' ? 'dropped' : 'redefined';
      if (opts.json) ctx.out(JSON.stringify({ time, table: t.name, kind: 'schema', change: what, inserted: t.inserted, deleted: t.deleted }));
      else ctx.out(printable(`${time.slice(11, 19)}  ${t.name}  schema  table ${what} (${t.inserted} rows in the new one, ${t.deleted} in the old)`));
      continue;
    }
    for await (const c of tableChanges(sql, a, b, t, time, opts.policy, opts.signal)) ctx.out(opts.json ? changeJson(c) : changeLine(c));
  }
}

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: "Follow a container's database: one line per changed row (time, table, insert/update/delete, key, changed columns) until Ctrl+C. Re-pulls only when the files move.",
  usage: [
    'watch <container> [--path P] [--table T]... [--interval S] [--json] [--reveal-secrets]',
    '',
    'Every S seconds (default 2) the engine is asked for the stat of the database and its -wal /',
    '-journal; when one moved the database is pulled again (in WAL mode only the -wal) and compared',
    'with the previous pull, rows paired as sqldiff --primarykey pairs them. --json: one object a',
    'line. Secret values are masked unless --reveal-secrets. Ends with exit 1 when the container stops.',
  ].join('\n'),
  options: {
    path: { type: 'string' },
    table: { type: 'string', multiple: true },
    interval: { type: 'string' },
    json: { type: 'boolean' },
    'reveal-secrets': { type: 'boolean' },
  },
  positionals: [1, 1],
  async run(ctx, { values, positionals }) {
    const intervalMs = parseInterval(values.interval as string | undefined);
    const signal = ctx.abort.signal;
    const tables = values.table as string[] | undefined;
    const policy = values['reveal-secrets'] ? null : secretPolicy();
    const engine = await ctx.docker();
    const container = await engine.findContainer(positionals[0], { databasePath: values.path as string | undefined });
    const path = databasePathOf(container);
    const sql = ctx.engine();
    let previous: DbHandle | undefined;
    try {
      for await (const u of watchDatabase(engine, container, path, { intervalMs, signal, freeze: ctx.globals.freeze, maxBytes: ctx.globals.maxBytes, hash: false })) {
        const current = await sql.open(u.current, u.previous ? 'current' : 'first');
        if (previous) {
          await printUpdate(ctx, sql, previous, current, u, { tables, json: values.json === true, policy, signal });
          await sql.close(previous);
        } else {
          ctx.err(printable(`Watching ${container.name}:${path} every ${intervalMs / 1000} s: one line per changed row. Ctrl+C to stop.`));
        }
        previous = current;
      }
    } catch (err) {
      // Ctrl+C is how a watch ends: no error.
      if (signal.aborted && isCdbError(err, 'CANCELLED')) return 0;
      throw err;
    } finally {
      if (previous) await sql.close(previous).catch(() => undefined);
    }
    return 0;
  },
};
