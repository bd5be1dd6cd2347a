import * as fs from 'node:fs';
import { CdbError } from '../../core/errors';
import { builtinQueries, findQuickQuery } from '../../core/queries';
import { blobLiteral, cellText, exportResult, toCsv, uniqueKeys, type ExportFormat } from '../../core/queries';
import { parseAssignment } from '../../core/queries';
import { missingTables, tableNames, userQueriesSetting, validateUserQueries, type QuickQuery } from '../../core/queries';
import { runQuickQuery, runSql, type QueryRun } from '../../core/queries';
import { compareResults, type SideBySide } from '../../core/queries';
import { readSchema } from '../../core/sqlEngine';
import { maskResult, maskSideBySide, secretPolicy, withoutValues, type SecretPolicy } from '../../core/secrets';
import type { QueryResult, SqlValue } from '../../core/types';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import { json, table } from '../format';
import { loadTarget, parseTarget } from '../target';

type OutputFormat = 'table' | ExportFormat;
const formats: OutputFormat[] = ['table', 'csv', 'json', 'markdown'];
/** A terminal table of a million rows helps nobody; exports are complete unless --max-rows says otherwise. */
const TABLE_MAX_ROWS = 1000;

interface What {
  quick?: QuickQuery;
  sql?: string;
  given: Record<string, string>;
}

function parseParams(values: string[] | undefined): Record<string, string> {
  const given: Record<string, string> = {};
  for (const text of values ?? []) {
    const [name, value] = parseAssignment(text);
    if (name in given) throw new CdbError('USAGE', `--param ${name} is given twice.`);
    given[name] = value;
  }
  return given;
}

function parseMaxRows(text: string | undefined, format: OutputFormat): number | undefined {
  if (text === undefined) return format === 'table' ? TABLE_MAX_ROWS : undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CdbError('USAGE', `--max-rows: '${text}' is not a positive whole number.`);
  return Number(text);
}

/** On screen, REAL shows 15 significant digits as sqlite3 does (1.4, not 1.4000000000000001); exports keep every digit. */
function terminalCell(v: SqlValue): string {
  if (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)) return String(Number(v.toPrecision(15)));
  return v instanceof Uint8Array ? blobLiteral(v, 16) : cellText(v, 'NULL');
}

function render(result: QueryResult, format: OutputFormat): string {
  if (format !== 'table') return exportResult(result, format).replace(/\n$/, '');
  if (result.columns.length === 0) return '(no result set)';
  return table(result.columns, result.rows.map((r) => r.map(terminalCell)));
}

function paramLine(run: QueryRun, quick?: QuickQuery): string | undefined {
  const names = Object.keys(run.params.values);
  if (names.length === 0) return undefined;
  return (
    'parameters: ' +
    names
      .map((n) => {
        const v = run.params.values[n];
        const shown = v === '' ? "''" : terminalCell(v);
        const hint = run.params.sources[n] === 'default' ? ` (default${v === '' && quick ? `: ${quick.params.find((p) => p.name === n)?.hint ?? ''}` : ''})` : '';
        return `${n}=${shown}${hint}`;
      })
      .join(', ')
  );
}

/**
 * User-defined quick queries, as the extension reads them from the setting: a JSON file holding
 * the array, or a settings.json-like object with a "containerDb.queries" key (plain JSON, no
 * comments). Bad entries are reported, one line each, and the good ones still load.
 */
function loadUserQueries(ctx: CliContext, file: string | undefined): QuickQuery[] {
  if (file === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message.split('\n')[0];
    throw new CdbError('USAGE', `--queries ${file}: cannot read it as JSON (${why}).`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && userQueriesSetting in value) {
    value = (value as Record<string, unknown>)[userQueriesSetting];
  }
  const { queries, problems } = validateUserQueries(value, builtinQueries.map((q) => q.id));
  for (const p of problems) ctx.err(`warning: ${file}: ${p}`);
  return queries;
}

function listCatalogue(ctx: CliContext, available?: Set<string>, extra: QuickQuery[] = []): void {
  const rows = [...builtinQueries, ...extra].map((q) => {
    const missing = available ? missingTables(q, available) : [];
    const params = q.params.map((p) => `${p.name}${p.default === undefined ? '' : '?'}`).join(' ');
    return [q.id, available ? (missing.length ? `no (needs ${missing.join(', ')})` : 'yes') : q.requires.join(', ') || '-', params || '-', q.title];
  });
  ctx.out(table(['ID', available ? 'AVAILABLE' : 'NEEDS TABLES', 'PARAMETERS (? = has default)', 'TITLE'], rows));
  ctx.out('');
  ctx.out("Run one with: container-db query <target> --quick <id> [--param name=value]...");
}

async function runOn(ctx: CliContext, targetText: string, what: What, maxRows: number | undefined): Promise<{ label: string; run: QueryRun }> {
  // No SHA-256: a query's output does not show it.
  const loaded = await loadTarget(ctx, parseTarget(targetText), { signal: ctx.abort.signal, hash: false });
  for (const w of loaded.snapshot.stamp.warnings) ctx.err(`warning (${targetText}): ${w}`);
  const engine = ctx.engine();
  const db = await engine.open(loaded.snapshot, targetText);
  const opts = { signal: ctx.abort.signal, maxRows };
  try {
    const run = what.quick ? await runQuickQuery(engine, db, what.quick, what.given, opts) : await runSql(engine, db, what.sql!, what.given, opts);
    return { label: targetText, run };
  } catch (err) {
    // SQLite can quote a cell value in its message (a column used as a JSON path): never on stderr.
    throw withoutValues(err);
  }
}

function sumText(v: number | bigint | null): string {
  return v === null ? '' : typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(12))) : v.toString();
}

