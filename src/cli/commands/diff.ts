import { diffDatabases, diffSqlStatements, type DatabaseDiff, type TableDiff } from '../../core/diff';
import { pagePair } from '../../core/diff';
import { CdbError, errorLine, isCdbError } from '../../core/errors';
import { secretPolicy, type SecretPolicy } from '../../core/secrets';
import type { DbHandle, SqlEngine } from '../../core/sqlEngine';
import type { SnapshotStamp } from '../../core/types';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import { json, printable, table } from '../format';
import { formatByteSize } from '../../core/byteSize';
import { stampJson } from '../stampJson';
import { loadSide, parseTarget, type DiffSide, type Target } from '../target';

/** By the convention of diff(1): 0 same, 1 different, 2 trouble. */
const EXIT_SAME = 0;
const EXIT_DIFFERENT = 1;
const EXIT_TROUBLE = 2;

function sideJson(text: string, side: DiffSide) {
  const s: SnapshotStamp = side.stamp;
  return { target: text, origin: s.origin, container: s.containerName ?? null, containerId: s.containerId ?? null, image: s.image ?? null, ...stampJson(s) };
}

export function diffJson(textA: string, a: DiffSide, textB: string, b: DiffSide, diff: DatabaseDiff) {
  return {
    a: sideJson(textA, a),
    b: sideJson(textB, b),
    identical: diff.identical,
    tables: diff.tables.map((t) => ({
      name: t.name,
      status: t.status,
      inserted: t.inserted,
      deleted: t.deleted,
      updated: t.updated,
      unchanged: t.unchanged,
      matchedBy: t.matchedBy,
      rowsCompared: t.rowsCompared,
      ...(t.note ? { note: t.note } : {}),
    })),
    schema: diff.schema.map((c) => ({ kind: c.kind, name: c.name, change: c.change, a: c.a ?? null, b: c.b ?? null, ...(c.columns ? { columns: c.columns } : {}) })),
  };
}

function sideLine(label: string, s: SnapshotStamp): string {
  const where = s.origin === 'container' ? `container ${s.containerName}:${s.path}` : `file ${s.path}`;
  return `${label}: ${where} (${formatByteSize(s.size)}${s.sha256 ? `, sha256 ${s.sha256.slice(0, 12)}…` : ''})`;
}

function statusWords(t: TableDiff): string {
  switch (t.status) {
    case 'only-in-a':
      return 'only in A';
    case 'only-in-b':
      return 'only in B';
    case 'schema-changed':
      return t.rowsCompared ? 'schema changed' : 'schema changed, rows not paired';
    default:
      return t.status;
  }
}

