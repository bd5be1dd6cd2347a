/**
 * `container-db diff` on files, run in-process through main(): the --json contract, exit codes
 * (0 identical, 1 different, 2 error: diff(1)'s, not the other commands'), --table, --schema-only,
 * --sql, and the human summary.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, runMain } from '../support/cli';
import { applyToCopy, sqldiffSql, sqldiffSummary } from '../support/diffPairs';
import { makeWalFixture, sqlite3View } from '../support/sqliteFixtures';

const cli = runMain;

describe('container-db diff (files)', function () {
  this.timeout(60_000);
  let dir: string;
  let a: string;
  let b: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-diffcli-'));
    a = path.join(dir, 'a.db');
    b = path.join(dir, 'b.db');
    execFileSync('sqlite3', [a], {
      input: `CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES(1,'x'),(2,'y'),(3,1);
        CREATE TABLE keep(k TEXT PRIMARY KEY) WITHOUT ROWID; INSERT INTO keep VALUES('a');
        CREATE TABLE gone(x); INSERT INTO gone VALUES(1),(2);`,
    });
    execFileSync('sqlite3', [b], {
      input: `CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES(1,'x'),(2,'z'),(3,'1'),(4,X'00');
        CREATE TABLE keep(k TEXT PRIMARY KEY) WITHOUT ROWID; INSERT INTO keep VALUES('a');
        CREATE TABLE fresh(y); INSERT INTO fresh VALUES(1);
        CREATE INDEX t_v ON t(v);`,
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json: the documented shape, exit 1 when different', async () => {
    const run = await cli(['diff', a, b, '--json']);
    assert.equal(run.code, 1, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out), ['a', 'b', 'identical', 'tables', 'schema']);
    assert.equal(out.a.path, a);
    assert.equal(out.a.origin, 'file');
    assert.equal(out.b.sha256, null, 'diff does not hash the images: the comparison says whether they are the same');
    assert.equal(out.b.bytes, fs.statSync(b).size);
    assert.equal(out.identical, false);
    const rows = out.tables.map((t: Record<string, unknown>) => [t.name, t.status, t.inserted, t.deleted, t.updated, t.unchanged]);
    assert.deepEqual(rows, [
      ['fresh', 'only-in-b', 1, 0, 0, 0],
      ['gone', 'only-in-a', 0, 2, 0, 0],
      ['keep', 'same', 0, 0, 0, 1],
      ['t', 'changed', 1, 0, 2, 1],
    ]);
    assert.deepEqual(
      out.schema.map((s: Record<string, unknown>) => [s.kind, s.name, s.change, s.a, s.b]),
      [
        ['table', 'fresh', 'only-in-b', null, 'CREATE TABLE fresh(y)'],
        ['table', 'gone', 'only-in-a', 'CREATE TABLE gone(x)', null],
        ['index', 't_v', 'only-in-b', null, 'CREATE INDEX t_v ON t(v)'],
      ],
    );
  });

  it('exit 0 for a file against itself; --table and --schema-only narrow the comparison', async () => {
    const same = await cli(['diff', a, a]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /A and B are identical/);
    const keep = await cli(['diff', a, b, '--table', 'keep', '--json']);
    assert.equal(keep.code, 0, keep.stderr);
    assert.deepEqual(JSON.parse(keep.stdout).tables.map((t: { name: string }) => t.name), ['keep']);
    const schemaOnly = await cli(['diff', a, b, '--schema-only', '--table', 't', '--json']);
    assert.equal(schemaOnly.code, 1);
    const out = JSON.parse(schemaOnly.stdout);
    assert.deepEqual([out.tables[0].status, out.tables[0].updated], ['same', 0]);
    assert.deepEqual(out.schema.map((s: { name: string }) => s.name), ['t_v']);
  });

  it('exit 2 with one line for a missing file, an unknown table, a bad target', async () => {
    for (const args of [
      ['diff', path.join(dir, 'missing.db'), b],
      ['diff', a, b, '--table', 'nope'],
      ['diff', 'container:', b],
      ['diff', a, b, '--json', '--sql'],
    ]) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.equal(run.stdout, '');
    }
  });

  it('--sql: applied to a copy of A with sqlite3, sqldiff finds nothing left', async () => {
    const run = await cli(['diff', a, b, '--sql']);
    assert.equal(run.code, 1, run.stderr);
    const copy = applyToCopy(a, run.stdout, path.join(dir, 'applied.db'));
    assert.equal(sqldiffSql(copy, b), '');
    const after = await cli(['diff', copy, b]);
    assert.equal(after.code, 0, after.stdout);
  });

  it('the human summary names each table and says how rows were paired', async () => {
    const run = await cli(['diff', a, b]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /A and B differ: 1 table with changed rows, 1 table only in A, 1 table only in B, 1 index\/view\/trigger change\./);
    assert.match(run.stdout, /^t\s+changed\s+1\s+0\s+2\s+1\s+id$/m);
    assert.match(run.stdout, /^index t_v: only in B$/m);
  });

  it('a file with a -wal beside it is compared with its WAL applied (read whole, not on demand)', async () => {
    const fx = makeWalFixture(path.join(dir, 'wal'), { name: 'live.db' });
    const recovered = path.join(dir, 'recovered.db');
    fs.writeFileSync(recovered, sqlite3View(fx.dbPath, fx.walPath).recovered);
    const bare = path.join(dir, 'bare.db');
    fs.copyFileSync(fx.dbPath, bare);
    const withWal = await cli(['diff', fx.dbPath, recovered, '--json']);
    assert.equal(withWal.code, 0, `the WAL's commits are in: ${withWal.stdout}${withWal.stderr}`);
    const fileAlone = await cli(['diff', bare, recovered, '--json']);
    assert.equal(fileAlone.code, 1, 'without its WAL the file is older: the case above could not pass by ignoring the WAL');
  });

  it('a file that changes while it is compared on demand is compared again from a consistent copy', async () => {
    // The real CLI, with a preload that moves B's mtime right after the CLI opens B to read it on
    // demand: what a writer touching the file mid-comparison looks like from outside.
    const run = await runCli(['diff', a, b, '--json'], {
      env: { NODE_OPTIONS: `--require=${path.join(__dirname, '..', 'support', 'touchOnOpen.js')}`, CDB_TOUCH_ON_OPEN: b },
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^note: a database file changed while it was compared: comparing again from a consistent copy\.$/m);
    const expected = new Map(sqldiffSummary(a, b).flatMap((l) => (l.kind === 'counts' ? [[l.table, [l.inserted, l.deleted, l.updated, l.unchanged]]] : [])));
    const tables: Record<string, number | string>[] = JSON.parse(run.stdout).tables;
    assert.deepEqual(new Map(tables.filter((t) => expected.has(String(t.name))).map((t) => [t.name, [t.inserted, t.deleted, t.updated, t.unchanged]])), expected);
    assert.ok(fs.statSync(b).mtimeMs > Date.now(), 'the preload did move the file (its mtime is in the future)');
  });
});
