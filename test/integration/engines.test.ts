/**
 * The same assertions on every engine kind on this machine (fixtureEngines.ts): dockerd and
 * Podman's Docker-compatible service. Pull from a running and a stopped container (bytes checked
 * by SHA-256 against the host original), a database in WAL mode with a live writer, links and
 * their failures, lifecycle events for refresh, pause for `--freeze`, and the CLI's ls / inspect.
 * (discovery.test.ts runs its list / mounts / database-path suite on each engine too.)
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, dockerEngine, type ContainerEngine, type ContainerEvent } from '../../src/core/docker';
import { pullSnapshot } from '../../src/core/snapshot';
import { sha256Hex } from '../../src/core/bytes';
import { isCdbError } from '../../src/core/errors';
import { OPENWEBUI_DATA_DIR, createOpenWebuiContainer, engineCli, makeWebuiDb, removeByPrefix, sqliteInContainer } from '../support/dockerFixtures';
import { FIXTURE_ENGINES, describeOn, listedImage } from '../support/fixtureEngines';
import { runCli, sqlite3Counts } from '../support/cli';

const P = 'cdbt-e12-eng-';
const DB = `${OPENWEBUI_DATA_DIR}/webui.db`;

for (const engine of FIXTURE_ENGINES) describeOn(engine, 'one engine, every operation', function () {
  this.timeout(120_000);
  const cli = (args: string[]) => engineCli(engine, args, { check: true });
  const N = { up: `${P}up`, down: `${P}down`, wal: `${P}wal`, events: `${P}events` };
  let eng: ContainerEngine;
  let tmp: string;
  let hostDb: string;
  let walDb: string;
  const ref = (name: string) => ({ id: name, name, image: listedImage(engine, 'cdb-fixture/openwebui:test') });

  before(async () => {
    await removeByPrefix(P, engine);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), P));
    hostDb = await makeWebuiDb(path.join(tmp, 'webui.db'), { users: 4, chats: 20, usageDays: 3 });
    fs.mkdirSync(path.join(tmp, 'wal'));
    walDb = await makeWebuiDb(path.join(tmp, 'wal', 'webui.db'), { users: 3, chats: 10, wal: true });
    assert.ok(fs.statSync(`${walDb}-wal`).size > 0, 'the WAL fixture keeps changes in its -wal');
    await createOpenWebuiContainer({ engine, name: N.up, volume: `${N.up}-data`, dbFile: hostDb });
    await createOpenWebuiContainer({ engine, name: N.down, volume: `${N.down}-data`, dbFile: hostDb, running: false });
    await createOpenWebuiContainer({ engine, name: N.wal, volume: `${N.wal}-data`, dbFile: walDb });
    await cli(['exec', N.up, 'sh', '-c', `cd ${OPENWEBUI_DATA_DIR} && ln -s webui.db link.db && ln -s loop-a loop-b && ln -s loop-b loop-a`]);
    eng = dockerEngine(await connect({ dockerHost: engine.host }));
  });

  after(async () => {
    await removeByPrefix(P, engine);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`GET /version identifies the engine as ${engine.kind}`, () => {
    assert.equal(eng.kind, engine.kind);
    assert.match(eng.version, /^\d+\.\d+/);
    assert.match(eng.apiVersion, /^1\.\d+$/);
  });

  it('pulls from a running container: the bytes of the original (SHA-256)', async () => {
    const snap = await pullSnapshot(eng, ref(N.up), DB, { hash: true });
    assert.equal(snap.stamp.sha256, sha256File(hostDb));
    assert.equal(sha256Hex(snap.bytes), snap.stamp.sha256);
    assert.deepEqual(snap.stamp.warnings, []);
  });

  it('pulls from a stopped container', async () => {
    assert.equal((await cli(['inspect', '-f', '{{.State.Status}}', N.down])).stdout.trim(), 'exited');
    const snap = await pullSnapshot(eng, ref(N.down), DB, { hash: true });
    assert.equal(snap.stamp.sha256, sha256File(hostDb));
  });

  it('a database in WAL mode: the -wal applied, every row count what sqlite3 reads, then a live writer seen', async () => {
    const expected = await sqlite3Counts(walDb);
    const snap = await pullSnapshot(eng, ref(N.wal), DB);
    assert.ok(snap.stamp.walFramesApplied > 0, 'frames from the -wal were applied');
    assert.deepEqual(await countsOf(snap.bytes, tmp, 'first'), expected);
    // The container's own sqlite3 writes; the next pull sees it.
    await sqliteInContainer(N.wal, `INSERT INTO "user" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at) VALUES ('cdbt-live', 'Live', 'live@example.invalid', 'user', '', 0, 0, 0);`, DB, engine);
    const again = await pullSnapshot(eng, ref(N.wal), DB);
    assert.equal((await countsOf(again.bytes, tmp, 'second')).user, expected.user + 1);
  });

  it('follows a symbolic link; a link loop is NOT_A_FILE; a missing file is FILE_NOT_FOUND', async () => {
    const viaLink = await pullSnapshot(eng, ref(N.up), `${OPENWEBUI_DATA_DIR}/link.db`, { hash: true });
    assert.equal(viaLink.stamp.sha256, sha256File(hostDb));
    await assert.rejects(pullSnapshot(eng, ref(N.up), `${OPENWEBUI_DATA_DIR}/loop-a`), (e: unknown) => isCdbError(e, 'NOT_A_FILE') && /symbolic link that never reaches a file/.test(e.message));
    await assert.rejects(pullSnapshot(eng, ref(N.up), `${OPENWEBUI_DATA_DIR}/nope.db`), (e: unknown) => isCdbError(e, 'FILE_NOT_FOUND'));
  });

  it('lifecycle events arrive under their Docker names (create, start, die, destroy) for refresh', async () => {
    const seen: ContainerEvent[] = [];
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    const watch = eng.watchEvents((e) => e.name === N.events && seen.push(e), { onConnected: () => connected(), onError: (err) => assert.fail(err.message) });
    try {
      await ready;
      await createOpenWebuiContainer({ engine, name: N.events });
      await cli(['kill', N.events]);
      await cli(['rm', '-f', N.events]);
      await waitUntil(() => seen.some((e) => e.action === 'destroy'), 15_000, () => `events seen: ${seen.map((e) => e.action).join(', ')}`);
      const actions = seen.map((e) => e.action);
      for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} missing from ${actions.join(', ')}`);
      assert.ok(actions.indexOf('start') < actions.indexOf('die') && actions.indexOf('die') < actions.indexOf('destroy'), actions.join(', '));
    } finally {
      watch.dispose();
    }
  });

  it('--freeze pauses the container for the copy and resumes it', async () => {
    const seen: string[] = [];
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    const watch = eng.watchEvents((e) => e.name === N.up && seen.push(e.action), { onConnected: () => connected() });
    try {
      await ready;
      const snap = await pullSnapshot(eng, ref(N.up), DB, { freeze: true, hash: true });
      assert.equal(snap.stamp.sha256, sha256File(hostDb));
      await waitUntil(() => seen.includes('unpause'), 10_000, () => `events seen: ${seen.join(', ')}`);
      assert.deepEqual(seen.filter((a) => a === 'pause' || a === 'unpause'), ['pause', 'unpause']);
      assert.equal((await cli(['inspect', '-f', '{{.State.Status}}', N.up])).stdout.trim(), 'running');
    } finally {
      watch.dispose();
    }
  });

  it('the CLI: ls lists the container, inspect reads its tables, both through this engine', async () => {
    const host = engine.host ? ['--host', engine.host] : [];
    const ls = await runCli(['ls', ...host]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, new RegExp(`^${N.up} `, 'm'));
    const inspect = await runCli(['inspect', N.down, '--json', ...host]);
    assert.equal(inspect.code, 0, inspect.stderr);
    const out = JSON.parse(inspect.stdout) as { snapshot?: { sha256?: string }; stamp?: { sha256?: string } };
    assert.ok(JSON.stringify(out).includes(sha256File(hostDb)), 'inspect --json reports the SHA-256 of the original');
  });
});

function sha256File(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

/** Row counts of a pulled image, as sqlite3 reads them from a copy on disk. */
async function countsOf(bytes: Uint8Array, dir: string, name: string): Promise<Record<string, number>> {
  const file = path.join(dir, `${name}.db`);
  fs.writeFileSync(file, bytes);
  return sqlite3Counts(file);
}

/** Polls a condition (not a timing assertion), bounded. */
async function waitUntil(cond: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
