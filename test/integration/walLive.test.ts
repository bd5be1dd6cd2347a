/**
 * A real sqlite3 writing inside the container while we pull: committed rows that live only in
 * webui.db-wal, a writer committing during the pull, and a rollback-journal writer caught in the
 * middle of a transaction. The references are sqlite3 itself: in the container, and on a
 * `docker cp` copy of the files.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { connect, dockerEngine, DockerConnection } from '../../src/core/docker';
import { pullFile, statPath } from '../../src/core/docker/archive';
import { ROLLED_BACK_NOTE, pullSnapshot } from '../../src/core/snapshot';
import type { Snapshot } from '../../src/core/types';
import { sqlite3Cli, sqlite3View, sqlJsDump } from '../support/sqliteFixtures';
import { FIXTURE_IMAGE, OPENWEBUI_DATA_DIR, createOpenWebuiContainer, docker, dockerExec, ensureFixtureImage, removeByPrefix, sqliteInContainer, waitFor } from '../support/dockerFixtures';

const PREFIX = 'cdbt-a2-wal-';
const DB = `${OPENWEBUI_DATA_DIR}/webui.db`;
const INITIAL_ROWS = 200;

describe('pull while sqlite3 writes inside the container (real engine)', function () {
  this.timeout(120_000);
  let conn: DockerConnection;
  let SQL: initSqlJs.SqlJsStatic;
  let tmp: string;
  let hostDb: string;
  const ref = (name: string) => ({ id: name, name, image: FIXTURE_IMAGE });

  before(async () => {
    await removeByPrefix(PREFIX);
    await ensureFixtureImage();
    conn = await connect();
    SQL = await initSqlJs();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-a2-wal-'));
    hostDb = path.join(tmp, 'webui.db');
    sqlite3Cli(
      hostDb,
      `CREATE TABLE chat(id INTEGER PRIMARY KEY, user_id TEXT, title TEXT, chat TEXT, updated_at INTEGER);
       CREATE INDEX chat_user ON chat(user_id);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${INITIAL_ROWS})
         INSERT INTO chat(user_id, title, chat, updated_at) SELECT 'u' || (i % 7), 'Chat ' || i, hex(randomblob(300)), i FROM n;`,
    );
  });

  after(async () => {
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function countIn(bytes: Uint8Array, table = 'chat'): number {
    const db = new SQL.Database(bytes);
    try {
      return Number(db.exec(`SELECT count(*) FROM "${table}"`)[0].values[0][0]);
    } finally {
      db.close();
    }
  }

  function integrity(bytes: Uint8Array): string {
    const db = new SQL.Database(bytes);
    try {
      return String(db.exec('PRAGMA integrity_check')[0].values[0][0]);
    } finally {
      db.close();
    }
  }

  /** `docker cp` the files out (a second, independent way to copy them) into a fresh folder. */
  async function dockerCp(container: string, suffixes: string[]): Promise<string> {
    const dir = fs.mkdtempSync(path.join(tmp, 'cp-'));
    for (const suffix of suffixes) await docker(['cp', `${container}:${DB}${suffix}`, path.join(dir, `webui.db${suffix}`)], { check: true });
    return path.join(dir, 'webui.db');
  }

  describe('a WAL-mode writer that keeps its connection open (nothing checkpointed)', () => {
    const name = `${PREFIX}live`;
    let committed: number;

    before(async () => {
      await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: hostDb });
      // The sleep keeps sqlite3's stdin, and so its connection, open: the last connection to
      // close would checkpoint the WAL into webui.db and delete it.
      await startWriter(
        name,
        `PRAGMA journal_mode=WAL;
         PRAGMA wal_autocheckpoint=0;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
           INSERT INTO chat(user_id, title, chat, updated_at) SELECT 'w' || (i % 5), 'Live ' || i, hex(randomblob(200)), 1000 + i FROM n;
         UPDATE chat SET title = title || ' (edited)' WHERE id % 5 = 0;
         DELETE FROM chat WHERE id % 13 = 0;
         CREATE TABLE live_marker(x);
         .system touch /tmp/writer-done`,
      );
      committed = Number(await sqliteInContainer(name, 'SELECT count(*) FROM chat;'));
      assert.ok(committed > INITIAL_ROWS);
    });

    it('the committed rows are only in webui.db-wal, and the snapshot shows them', async () => {
      const wal = await statPath(conn, name, `${DB}-wal`);
      assert.ok(wal && wal.size > 32, `-wal: ${JSON.stringify(wal)}`);

      const snap = await pullSnapshot(dockerEngine(conn), ref(name), DB);
      assert.equal(snap.stamp.journal, 'wal');
      assert.ok(snap.stamp.walFramesApplied > 0);
      assert.equal(snap.stamp.sha256, createHash('sha256').update(snap.bytes).digest('hex'), 'the digest of the image with the WAL applied');
      assert.equal(countIn(snap.bytes), committed, 'sqlite3 inside the container');
      assert.equal(countIn(snap.bytes, 'live_marker'), 0);
      assert.equal(integrity(snap.bytes), 'ok');

      // docker cp of db + wal, opened by sqlite3 (which does its own WAL recovery): same content.
      const copy = await dockerCp(name, ['', '-wal']);
      const view = sqlite3View(copy, `${copy}-wal`);
      const db = new SQL.Database(snap.bytes);
      try {
        assert.equal(sqlJsDump(db, view.tables), view.dump);
      } finally {
        db.close();
      }
      assert.equal(Number(sqlite3Cli(copy, 'SELECT count(*) FROM chat;').trim()), committed);
    });

    it('webui.db alone (the problem this solves) misses them', async () => {
      const { data } = await pullFile(conn, name, DB);
      assert.equal(data[18], 2, 'the file is in WAL mode');
      // Opened alone, as a copy without its WAL: what any tool that copies only webui.db shows.
      data[18] = 1;
      data[19] = 1;
      assert.equal(countIn(data), INITIAL_ROWS);
      assert.ok(countIn(data) < committed);
    });
  });

  it('a writer committing all through the pull: the WAL only grows, so the first pull is already consistent', async () => {
    const name = `${PREFIX}busy`;
    // 10 MB, so that the pull spans several of the writer's commits.
    const big = path.join(tmp, 'busy.db');
    fs.copyFileSync(hostDb, big);
    sqlite3Cli(big, 'CREATE TABLE file(id INTEGER PRIMARY KEY, data BLOB); INSERT INTO file(data) SELECT randomblob(1048576) FROM generate_series(1, 10);');
    await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: big });
    // About a hundred small commits a second, each one growing webui.db-wal.
    await docker(
      [
        'exec', '-d', name, 'sh', '-c',
        `(echo 'PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;'; i=0; while [ $i -lt 100000 ]; do echo "INSERT INTO chat(user_id, title) VALUES('busy', 'b$i');"; i=$((i+1)); sleep 0.01; done) | sqlite3 ${DB} >/dev/null 2>&1`,
      ],
      { check: true },
    );
    let before: number, after: number, snap: Snapshot;
    try {
      await waitFor(async () => Number(await sqliteInContainer(name, "SELECT count(*) FROM chat WHERE user_id = 'busy';")) > 5);
      before = Number(await sqliteInContainer(name, 'SELECT count(*) FROM chat;'));
      snap = await pullSnapshot(dockerEngine(conn), ref(name), DB);
      after = Number(await sqliteInContainer(name, 'SELECT count(*) FROM chat;'));
    } finally {
      // The writer would keep two cores busy for the rest of the suite.
      await docker(['rm', '-f', '-v', name]);
    }
    assert.ok(after > before, 'the writer committed while we pulled');
    const rows = countIn(snap.bytes);
    assert.ok(rows >= before && rows <= after, `${before} <= ${rows} <= ${after}`);
    assert.equal(integrity(snap.bytes), 'ok');
    assert.equal(snap.stamp.journal, 'wal');
    assert.equal(snap.stamp.attempts, 1);
    assert.deepEqual(snap.stamp.warnings, []);
  });

  describe('a rollback-journal writer in the middle of a transaction', () => {
    const name = `${PREFIX}journal`;

    before(async () => {
      await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: hostDb });
      // A two-page cache makes SQLite spill the open transaction into webui.db itself; the
      // original pages wait in webui.db-journal, and nothing is ever committed.
      await startWriter(
        name,
        `PRAGMA journal_mode=DELETE;
         PRAGMA cache_size=2;
         BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
           INSERT INTO chat(user_id, title, chat, updated_at) SELECT 'j', 'Uncommitted ' || i, hex(randomblob(200)), i FROM n;
         UPDATE chat SET title = 'changed' WHERE id % 3 = 0;
         .system touch /tmp/writer-done`,
      );
    });

    it('rolls the hot journal back: the last committed state, the same as sqlite3 recovers from a docker cp copy', async () => {
      const journal = await statPath(conn, name, `${DB}-journal`);
      assert.ok(journal && journal.size > 0);
      // Inside the container SQLite itself cannot even read it now: the writer holds the lock.
      const locked = await dockerExec(name, ['sqlite3', DB, 'SELECT count(*) FROM chat;']);
      assert.match(locked.stderr, /locked/);

      const snap = await pullSnapshot(dockerEngine(conn), ref(name), DB);
      assert.equal(snap.stamp.journal, 'hot-journal');
      assert.deepEqual(snap.stamp.warnings, [ROLLED_BACK_NOTE]);
      assert.equal(countIn(snap.bytes), INITIAL_ROWS);
      assert.equal(integrity(snap.bytes), 'ok');

      const { data: raw } = await pullFile(conn, name, DB);
      assert.notEqual(sha256(raw), snap.stamp.sha256, 'the database file did hold uncommitted pages');

      // sqlite3 on a docker cp copy of db + journal rolls the journal back on open.
      const copy = await dockerCp(name, ['', '-journal']);
      assert.equal(Number(sqlite3Cli(copy, 'SELECT count(*) FROM chat;').trim()), INITIAL_ROWS);
      assert.ok(!fs.existsSync(`${copy}-journal`), 'sqlite3 rolled the copy back');
      assert.equal(snap.stamp.sha256, sha256File(copy));
    });
  });
});

// ---------------------------------------------------------------------------------------------

/** Start `sqlite3 webui.db` in the container fed by `sql`, its stdin held open; wait until it ran. */
async function startWriter(container: string, sql: string): Promise<void> {
  const script = sql
    .split('\n')
    .map((l) => l.trim())
    .join('\n');
  await docker(['exec', '-i', container, 'sh', '-c', 'cat > /tmp/writer.sql'], { input: `${script}\n`, check: true });
  await docker(['exec', '-d', container, 'sh', '-c', `(cat /tmp/writer.sql; sleep 3600) | sqlite3 ${DB} >/tmp/writer.log 2>&1`], { check: true });
  await waitFor(async () => (await dockerExec(container, ['cat', '/tmp/writer-done'])).exitCode === 0);
  const log = await dockerExec(container, ['cat', '/tmp/writer.log']);
  assert.doesNotMatch(log.stdout, /error/i, log.stdout);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sha256File(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}
