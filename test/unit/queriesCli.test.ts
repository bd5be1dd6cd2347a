/**
 * `container-db query` as a user runs it: the bundled CLI (dist/cli.js, `node esbuild.js`) as a
 * child process, with Debian's sqlite3 as the reference for the same SQL on the same file, and one
 * real container (prefix cdbt-f-) for the side-by-side case the project exists for.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maiFork } from '../../src/core/queries/maiFork';
import { assertOneLineError, runCli } from '../support/cli';
import { createOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { generateUsageData, writeUsageDb, type UsageData } from '../support/usageData';

const PREFIX = 'cdbt-f-';
const PY_CSV = 'import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))';

function csvRows(text: string): string[][] {
  return JSON.parse(execFileSync('python3', ['-c', PY_CSV], { input: text, encoding: 'utf8' })) as string[][];
}

describe('container-db query (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let hostCopy: string;
  let data: UsageData;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-query-cli-'));
    data = generateUsageData({ today: '2025-06-17', seed: 11 });
    file = writeUsageDb(path.join(dir, 'container.db'), data);
    // The host copy: the same data, except that u-001's usage on one day never reached it and one
    // user was added by hand: the two databases of the seed case.
    hostCopy = path.join(dir, 'host.db');
    fs.copyFileSync(file, hostCopy);
    execFileSync('sqlite3', [hostCopy, `DELETE FROM client_user_daily_usage WHERE id = (SELECT id FROM client_user_daily_usage WHERE user_id = 'u-001' AND client_org_id = 'org_main' AND usage_date >= '2025-06-01' ORDER BY usage_date LIMIT 1);
      INSERT INTO "user" (id, name, email, role, last_active_at, updated_at, created_at) VALUES ('u-host', 'Host only', 'h@example.com', 'user', 0, 0, 0);`]);
  });

  after(async () => {
    await removeByPrefix(PREFIX);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--format csv gives the cells sqlite3 -csv gives for the same SQL', async () => {
    const sql = `SELECT u.id, u.name, u.role, count(d.id) AS days, sum(d.total_tokens) AS tokens, sum(d.raw_cost) AS raw
                 FROM "user" u LEFT JOIN client_user_daily_usage d ON d.user_id = u.id GROUP BY u.id ORDER BY u.id`;
    const run = await runCli(['query', file, sql, '--format', 'csv']);
    assert.equal(run.code, 0, run.stderr);
    const ref = execFileSync('sqlite3', ['-readonly', '-csv', '-header', file, sql], { encoding: 'utf8' });
    assert.deepEqual(csvRows(run.stdout), csvRows(ref));
    assert.ok(csvRows(run.stdout).some((r) => r[1].includes('"')), 'a name with quotes and a comma went through');
  });

  it('binds --param values; a missing one is a usage error that names it', async () => {
    const sql = 'SELECT count(*) AS n FROM client_user_daily_usage WHERE client_org_id = :org AND total_tokens > @min';
    const run = await runCli(['query', file, sql, '--param', 'org=org_main', '--param', 'min=1000', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const expected = data.userDaily.filter((r) => r.client_org_id === 'org_main' && r.total_tokens > 1000).length;
    assert.deepEqual(JSON.parse(run.stdout), [{ n: expected }]);
    const missing = await runCli(['query', file, sql, '--param', 'org=org_main']);
    assert.equal(missing.code, 2);
    assert.match(assertOneLineError(missing), /Missing value for parameter\(s\) :min: pass --param min=…/);
  });

  it('--quick runs a catalogue query with its defaults and reports them', async () => {
    const run = await runCli(['query', file, '--quick', 'usage-by-model', '--param', 'from=2025-06-01', '--param', 'to=2025-06-17', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as Array<{ model_name: string; total_tokens: number | null; in_tab: number }>;
    const listed = new Set(maiFork.supportedModels.map((m) => m.id));
    const expected = new Map<string, number>([...listed].map((m) => [m, 0]));
    for (const r of data.modelDaily) {
      if (listed.has(r.model_name) && r.client_org_id === 'org_main' && r.usage_date >= '2025-06-01' && r.usage_date <= '2025-06-17') expected.set(r.model_name, expected.get(r.model_name)! + r.total_tokens);
    }
    assert.deepEqual(new Map(rows.filter((r) => r.in_tab === 1).map((r) => [r.model_name, r.total_tokens])), expected);
    assert.match(run.stderr, /^parameters: from=2025-06-01, to=2025-06-17, org='' \(default/m);
    const unknown = await runCli(['query', file, '--quick', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(assertOneLineError(unknown), /No quick query 'nope'/);
  });

  it('refuses a write with one line, and the file is unchanged', async () => {
    const before = fs.readFileSync(file);
    const run = await runCli(['query', file, 'SELECT 1; DELETE FROM "user"']);
    assert.equal(run.code, 1);
    assert.match(assertOneLineError(run), /Statement 2 \(DELETE\) would change the database/);
    // Past the guard (a write it cannot see), the engine's read-only connection stops it.
    const sneaky = await runCli(['query', file, 'SELECT 1; PRAGMA query_only(0); DELETE FROM "user"']);
    assert.equal(sneaky.code, 1);
    assert.match(assertOneLineError(sneaky), /read-only/);
    assert.ok(before.equals(fs.readFileSync(file)));
  });

  it('--list shows the catalogue, and with a target which queries it can run', async () => {
    const all = await runCli(['query', '--list']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^usage-by-user\s/m);
    const forFile = await runCli(['query', '--list', file]);
    assert.match(forFile.stdout, /^global-settings\s+no \(needs global_settings\)/m);
    assert.match(forFile.stdout, /^usage-by-user\s+yes/m);
  });

  it('--queries FILE adds user-defined quick queries; bad entries are reported, good ones run', async () => {
    const queries = path.join(dir, 'settings.json');
    fs.writeFileSync(
      queries,
      JSON.stringify({
        'containerDb.queries': [
          { id: 'heavy-users', title: 'Heavy users', sql: 'SELECT user_id, sum(total_tokens) AS t FROM client_user_daily_usage WHERE client_org_id = :org GROUP BY user_id HAVING t > :min ORDER BY user_id', params: [{ name: 'org', default: 'org_main' }, { name: 'min', type: 'integer' }] },
          { id: 'broken', title: 'No SQL' },
          { id: 'wipe', title: 'Wipe', sql: 'DELETE FROM chat' },
        ],
      }),
    );
    const run = await runCli(['query', file, '--queries', queries, '--quick', 'heavy-users', '--param', 'min=500000', '--format', 'csv']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^warning: .*settings\.json: containerDb\.queries\[1\]: 'sql' is missing\.$/m);
    const totals = new Map<string, number>();
    for (const r of data.userDaily) if (r.client_org_id === 'org_main') totals.set(r.user_id, (totals.get(r.user_id) ?? 0) + r.total_tokens);
    const expected = [...totals].filter(([, t]) => t > 500000).sort(([x], [y]) => x.localeCompare(y)).map(([u, t]) => [u, String(t)]);
    assert.ok(expected.length > 0);
    assert.deepEqual(csvRows(run.stdout).slice(1), expected);
    const wipe = await runCli(['query', file, '--queries', queries, '--quick', 'wipe']);
    assert.equal(wipe.code, 1);
    assert.match(wipe.stderr.trim().split('\n').at(-1)!, /This DELETE statement would change the database/);
    const missing = await runCli(['query', file, '--queries', queries, '--quick', 'heavy-users']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Missing value for parameter\(s\) :min/);
  });

  it('--both: a container snapshot and the host copy side by side, differences marked, totals per side', async () => {
    await removeByPrefix(PREFIX);
    const container = await createOpenWebuiContainer({ name: `${PREFIX}webui`, volume: `${PREFIX}data`, dbFile: file });
    const a = `container:${container.name}`;
    const args = ['query', '--both', a, hostCopy, '--quick', 'usage-by-user', '--param', 'from=2025-06-01', '--param', 'to=2025-06-17'];
    const run = await runCli(args);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[0], new RegExp(`^A: ${a}\\s+│\\s+B: ${hostCopy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    assert.ok(lines.some((l) => /^\|\s+u-001\s/.test(l)), 'u-001 differs');
    assert.ok(lines.some((l) => /^>\s+│\s+u-host\s/.test(l)), 'u-host is only in B');
    assert.match(run.stdout, /^totals A: \d+ rows; total_tokens \d+/m);
    assert.match(run.stdout, /1 differ .*0 only in A \(<\), 1 only in B \(>\); rows paired by user_id\./);

    const json = await runCli([...args, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { a: { totals: Record<string, number> }; b: { totals: Record<string, number> }; pairs: Array<{ status: string; a: { user_id: string } | null; changed: string[] }> };
    const mine = data.userDaily.filter((r) => r.client_org_id === 'org_main' && r.usage_date >= '2025-06-01' && r.usage_date <= '2025-06-17');
    const dropped = mine.filter((r) => r.user_id === 'u-001').sort((x, y) => x.usage_date.localeCompare(y.usage_date))[0];
    assert.equal(out.a.totals.total_tokens, mine.reduce((s, r) => s + r.total_tokens, 0));
    assert.equal(out.b.totals.total_tokens, out.a.totals.total_tokens - dropped.total_tokens);
    const changed = out.pairs.filter((p) => p.status === 'changed');
    assert.deepEqual(changed.map((p) => p.a?.user_id), ['u-001']);
    assert.ok(changed[0].changed.includes('total_tokens'));
  });
});
