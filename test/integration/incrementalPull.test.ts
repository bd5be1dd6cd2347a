/**
 * Re-pulls that fetch only the -wal, and the watch built on them, against the real engine with a
 * real writer: sqlite3 inside the container. The reference for every incremental snapshot is a
 * full pull at the same moment (no write in between): byte for byte the same image.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, dockerEngine, type ContainerEngine } from '../../src/core/docker';
import { isCdbError } from '../../src/core/errors';
import { pullSnapshot, pullTrackedSnapshot, repullSnapshot, watchDatabase, type WatchUpdate } from '../../src/core/snapshot';
import { sqlite3Cli } from '../support/sqliteFixtures';
import { FIXTURE_IMAGE, OPENWEBUI_DATA_DIR, createOpenWebuiContainer, docker, dockerExec, ensureFixtureImage, removeByPrefix, sqliteInContainer, waitFor } from '../support/dockerFixtures';

const PREFIX = 'cdb11c-inc-';
const DB = `${OPENWEBUI_DATA_DIR}/webui.db`;

describe('re-pull from the -wal alone, and the watch (real engine, sqlite3 writing in the container)', function () {
  this.timeout(120_000);
  let engine: ContainerEngine;
  let tmp: string;
  let hostDb: string;
  const ref = (name: string) => ({ id: name, name, image: FIXTURE_IMAGE });
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  before(async () => {
    await removeByPrefix(PREFIX);
    await ensureFixtureImage();
    engine = dockerEngine(await connect());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    hostDb = path.join(tmp, 'webui.db');
    sqlite3Cli(
      hostDb,
      `PRAGMA journal_mode=WAL;
       CREATE TABLE chat(id INTEGER PRIMARY KEY, user_id TEXT, title TEXT, chat TEXT);
       CREATE TABLE config(id INTEGER PRIMARY KEY, data TEXT);
       INSERT INTO config(data) VALUES ('{"ui": 1}');
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO chat(user_id, title, chat) SELECT 'u' || (i % 7), 'Chat ' || i, hex(randomblob(400)) FROM n;`,
    );
  });

  after(async () => {
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * A container whose database a sqlite3 connection holds open in WAL mode with automatic
   * checkpoints off: the writes of other connections then stay in the -wal (the last connection
   * to close would checkpoint it).
   */
  async function containerWithHolder(name: string): Promise<void> {
    await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: hostDb });
    await docker(['exec', '-d', name, 'sh', '-c', `(echo 'PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; SELECT count(*) FROM chat;'; echo '.system touch /tmp/holder-ready'; sleep 3600) | sqlite3 ${DB} >/tmp/holder.log 2>&1`], { check: true });
    await waitFor(async () => (await dockerExec(name, ['cat', '/tmp/holder-ready'])).exitCode === 0);
  }
  const write = (name: string, sql: string) => sqliteInContainer(name, `PRAGMA wal_autocheckpoint=0; ${sql}`);

  it('rows added, changed and deleted: only the -wal is fetched, and the image equals a full pull', async () => {
    const name = `${PREFIX}repull`;
    await containerWithHolder(name);
    await write(name, "INSERT INTO chat(user_id, title) VALUES ('w', 'before the first pull');");
    const first = await pullTrackedSnapshot(engine, ref(name), DB);
    assert.ok(first.walBase, 'a WAL-mode snapshot keeps its WAL position');
    const firstSha = sha(first.snapshot.bytes);

    await write(name, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO chat(user_id, title, chat) SELECT 'new', 'Row ' || i, hex(randomblob(300)) FROM n;");
    await write(name, "UPDATE chat SET title = 'edited' WHERE id % 50 = 0; DELETE FROM chat WHERE id % 97 = 0; UPDATE config SET data = '{\"ui\": 2}';");
    const second = await repullSnapshot(engine, ref(name), DB, first);
    const reference = await pullSnapshot(engine, ref(name), DB);
    assert.equal(second.how, 'wal', second.fullBecause);
    assert.ok(second.bytesFetched < first.snapshot.stamp.size / 4, `fetched ${second.bytesFetched} bytes`);
    assert.equal(sha(second.snapshot.bytes), reference.stamp.sha256, 'byte-identical to a full pull');
    assert.equal(second.snapshot.stamp.sha256, reference.stamp.sha256);
    assert.equal(sha(first.snapshot.bytes), firstSha, 'the previous snapshot is untouched');

    // Nothing written since: the -wal read again applies nothing new and still equals.
    const third = await repullSnapshot(engine, ref(name), DB, second);
    assert.equal(third.how, 'wal');
    assert.equal(sha(third.snapshot.bytes), reference.stamp.sha256);

    // A checkpoint between two pulls (the database file written, the -wal restarted): a full pull, still exact.
    await write(name, 'PRAGMA wal_checkpoint(TRUNCATE);');
    await write(name, "INSERT INTO chat(user_id, title) VALUES ('w', 'after the checkpoint');");
    const fourth = await repullSnapshot(engine, ref(name), DB, third);
    const reference2 = await pullSnapshot(engine, ref(name), DB);
    assert.equal(fourth.how, 'full');
    assert.match(fourth.fullBecause ?? '', /database file changed|-wal/);
    assert.equal(fourth.snapshot.stamp.sha256, reference2.stamp.sha256);
    // And from there, the -wal alone again.
    await write(name, "DELETE FROM chat WHERE user_id = 'new';");
    const fifth = await repullSnapshot(engine, ref(name), DB, fourth);
    assert.equal(fifth.how, 'wal', fifth.fullBecause);
    assert.equal(fifth.snapshot.stamp.sha256, (await pullSnapshot(engine, ref(name), DB)).stamp.sha256);
  });

  it('a rollback-journal database: every re-pull is a full one', async () => {
    const name = `${PREFIX}journal`;
    const file = path.join(tmp, 'journal.db');
    fs.copyFileSync(hostDb, file);
    sqlite3Cli(file, 'PRAGMA journal_mode=DELETE;');
    await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: file });
    const first = await pullTrackedSnapshot(engine, ref(name), DB);
    assert.equal(first.walBase, null);
    await sqliteInContainer(name, "INSERT INTO chat(title) VALUES ('x');");
    const second = await repullSnapshot(engine, ref(name), DB, first);
    assert.equal(second.how, 'full');
    assert.equal(second.snapshot.stamp.sha256, (await pullSnapshot(engine, ref(name), DB)).stamp.sha256);
  });

  it('the watch: re-pulls only after a write, from the -wal; ends with one CONTAINER_STOPPED when the container stops', async () => {
    const name = `${PREFIX}watch`;
    await containerWithHolder(name);
    const abort = new AbortController();
    const updates = watchDatabase(engine, ref(name), DB, { intervalMs: 200, signal: abort.signal });
    try {
    const first = await updates.next();
    assert.ok(!first.done);
    assert.equal(first.value.previous, null);
    // Idle: no update comes while nothing is written (raced against a write 1 s later).
    const pending = updates.next();
    const early = await Promise.race([pending.then(() => 'update'), new Promise((r) => setTimeout(() => r('idle'), 1000))]);
    assert.equal(early, 'idle', 'no re-pull while the files hold still');
    await write(name, "INSERT INTO chat(user_id, title) VALUES ('watch', 'one');");
    const second = await pending;
    assert.ok(!second.done);
    const u: WatchUpdate = second.value;
    assert.equal(u.previous, first.value.current);
    assert.ok(u.changes.some((c) => c.file === 'wal'), JSON.stringify(u.changes));
    assert.equal(u.how, 'wal', u.fullBecause);

    await docker(['kill', name], { check: true });
    await assert.rejects(
      (async () => {
        for (;;) if ((await updates.next()).done) return;
      })(),
      (err: unknown) => isCdbError(err, 'CONTAINER_STOPPED') && /stopped: the watch of .* ended/.test(err.message),
    );
    } finally {
      abort.abort();
      await updates.return(undefined).catch(() => undefined);
    }
  });

  it('the watch is cancelled by its signal, and refuses a stopped container', async () => {
    const name = `${PREFIX}watch`;
    // Stopped by the previous test.
    await assert.rejects(watchDatabase(engine, ref(name), DB, { intervalMs: 200 }).next(), (err: unknown) => isCdbError(err, 'CONTAINER_STOPPED') && /not running/.test(err.message));
    const live = `${PREFIX}cancel`;
    await createOpenWebuiContainer({ name: live, volume: `${live}-data`, dbFile: hostDb });
    const abort = new AbortController();
    const updates = watchDatabase(engine, ref(live), DB, { intervalMs: 200, signal: abort.signal });
    try {
      assert.ok(!(await updates.next()).done);
      setTimeout(() => abort.abort(), 300);
      await assert.rejects(updates.next(), (err: unknown) => isCdbError(err, 'CANCELLED'));
    } finally {
      abort.abort();
      await updates.return(undefined).catch(() => undefined);
    }
  });
});
