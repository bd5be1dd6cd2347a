/**
 * `container-db watch` as a child process against the real engine, sqlite3 writing inside the
 * container: the lines printed for rows inserted, updated and deleted are checked against
 * `sqldiff --primarykey` on snapshots saved before and after the writes; secrets are masked; the
 * container stopped while watching ends the watch with one line and exit 1.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, dockerEngine, type ContainerEngine } from '../../src/core/docker';
import { pullSnapshot } from '../../src/core/snapshot';
import { cliPath } from '../support/cli';
import { sqlite3Cli } from '../support/sqliteFixtures';
import { FIXTURE_IMAGE, OPENWEBUI_DATA_DIR, createOpenWebuiContainer, docker, dockerExec, ensureFixtureImage, removeByPrefix, sqliteInContainer, waitFor } from '../support/dockerFixtures';

const PREFIX = 'cdb11c-cliwatch-';
const DB = `${OPENWEBUI_DATA_DIR}/webui.db`;

interface Watcher {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<number>;
}

function startWatch(args: string[]): Watcher {
  const child = spawn(process.execPath, [cliPath, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const w: Watcher = { child, stdout: [], stderr: [], exit: new Promise((r) => child.on('close', (code) => r(code ?? -1))) };
  const lines = (into: string[]) => {
    let rest = '';
    return (b: Buffer) => {
      const parts = (rest + b.toString()).split('\n');
      rest = parts.pop()!;
      into.push(...parts);
    };
  };
  child.stdout!.on('data', lines(w.stdout));
  child.stderr!.on('data', lines(w.stderr));
  return w;
}

describe('container-db watch (real engine, sqlite3 writing in the container)', function () {
  this.timeout(120_000);
  let engine: ContainerEngine;
  let tmp: string;
  const name = `${PREFIX}app`;
  const watchers: Watcher[] = [];

  before(async () => {
    await removeByPrefix(PREFIX);
    await ensureFixtureImage();
    engine = dockerEngine(await connect());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const hostDb = path.join(tmp, 'webui.db');
    sqlite3Cli(
      hostDb,
      `PRAGMA journal_mode=WAL;
       CREATE TABLE chat(id INTEGER PRIMARY KEY, user_id TEXT, title TEXT);
       CREATE TABLE user(id TEXT PRIMARY KEY, name TEXT, api_key TEXT);
       INSERT INTO user VALUES ('u1', 'Ada', 'sk-secret-1'), ('u2', 'Bob', 'sk-secret-2');
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
         INSERT INTO chat(user_id, title) SELECT 'u' || (i % 2 + 1), 'Chat ' || i FROM n;`,
    );
    await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: hostDb });
    // A connection held open (automatic checkpoints off), as the app's own: writes stay in the -wal.
    await docker(['exec', '-d', name, 'sh', '-c', `(echo 'PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; SELECT 1;'; echo '.system touch /tmp/holder-ready'; sleep 3600) | sqlite3 ${DB} >/dev/null 2>&1`], { check: true });
    await waitFor(async () => (await dockerExec(name, ['cat', '/tmp/holder-ready'])).exitCode === 0);
  });

  after(async () => {
    for (const w of watchers) w.child.kill('SIGKILL');
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function save(file: string): Promise<string> {
    const snap = await pullSnapshot(engine, { id: name, name, image: FIXTURE_IMAGE }, DB);
    fs.writeFileSync(file, snap.bytes);
    return file;
  }

  /** (table, kind, key) of every statement `sqldiff --primarykey` writes between two files. */
  function sqldiffChanges(a: string, b: string): string[] {
    const out = execFileSync('sqldiff', ['--primarykey', a, b], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        let m = /^INSERT INTO (\w+)\(\w+(?:,\w+)*\) VALUES\(('[^']*'|\d+)/.exec(line);
        if (m) return `${m[1]} insert ${m[2].replace(/'/g, '')}`;
        m = /^UPDATE (\w+) SET .* WHERE id=('[^']*'|\d+);$/.exec(line);
        if (m) return `${m[1]} update ${m[2].replace(/'/g, '')}`;
        m = /^DELETE FROM (\w+) WHERE id=('[^']*'|\d+);$/.exec(line);
        if (m) return `${m[1]} delete ${m[2].replace(/'/g, '')}`;
        throw new Error(`unexpected sqldiff line: ${line}`);
      })
      .sort();
  }

  it('--json: one line per inserted, updated, deleted row, the same rows as sqldiff --primarykey; secrets masked', async () => {
    const w = startWatch([name, '--interval', '0.3', '--json']);
    watchers.push(w);
    await waitFor(async () => w.stderr.some((l) => l.startsWith('Watching')));
    const before = await save(path.join(tmp, 'before.db'));
    await sqliteInContainer(
      name,
      `PRAGMA wal_autocheckpoint=0; BEGIN;
       INSERT INTO chat(user_id, title) VALUES ('u1', 'new one'), ('u2', 'new two');
       UPDATE chat SET title = 'renamed' WHERE id IN (5, 6);
       DELETE FROM chat WHERE id IN (10, 11, 12);
       UPDATE user SET api_key = 'sk-rotated' WHERE id = 'u1';
       COMMIT;`,
    );
    const after = await save(path.join(tmp, 'after.db'));
    const expected = sqldiffChanges(before, after);
    assert.equal(expected.length, 2 + 2 + 3 + 1);
    await waitFor(async () => w.stdout.length >= expected.length);
    const changes = w.stdout.map((l) => JSON.parse(l));
    assert.deepEqual(changes.map((c) => `${c.table} ${c.kind} ${Object.values(c.key)[0]}`).sort(), expected);
    const renamed = changes.find((c) => c.kind === 'update' && c.key.id === 5);
    assert.deepEqual(renamed.columns, ['title']);
    assert.deepEqual(renamed.old, { title: 'Chat 5' });
    assert.deepEqual(renamed.new, { title: 'renamed' });
    const rotated = changes.find((c) => c.table === 'user');
    assert.deepEqual(rotated.columns, ['api_key']);
    assert.deepEqual(rotated.new, { api_key: '••••••••' }, 'the secret column is masked');
    assert.ok(!w.stdout.join('\n').includes('sk-'), 'no secret value in the output');
    assert.match(changes[0].time, /^\d{4}-\d\d-\d\dT/);

    w.child.kill('SIGINT');
    assert.equal(await w.exit, 0, 'Ctrl+C ends the watch without an error');
  });

  it('plain text, --table, --reveal-secrets; the container stopped ends it with one line and exit 1', async () => {
    const w = startWatch([name, '--interval', '0.3', '--table', 'user', '--reveal-secrets']);
    watchers.push(w);
    await waitFor(async () => w.stderr.some((l) => l.startsWith('Watching')));
    await sqliteInContainer(name, "PRAGMA wal_autocheckpoint=0; UPDATE user SET api_key = 'sk-again' WHERE id = 'u2'; INSERT INTO chat(title) VALUES ('not watched');");
    await waitFor(async () => w.stdout.length >= 1);
    assert.equal(w.stdout.length, 1, w.stdout.join('\n'));
    assert.match(w.stdout[0], /^\d\d:\d\d:\d\d {2}user {2}update {2}id='u2' {2}api_key: 'sk-secret-2' → 'sk-again'$/);

    const stderrBefore = w.stderr.length;
    await docker(['kill', name], { check: true });
    assert.equal(await w.exit, 1);
    const lines = w.stderr.slice(stderrBefore);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^container-db: Container '.*' stopped: the watch of .* ended\. Start the container and watch again\.$/);
  });

  it('bad usage exits 2', async () => {
    const w = startWatch([name, '--interval', 'soon']);
    assert.equal(await w.exit, 2);
    assert.match(w.stderr.join('\n'), /--interval/);
  });
});
