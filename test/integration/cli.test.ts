import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenWebuiContainer, ensureFixtureImage, removeByPrefix } from '../support/dockerFixtures';
import { assertOneLineError, repoRoot, runCli, sqlite3Counts } from '../support/cli';

const prefix = 'cdbt-cli-';

describe('container-db CLI against the real Docker engine', function () {
  this.timeout(180_000);
  let dir: string;
  let hostDb: string;

  before(async () => {
    await removeByPrefix(prefix);
    await ensureFixtureImage();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-cli-'));
    hostDb = path.join(dir, 'webui.db');
    execFileSync('bash', [path.join(repoRoot, 'scripts', 'makeWebuiDb.sh'), hostDb, '--users', '40', '--chats', '300', '--usage-days', '45']);
    await createOpenWebuiContainer({ name: `${prefix}volume`, volume: `${prefix}data`, dbFile: hostDb });
    fs.writeFileSync(path.join(dir, 'notsqlite.db'), 'this is a text file, not a database\n'.repeat(200));
    await createOpenWebuiContainer({ name: `${prefix}notsqlite`, volume: `${prefix}data2`, dbFile: path.join(dir, 'notsqlite.db') });
    await createOpenWebuiContainer({ name: `${prefix}empty`, volume: `${prefix}data3` });
    await createOpenWebuiContainer({ name: `${prefix}postgres`, env: { DATABASE_URL: 'postgresql://u:p@db:5432/webui' } });
    await createOpenWebuiContainer({ name: `${prefix}stopped`, volume: `${prefix}data4`, dbFile: hostDb, running: false });
  });

  after(async () => {
    await removeByPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ls --json lists the container, its named volume and the resolved database path', async () => {
    const run = await runCli(['ls', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const list = JSON.parse(run.stdout) as Array<{ name: string; mounts: Array<{ kind: string; source: string; destination: string }>; database: { path: string; mount: { kind: string } | null } }>;
    const c = list.find((x) => x.name === `${prefix}volume`);
    assert.ok(c, 'fixture container listed');
    assert.deepEqual(
      c.mounts.map((m) => [m.kind, m.source, m.destination]),
      [['volume', `${prefix}data`, '/app/backend/data']],
    );
    assert.equal(c.database.path, '/app/backend/data/webui.db');
    assert.equal(c.database.mount?.kind, 'volume');
    assert.ok(!list.some((x) => x.name === `${prefix}stopped`), 'stopped container is not listed without --all');
  });

  it('inspect --json reports the row counts that sqlite3 reports for the same data', async () => {
    const run = await runCli(['inspect', `${prefix}volume`, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    const expected = await sqlite3Counts(hostDb);
    const actual = Object.fromEntries((out.tables as Array<{ name: string; rows: number }>).map((t) => [t.name, t.rows]));
    assert.deepEqual(actual, expected);
    assert.equal(out.path, '/app/backend/data/webui.db');
    assert.equal(out.bytes, fs.statSync(hostDb).size);
    assert.equal(out.walFramesApplied, 0);
    assert.ok(out.tables.find((t: { name: string }) => t.name === 'user').columns.some((c: { name: string; pk: boolean }) => c.name === 'id' && c.pk));
  });

  it('ls and inspect over the local socket never load dockerode; over tcp they do', async () => {
    // dockerode is its own bundle file (dist/dockerode.js), for the endpoints and calls our
    // direct requests do not cover: the count shows which route each run took.
    const watch = { NODE_OPTIONS: `--require=${path.join(__dirname, '..', 'support', 'reportLoads.js')}`, CDB_REPORT_LOADS: 'dockerode' };
    for (const args of [['ls'], ['inspect', `${prefix}volume`, '--json']]) {
      const local = await runCli(args, { env: watch });
      assert.equal(local.code, 0, local.stderr);
      assert.equal(local.stderr, '', `${args[0]} over the local socket`);
    }
    const server = net.createServer((client) => client.pipe(net.connect('/var/run/docker.sock')).pipe(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const tcp = await runCli(['inspect', `${prefix}volume`, '--json', '--host', `tcp://127.0.0.1:${port}`], { env: watch });
      assert.equal(tcp.code, 0, tcp.stderr);
      assert.match(tcp.stderr, /^loaded: \.\/dockerode\.js$/m);
      assert.equal(JSON.parse(tcp.stdout).sha256, createHash('sha256').update(fs.readFileSync(hostDb)).digest('hex'));
    } finally {
      server.close();
    }
  });

  it('inspect works on a stopped container', async () => {
    const run = await runCli(['inspect', `${prefix}stopped`, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(JSON.parse(run.stdout).tables.length > 5);
  });

  it('pull -o writes the snapshot with mode 0600 and the same bytes', async () => {
    const out = path.join(dir, 'pulled.db');
    const run = await runCli(['pull', `${prefix}volume`, '-o', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    assert.equal(sha(out), sha(hostDb));
    assert.deepEqual(await sqlite3Counts(out), await sqlite3Counts(hostDb));
    const again = await runCli(['pull', `${prefix}volume`, '-o', out]);
    assert.equal(again.code, 1);
    assert.match(assertOneLineError(again), /already exists/);
  });

  describe('errors: one line, the right exit status', () => {
    it('an unknown container', async () => {
      const run = await runCli(['inspect', `${prefix}nope`]);
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /No container named/);
    });
    it('a container without the database file', async () => {
      const run = await runCli(['inspect', `${prefix}empty`]);
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /does not exist in container/);
    });
    it('a file that is not SQLite', async () => {
      const run = await runCli(['inspect', `${prefix}notsqlite`]);
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /not an SQLite database/);
    });
    it('a DATABASE_URL for PostgreSQL is reported as such, not as a missing file', async () => {
      const run = await runCli(['inspect', `${prefix}postgres`]);
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /postgresql/i);
    });
    it('a database over the size limit', async () => {
      const run = await runCli(['inspect', `${prefix}volume`, '--max-size', '10K']);
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /limit/);
    });
    it('an engine that is not there', async () => {
      const run = await runCli(['ls'], { env: { DOCKER_HOST: `unix://${path.join(os.tmpdir(), 'no-such-docker.sock')}` } });
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /does not exist|not running|Docker/);
    });
    it('an engine that refuses connections', async () => {
      const run = await runCli(['ls', '--host', 'tcp://127.0.0.1:9'], { timeoutMs: 60_000 });
      assert.equal(run.code, 1);
      assert.match(assertOneLineError(run), /127\.0\.0\.1:9/);
    });
    it('bad usage exits 2', async () => {
      assert.equal((await runCli(['inspect'])).code, 2);
      assert.equal((await runCli(['frobnicate'])).code, 2);
      assert.equal((await runCli(['pull', `${prefix}volume`])).code, 2);
      assert.equal((await runCli(['ls', '--bogus'])).code, 2);
    });
    it('--verbose adds the stack trace', async () => {
      const run = await runCli(['inspect', `${prefix}nope`, '--verbose']);
      assert.equal(run.code, 1);
      assert.ok(run.stderr.trim().split('\n').length > 1);
    });
  });
});