const marker = { same: ' ', changed: '|', onlyA: '<', onlyB: '>' } as const;

function renderBoth(ctx: CliContext, cmp: SideBySide, labels: [string, string], format: OutputFormat): void {
  if (format === 'json') {
    const side = (i: 0 | 1) => {
      const t = i === 0 ? cmp.totals.a : cmp.totals.b;
      const cols = i === 0 ? cmp.columnsA : cmp.columnsB;
      return { target: labels[i], columns: cols, rows: t.rows, totals: Object.fromEntries(cols.map((c, k) => [c, t.sums[k]]).filter(([, s]) => s !== null)) };
    };
    const keysA = uniqueKeys(cmp.columnsA);
    const keysB = uniqueKeys(cmp.columnsB);
    const obj = (keys: string[], row?: SqlValue[]) => (row ? Object.fromEntries(keys.map((k, i) => [k, row[i]])) : null);
    ctx.out(
      json({
        a: side(0),
        b: side(1),
        pairedBy: cmp.pairedBy,
        counts: cmp.counts,
        pairs: cmp.pairs.map((p) => ({ status: p.status, changed: p.changed.map((i) => cmp.columnsA[i]), a: obj(keysA, p.a), b: obj(keysB, p.b) })),
      }),
    );
    return;
  }
  if (format === 'csv' || format === 'markdown') {
    const columns = ['status', ...cmp.columnsA.map((c) => `A.${c}`), ...cmp.columnsB.map((c) => `B.${c}`)];
    const pad = (row: SqlValue[] | undefined, n: number) => row ?? new Array<SqlValue>(n).fill(null);
    const rows = cmp.pairs.map((p) => [p.status, ...pad(p.a, cmp.columnsA.length), ...pad(p.b, cmp.columnsB.length)]);
    ctx.out((format === 'csv' ? toCsv({ columns, rows }) : exportResult({ columns, rows }, 'markdown')).replace(/\r?\n$/, ''));
    return;
  }
  const cells = (row: SqlValue[] | undefined, n: number, changed: number[]) =>
    row ? row.map((v, i) => terminalCell(v) + (changed.includes(i) ? '*' : '')) : new Array<string>(n).fill('');
  const rows = cmp.pairs.map((p) => [marker[p.status], ...cells(p.a, cmp.columnsA.length, p.changed), '│', ...cells(p.b, cmp.columnsB.length, p.changed)]);
  ctx.out(`A: ${labels[0]}   │   B: ${labels[1]}`);
  ctx.out(table(['', ...cmp.columnsA, '│', ...cmp.columnsB], rows));
  ctx.out('');
  for (const [name, t, cols] of [['A', cmp.totals.a, cmp.columnsA], ['B', cmp.totals.b, cmp.columnsB]] as const) {
    const sums = cols.map((c, i) => (t.sums[i] === null ? '' : `${c} ${sumText(t.sums[i])}`)).filter(Boolean);
    ctx.out(`totals ${name}: ${t.rows} rows${sums.length ? '; ' + sums.join(', ') : ''}`);
  }
  const c = cmp.counts;
  ctx.out(
    `${c.same} same, ${c.changed} differ (|, changed cells *), ${c.onlyA} only in A (<), ${c.onlyB} only in B (>); rows paired by ${cmp.pairedBy === 'firstColumn' ? `${cmp.columnsA[0]}` : 'position'}.`,
  );
}

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'Run read-only SQL or a quick query on a database file or a container snapshot, or on both side by side.',
  usage: [
    'query <target> "<sql>" [--param name=value]... [--format table|csv|json|markdown] [--max-rows N] [--reveal-secrets]',
    '       container-db query <target> --quick <id> [--param name=value]... [--format ...]',
    '       container-db query --both <A> <B> ("<sql>" | --quick <id>) [--param ...] [--format ...]',
    '       container-db query --list [<target>]',
    '',
    'Every form takes --queries FILE: your own quick queries, as JSON (the value of the',
    'containerDb.queries setting, or a settings file holding it); bad entries are reported.',
    '',
    'A target is a database file or container:NAME[:PATH]. Named parameters (:name, @name, $name)',
    'take their values from --param; numbers bind as numbers, other values as text.',
    '',
    'Secrets are masked (••••••••; NULL stays NULL): columns named like a password, token, secret or',
    'API key, and such keys inside JSON values; --secret-pattern REGEX (matched case-insensitively',
    'against names) masks more. --reveal-secrets prints them as they are.',
  ].join('\n'),
  options: {
    param: { type: 'string', short: 'p', multiple: true },
    format: { type: 'string', short: 'f' },
    'max-rows': { type: 'string' },
    quick: { type: 'string', short: 'q' },
    both: { type: 'boolean' },
    list: { type: 'boolean' },
    queries: { type: 'string' },
    'reveal-secrets': { type: 'boolean' },
    'secret-pattern': { type: 'string' },
  },
  positionals: [0, 3],
  async run(ctx, { values, positionals }) {
    const format = (values.format ?? 'table') as OutputFormat;
    if (!formats.includes(format)) throw new CdbError('USAGE', `--format: '${String(values.format)}' is not one of ${formats.join(', ')}.`);
    const userQueries = loadUserQueries(ctx, values.queries as string | undefined);
    if (values.list) {
      if (positionals.length > 1) throw new CdbError('USAGE', '--list takes at most one target (to show which quick queries it can run).');
      if (positionals.length === 0) {
        listCatalogue(ctx, undefined, userQueries);
        return 0;
      }
      const loaded = await loadTarget(ctx, parseTarget(positionals[0]), { signal: ctx.abort.signal, hash: false });
      const engine = ctx.engine();
      const db = await engine.open(loaded.snapshot, positionals[0]);
      listCatalogue(ctx, tableNames(await readSchema(engine, db, { countRows: false, signal: ctx.abort.signal })), userQueries);
      return 0;
    }
    const quickId = values.quick as string | undefined;
    const targets = values.both ? 2 : 1;
    const expected = targets + (quickId === undefined ? 1 : 0);
    if (positionals.length !== expected) {
      const shape = `${values.both ? '<A> <B>' : '<target>'} ${quickId === undefined ? '"<sql>"' : '--quick <id>'}`;
      throw new CdbError('USAGE', `expected ${shape} (got ${positionals.length} argument(s)). Run 'container-db query --help'.`);
    }
    let quick: QuickQuery | undefined;
    if (quickId !== undefined) {
      quick = findQuickQuery(quickId, userQueries);
      if (!quick) throw new CdbError('USAGE', `No quick query '${quickId}'. Run 'container-db query --list' for the catalogue.`);
    }
    const sql = quick ? undefined : positionals[targets];
    if (sql !== undefined && sql.trim() === '') throw new CdbError('USAGE', 'The SQL is empty.');
    const what: What = { quick, sql, given: parseParams(values.param as string[] | undefined) };
    const maxRows = parseMaxRows(values['max-rows'] as string | undefined, format);
    const pattern = values['secret-pattern'] as string | undefined;
    const policy: SecretPolicy | undefined = values['reveal-secrets'] ? undefined : secretPolicy(pattern, '--secret-pattern');

    if (!values.both) {
      const { run } = await runOn(ctx, positionals[0], what, maxRows);
      const line = paramLine(run, quick);
      if (line) ctx.err(line);
      if (run.notice) ctx.err(`note: ${run.notice}`);
      // Result columns have no table of origin here (any SQL): secrets are recognised by name.
      ctx.out(render(policy ? maskResult(policy, undefined, run.result) : run.result, format));
      if (run.result.truncated) ctx.err(`(showing the first ${maxRows} rows; --max-rows N to change)`);
      else if (format === 'table' && run.result.columns.length > 0) ctx.err(`(${run.result.rows.length} row${run.result.rows.length === 1 ? '' : 's'})`);
      return 0;
    }
    const a = await runOn(ctx, positionals[0], what, maxRows);
    const b = await runOn(ctx, positionals[1], what, maxRows);
    const line = paramLine(a.run, quick);
    if (line) ctx.err(line);
    if (a.run.notice) ctx.err(`note (A): ${a.run.notice}`);
    if (b.run.notice) ctx.err(`note (B): ${b.run.notice}`);
    // Paired on the real values (a changed secret still shows as changed), masked for display.
    const cmp = compareResults(a.run.result, b.run.result);
    renderBoth(ctx, policy ? maskSideBySide(cmp, policy) : cmp, [a.label, b.label], format);
    if (a.run.result.truncated || b.run.result.truncated) ctx.err(`(each side shows at most ${maxRows} rows; --max-rows N to change)`);
    return 0;
  },
};