function headline(diff: DatabaseDiff): string {
  if (diff.identical) return 'A and B are identical (schema and rows).';
  const count = (pred: (t: TableDiff) => boolean) => diff.tables.filter(pred).length;
  const parts = [
    [count((t) => t.status === 'changed'), 'with changed rows'],
    [count((t) => t.status === 'schema-changed'), 'with a changed definition'],
    [count((t) => t.status === 'only-in-a'), 'only in A'],
    [count((t) => t.status === 'only-in-b'), 'only in B'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} table${n === 1 ? '' : 's'} ${what}`);
  const other = diff.schema.filter((c) => c.kind !== 'table').length;
  if (other) parts.push(`${other} index/view/trigger change${other === 1 ? '' : 's'}`);
  return `A and B differ: ${parts.join(', ')}.`;
}

function printHuman(ctx: CliContext, a: DiffSide, b: DiffSide, diff: DatabaseDiff): void {
  ctx.out(sideLine('A', a.stamp));
  ctx.out(sideLine('B', b.stamp));
  for (const w of [...a.stamp.warnings.map((w) => `A: ${w}`), ...b.stamp.warnings.map((w) => `B: ${w}`)]) ctx.out(`warning: ${w}`);
  ctx.out(headline(diff));
  ctx.out();
  const rows = diff.tables.map((t) => [
    t.name,
    statusWords(t),
    String(t.inserted),
    String(t.deleted),
    String(t.updated),
    t.rowsCompared ? String(t.unchanged) : '',
    t.matchedBy === 'rowid' ? 'rowid' : t.matchedBy === 'all-columns' ? 'whole rows (no key)' : t.keyColumns.join(', '),
  ]);
  ctx.out(table(['TABLE', 'STATUS', 'INSERTED', 'DELETED', 'UPDATED', 'UNCHANGED', 'PAIRED BY'], rows));
  const notes = diff.tables.filter((t) => t.note && t.status !== 'same');
  for (const t of notes) ctx.out(`note: ${printable(t.name)}: ${t.note}`);
  if (diff.schema.length) {
    ctx.out();
    for (const c of diff.schema) {
      const what = c.change === 'only-in-a' ? 'only in A' : c.change === 'only-in-b' ? 'only in B' : 'defined differently';
      const cols = c.columns
        ? [
            ...c.columns.added.map((n) => `+${n}`),
            ...c.columns.removed.map((n) => `-${n}`),
            ...c.columns.retyped.map((r) => `${r.name}: ${r.a || '(none)'} → ${r.b || '(none)'}`),
          ]
        : [];
      ctx.out(printable(`${c.kind} ${c.name}: ${what}${cols.length ? ` (${cols.join(', ')})` : ''}`));
    }
  }
}

/**
 * `table.column` of every secret column whose values the --sql statements write (rows inserted or
 * updated, tables created or rebuilt from B). The statements carry those values as they are: a
 * masked value would overwrite the secret in the database they are applied to.
 */
async function secretsWritten(engine: SqlEngine, b: DbHandle, diff: DatabaseDiff, policy: SecretPolicy, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  for (const t of diff.tables) {
    const rebuilt = t.status === 'only-in-b' || (t.status === 'schema-changed' && !t.rowsCompared);
    if (!rebuilt && t.inserted === 0 && t.updated === 0) continue;
    let columns = t.columns;
    if (rebuilt || columns.length === 0) {
      const r = await engine.query(b, 'SELECT name FROM pragma_table_info(?)', [t.name], { signal });
      columns = r.rows.map((row) => String(row[0]));
    }
    for (const c of columns) if (policy.isSecretColumn(t.name, c)) found.push(`${t.name}.${c}`);
  }
  return found;
}

interface Compared {
  sides: [DiffSide, DiffSide];
  handles: [DbHandle, DbHandle];
  diff: DatabaseDiff;
}

/**
 * Load both sides (two reads or pulls at once: each mostly waits on a disk or the engine), open
 * them and compare. No SHA-256: the comparison says whether the two are the same, and hashing two
 * 350 MiB images took longer than comparing them (bench: 0.9 s of 1.4 s). With `onDemand`, null
 * when a file read on demand moved under the comparison: the caller compares again, whole.
 */
async function compareOnce(
  ctx: CliContext,
  engine: SqlEngine,
  [textA, targetA]: [string, Target],
  [textB, targetB]: [string, Target],
  opts: { onDemand: boolean; tables?: string[]; schemaOnly: boolean; signal: AbortSignal; warm: Promise<void> },
): Promise<Compared | null> {
  const { signal, onDemand } = opts;
  const sides = await Promise.all([loadSide(ctx, targetA, { signal, onDemand }), loadSide(ctx, targetB, { signal, onDemand })]);
  // The pass over two files read on demand runs while the worker starts and reads the schemas.
  const pages = opts.schemaOnly ? undefined : pagePair(sides[0].image, sides[1].image, signal);
  pages?.catch(() => undefined); // awaited, with its errors, by diffDatabases
  const handles: DbHandle[] = [];
  const settled = async () => (await sides[0].settled()) && (await sides[1].settled());
  try {
    await opts.warm.catch(() => undefined);
    handles.push(await sides[0].open(engine, textA), await sides[1].open(engine, textB));
    const diff = await diffDatabases(engine, handles[0], handles[1], {
      tables: opts.tables,
      schemaOnly: opts.schemaOnly,
      sampleLimit: 0,
      signal,
      pages,
    });
    if (await settled()) return { sides, handles: handles as [DbHandle, DbHandle], diff };
  } catch (err) {
    // A file that changed while it was read can fail in any way (a page of another moment looks
    // corrupt); only when both held still is the error the answer.
    if (!onDemand || signal.aborted || (await settled())) throw err;
  }
  for (const h of handles) await engine.close(h);
  for (const s of sides) s.release();
  ctx.err('note: a database file changed while it was compared: comparing again from a consistent copy.');
  return null;
}

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'Compare two databases (files or container:NAME[:PATH]): rows paired by PRIMARY KEY as sqldiff --primarykey, and the schema. Exit 0 identical, 1 different, 2 error.',
  usage: [
    'diff <A> <B> [--json] [--sql] [--table T]... [--schema-only] [--reveal-secrets]   (A, B: FILE or container:NAME[:PATH])',
    '',
    '--sql writes the values of secret columns (passwords, API keys, tokens) as they are, since the',
    'statements must turn A into B; a note on stderr names those columns (--reveal-secrets: no note).',
  ].join('\n'),
  options: {
    json: { type: 'boolean' },
    sql: { type: 'boolean' },
    table: { type: 'string', multiple: true },
    'schema-only': { type: 'boolean' },
    'reveal-secrets': { type: 'boolean' },
  },
  positionals: [2, 2],
  async run(ctx, { values, positionals }) {
    // diff(1)'s exit codes: 1 means "different", so every failure here must be 2, not main's 1.
    try {
      if (values.json && values.sql) throw new CdbError('USAGE', '--json and --sql do not go together: choose one.');
      const [textA, textB] = positionals;
      const signal = ctx.abort.signal;
      const targetA = parseTarget(textA);
      const targetB = parseTarget(textB);
      const engine = ctx.engine();
      // The worker's start (thread, sql.js's wasm compiled) overlaps the reads: an empty image
      // opens as an empty database, and is closed at once.
      const warm = engine.open(new Uint8Array(0), 'warm-up').then((h) => engine.close(h));
      warm.catch(() => undefined); // a failing start shows again, as a CdbError, on the real open
      const tables = values.table as string[] | undefined;
      const schemaOnly = values['schema-only'] === true;
      const compare = (onDemand: boolean) => compareOnce(ctx, engine, [textA, targetA], [textB, targetB], { onDemand, tables, schemaOnly, signal, warm });
      // Host files are read on demand (--sql excepted: its statements are written while they are
      // read, too late to take them back if a file moved). A file that moved meanwhile is read
      // again, whole, the way that copies until a copy settles.
      const run = (values.sql ? null : await compare(true)) ?? (await compare(false));
      if (!run) throw new CdbError('MID_WRITE', 'The databases kept changing while they were compared: compare again in a moment.');
      const { sides, handles, diff } = run;
      const [a, b] = handles;
      if (values.sql) {
        if (!values['reveal-secrets'] && !schemaOnly) {
          const secret = await secretsWritten(engine, b, diff, secretPolicy(), signal);
          if (secret.length) ctx.err(printable(`note: the SQL holds the values of secret columns (${secret.join(', ')}): keep it as safe as the database.`));
        }
        for await (const stmt of diffSqlStatements(engine, a, b, { tables, schemaOnly, diff, signal })) ctx.out(stmt);
      } else if (values.json) {
        ctx.out(json(diffJson(textA, sides[0], textB, sides[1], diff)));
      } else {
        printHuman(ctx, sides[0], sides[1], diff);
      }
      return diff.identical ? EXIT_SAME : EXIT_DIFFERENT;
    } catch (err) {
      ctx.err(`container-db diff: ${errorLine(err)}`);
      if (ctx.globals.verbose && err instanceof Error && err.stack && !isCdbError(err)) ctx.err(err.stack);
      return EXIT_TROUBLE;
    }
  },
};
