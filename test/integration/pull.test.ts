/**
 * Pulling a database out of a real container through the real engine, checked against the
 * sqlite3 shell and sha256 of the original file.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { connect, dockerEngine, DockerConnection } from '../../src/core/docker';
import { pullFile, statPath } from '../../src/core/docker/archive';
import { ROLLED_BACK_NOTE, pullSnapshot } from '../../src/core/snapshot';
import { snapshotFromFile } from '../../src/core/snapshot';
import { readSingleFileTar } from '../../src/core/docker/tarReader';
import { sha256Hex } from '../../src/core/bytes';
import { isCdbError } from '../../src/core/errors';
import type { PullProgress, Snapshot } from '../../src/core/types';
import { makeWalFixture, sqlite3Cli, sqlite3View, sqlJsDump } from '../support/sqliteFixtures';
import { EngineProxy } from '../support/engineProxy';
import { FIXTURE_IMAGE, OPENWEBUI_DATA_DIR, createOpenWebuiContainer, docker, dockerExec, ensureFixtureImage, removeByPrefix } from '../support/dockerFixtures';

const PREFIX = 'cdbt-a2-pull-';
const RUNNING = `${PREFIX}up`;
const STOPPED = `${PREFIX}down`;
const DATA = OPENWEBUI_DATA_DIR;
const DB = `${DATA}/webui.db`;

describe('pull a database out of a container (real engine)', function () {
  this.timeout(120_000);
  let conn: DockerConnection;
  let tmp: string;
  let hostDb: string;
  let SQL: initSqlJs.SqlJsStatic;
  let ref: ReturnType<typeof sqlite3View>;
  const refCounts = new Map<string, number>();
  const container = (name: string) => ({ id: name, name, image: FIXTURE_IMAGE });

  before(async () => {
    await removeByPrefix(PREFIX);
    await ensureFixtureImage();
    conn = await connect();
    SQL = await initSqlJs();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-a2-pull-'));
    hostDb = path.join(tmp, 'webui.db');
    makeWebuiLikeDb(hostDb);
    ref = sqlite3View(hostDb);
    for (const t of ref.tables) refCounts.set(t.name, Number(sqlite3Cli(hostDb, `SELECT count(*) FROM ${quoteIdent(t.name)};`).trim()));
    assert.ok(refCounts.get('message')! > 1000);
    await createOpenWebuiContainer({ name: RUNNING, volume: `${RUNNING}-data`, dbFile: hostDb });
    await createOpenWebuiContainer({ name: STOPPED, volume: `${STOPPED}-data`, dbFile: hostDb, running: false });
    const setup = await dockerExec(RUNNING, [
      'sh', '-c',
      `cd ${DATA} && ln -s webui.db link.db && ln -s ../data/link.db link2.db && ln -s loop-a loop-b && ln -s loop-b loop-a && mkdir adir && dd if=/dev/zero of=big.db bs=1048576 count=50 2>/dev/null`,
    ]);
    assert.equal(setup.exitCode, 0, setup.stderr);
  });

  after(async () => {
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function assertSameAsHost(snap: Snapshot): void {
    assert.equal(snap.stamp.sha256, sha256sum(hostDb));
    assert.equal(sha(snap.bytes), snap.stamp.sha256);
    const db = new SQL.Database(snap.bytes);
    try {
      assert.equal(sqlJsDump(db, ref.tables), ref.dump);
      for (const table of ref.tables) {
        const ours = db.exec(`SELECT count(*) FROM ${quoteIdent(table.name)}`)[0].values[0][0];
        assert.equal(ours, refCounts.get(table.name), table.name);
      }
    } finally {
      db.close();
    }
  }

  it('pulls webui.db from a running container: same bytes and rows as the original, every stamp field filled', async () => {
    const progress: PullProgress[] = [];
    const snap = await pullSnapshot(dockerEngine(conn), container(RUNNING), DB, { onProgress: (p) => progress.push(p) });
    assertSameAsHost(snap);
    assert.ok(snap.bytes.buffer instanceof SharedArrayBuffer);
    const s = snap.stamp;
    assert.equal(s.containerId, RUNNING);
    assert.equal(s.containerName, RUNNING);
    assert.equal(s.image, FIXTURE_IMAGE);
    assert.equal(s.path, DB);
    assert.equal(s.origin, 'container');
    assert.equal(s.size, fs.statSync(hostDb).size);
    assert.match(s.mtime, /^\d{4}-\d\d-\d\dT/);
    assert.ok(Date.parse(s.pulledAt) > 0);
    assert.equal(s.walFramesApplied, 0);
    assert.equal(s.journal, 'none');
    assert.equal(s.attempts, 1);
    assert.deepEqual(s.warnings, []);
    const last = progress[progress.length - 1];
    assert.equal(last.bytesSoFar, s.size);
    assert.equal(last.totalBytes, s.size);
    assert.equal(last.file, 'webui.db');
  });

  it('pulls from a stopped container', async () => {
    const state = await docker(['inspect', '-f', '{{.State.Status}}', STOPPED], { check: true });
    assert.equal(state.stdout.trim(), 'exited');
    assertSameAsHost(await pullSnapshot(dockerEngine(conn), container(STOPPED), DB));
  });

  it('follows symbolic links (relative, and a chain through another link)', async () => {
    const link = await statPath(conn, RUNNING, `${DATA}/link.db`);
    assert.ok(link?.isSymlink);
    assertSameAsHost(await pullSnapshot(dockerEngine(conn), container(RUNNING), `${DATA}/link.db`));
    assertSameAsHost(await pullSnapshot(dockerEngine(conn), container(RUNNING), `${DATA}/link2.db`));
  });

  it('stats a file, a directory and a missing path', async () => {
    const file = await statPath(conn, RUNNING, DB);
    assert.equal(file?.size, fs.statSync(hostDb).size);
    assert.equal(file?.isDirectory, false);
    assert.equal(file?.isSymlink, false);
    const dir = await statPath(conn, RUNNING, `${DATA}/adir`);
    assert.equal(dir?.isDirectory, true);
    assert.equal(await statPath(conn, RUNNING, `${DATA}/nope.db`), null);
  });

  it('a missing file is FILE_NOT_FOUND, naming the container and the setting', async () => {
    const err = await rejection(pullSnapshot(dockerEngine(conn), container(RUNNING), `${DATA}/nope.db`));
    assert.ok(isCdbError(err, 'FILE_NOT_FOUND'), String(err));
    assert.equal(err.message, `${DATA}/nope.db does not exist in container '${RUNNING}'. Set the path with --path / containerDb.databasePath.`);
  });

  it('a directory is NOT_A_FILE', async () => {
    const err = await rejection(pullSnapshot(dockerEngine(conn), container(RUNNING), `${DATA}/adir`));
    assert.ok(isCdbError(err, 'NOT_A_FILE'), String(err));
    assert.doesNotMatch(err.message, /\n/);
  });

  it('a symbolic link loop is NOT_A_FILE', async () => {
    const err = await rejection(pullSnapshot(dockerEngine(conn), container(RUNNING), `${DATA}/loop-a`));
    assert.ok(isCdbError(err, 'NOT_A_FILE'), String(err));
  });

  it('a file over the limit is TOO_LARGE before any content is requested', async () => {
    const size = fs.statSync(hostDb).size;
    // Counted on the wire, between us and the engine: every route to the content (the direct
    // socket read, dockerode) sends a GET …/archive.
    const proxy = await EngineProxy.start({ unix: path.join(os.tmpdir(), `cdbt-p-${process.pid}.sock`) });
    try {
      const watched = await connect({ dockerHost: proxy.dockerHost, env: {} });
      let progressCalls = 0;
      const err = await rejection(pullSnapshot(dockerEngine(watched), container(RUNNING), DB, { maxBytes: size - 1, onProgress: () => progressCalls++ }));
      assert.ok(isCdbError(err, 'TOO_LARGE'), String(err));
      assert.match(err.message, /^webui\.db is .* over the .* limit \(containerDb\.maxDatabaseSize \/ --max-size\)/);
      assert.equal(proxy.archiveGets, 0);
      assert.equal(progressCalls, 0);
      // The same connection does pull when the limit allows: the count sees real requests.
      await pullSnapshot(dockerEngine(watched), container(RUNNING), DB);
      assert.ok(proxy.archiveGets > 0);
    } finally {
      await proxy.stop();
    }
  });

  it('cancelling after the first progress report stops a 50 MB pull with CANCELLED', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const err = await rejection(
      pullSnapshot(dockerEngine(conn), container(RUNNING), `${DATA}/big.db`, {
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.bytesSoFar);
          ac.abort();
        },
      }),
    );
    assert.ok(isCdbError(err, 'CANCELLED'), String(err));
    assert.ok(seen.length >= 1);
    assert.ok(seen[seen.length - 1] < 50 * 1024 * 1024, `read ${seen[seen.length - 1]} bytes`);
  });

  it('an unknown container is CONTAINER_NOT_FOUND', async () => {
    const err = await rejection(pullSnapshot(dockerEngine(conn), container(`${PREFIX}-no-such`), DB));
    assert.ok(isCdbError(err, 'CONTAINER_NOT_FOUND'), String(err));
    const err2 = await rejection(pullFile(conn, `${PREFIX}-no-such`, DB));
    assert.ok(isCdbError(err2, 'CONTAINER_NOT_FOUND'), String(err2));
  });

  it('works the same over tcp:// (a loopback proxy to the socket): stat header, symlink, pull', async () => {
    const server = net.createServer((client) => {
      const engine = net.connect('/var/run/docker.sock');
      client.pipe(engine).pipe(client);
      const end = () => {
        client.destroy();
        engine.destroy();
      };
      client.on('error', end);
      engine.on('error', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const tcp = await connect({ dockerHost: `tcp://127.0.0.1:${port}`, env: {} });
      assert.equal(tcp.endpoint.kind, 'tcp');
      assert.equal((await statPath(tcp, RUNNING, `${DATA}/link.db`))?.isSymlink, true);
      assert.equal(await statPath(tcp, RUNNING, `${DATA}/nope.db`), null);
      assertSameAsHost(await pullSnapshot(dockerEngine(tcp), container(RUNNING), `${DATA}/link.db`));
    } finally {
      server.close();
    }
  });

  it("readSingleFileTar reads the engine's raw archive stream", async () => {
    const stream = (await conn.docker.getContainer(RUNNING).getArchive({ path: DB })) as unknown as AsyncIterable<Uint8Array>;
    const { entry, data } = await readSingleFileTar(stream, { maxBytes: 1 << 30, allocate: (e) => new Uint8Array(e.size) });
    assert.equal(entry.name, 'webui.db');
    assert.equal(entry.type, 'file');
    assert.equal(sha(data), sha256sum(hostDb));
  });

  it('over a unix socket the archive is read straight off the socket: the bytes dockerode reads, hashed as they stream', async () => {
    const unix = await EngineProxy.start({ unix: path.join(os.tmpdir(), `cdbt-d-${process.pid}.sock`) });
    const tcp = await EngineProxy.start({ tcp: true });
    try {
      const direct = await pullFile(await connect({ dockerHost: unix.dockerHost, env: {} }), RUNNING, DB, { digest: true });
      const modem = await pullFile(await connect({ dockerHost: tcp.dockerHost, env: {} }), RUNNING, DB);
      assert.deepEqual(unix.archiveAgents, ['container-db-inspector'], 'the direct route');
      assert.equal(tcp.archiveAgents.length, 1);
      assert.notEqual(tcp.archiveAgents[0], 'container-db-inspector', 'over tcp, dockerode');
      assert.equal(sha(direct.data), sha256sum(hostDb));
      assert.equal(sha(modem.data), sha256sum(hostDb));
      assert.deepEqual(direct.stat, modem.stat);
      // The digest was taken as the bytes streamed in: sha256Hex answers without hashing again
      // (shown by a byte changed afterwards, which a fresh hash would see).
      const expected = sha256sum(hostDb);
      direct.data[100] ^= 0xff;
      assert.notEqual(sha(direct.data), expected, 'a fresh hash sees the changed byte');
      assert.equal(sha256Hex(direct.data), expected, 'the digest from the stream');
    } finally {
      await unix.stop();
      await tcp.stop();
    }
  });

  it('pullFile returns the stat and the bytes of the file the link names', async () => {
    const pulled = await pullFile(conn, RUNNING, `${DATA}/link.db`);
    assert.equal(pulled.path, DB);
    assert.equal(pulled.stat.size, pulled.data.length);
    assert.equal(sha(pulled.data), sha256sum(hostDb));
  });
});

describe('snapshot of a host file', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-a2-file-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('applies the -wal beside it, leaves both files untouched, and matches sqlite3', async () => {
    const fx = makeWalFixture(path.join(tmp, 'wal'), { name: 'webui.db' });
    const before = [sha256sum(fx.dbPath), sha256sum(fx.walPath)];
    const snap = await snapshotFromFile(fx.dbPath);
    assert.deepEqual([sha256sum(fx.dbPath), sha256sum(fx.walPath)], before);
    assert.ok(!fs.existsSync(`${fx.dbPath}-shm`), 'no SQLite connection was opened on the original');
    assert.equal(snap.stamp.origin, 'file');
    assert.equal(snap.stamp.journal, 'wal');
    assert.ok(snap.stamp.walFramesApplied > 0);
    assert.equal(snap.stamp.size, fs.statSync(fx.dbPath).size);
    assert.equal(snap.stamp.sha256, sha(snap.bytes), 'the digest of the image with the WAL applied, not of the file read');
    const SQL = await initSqlJs();
    const db = new SQL.Database(snap.bytes);
    const ref = sqlite3View(fx.dbPath, fx.walPath);
    assert.equal(sqlJsDump(db, ref.tables), ref.dump);
    db.close();
  });

  it('rolls a hot journal back exactly as sqlite3 does on open', async () => {
    const dir = path.join(tmp, 'hot');
    fs.mkdirSync(dir);
    // A writer whose tiny cache spills an open transaction into the database file, copied (db and
    // journal) while that transaction is still open: the state a crash, or a pull, would see.
    execFileSync('python3', ['-c', HOT_JOURNAL_WRITER, dir]);
    const db = path.join(dir, 'copy.db');
    const raw = sha256sum(db);
    const snap = await snapshotFromFile(db);
    assert.equal(snap.stamp.journal, 'hot-journal');
    assert.deepEqual(snap.stamp.warnings, [ROLLED_BACK_NOTE]);
    assert.notEqual(snap.stamp.sha256, raw, 'the spill did modify the database file');
    // sqlite3 rolls the journal back when it opens its own copy of the pair.
    const refDir = path.join(dir, 'ref');
    fs.mkdirSync(refDir);
    fs.copyFileSync(db, path.join(refDir, 'copy.db'));
    fs.copyFileSync(`${db}-journal`, path.join(refDir, 'copy.db-journal'));
    assert.equal(sqlite3Cli(path.join(refDir, 'copy.db'), 'SELECT count(*) FROM t;').trim(), '2000');
    assert.ok(!fs.existsSync(path.join(refDir, 'copy.db-journal')));
    assert.equal(snap.stamp.sha256, sha256sum(path.join(refDir, 'copy.db')));
    assert.equal(sha256sum(db), raw, 'the original is untouched');
  });

  it('copies again when the file changes during the copy, and refuses (MID_WRITE) when it never settles', async () => {
    const fx = makeWalFixture(path.join(tmp, 'moving'), { name: 'webui.db', steps: [{ op: 'tx' }] });
    const ref = sqlite3View(fx.dbPath, fx.walPath);
    // A new mtime during the read is what a writer leaves behind; the bytes stay the same, so
    // every copy is still checked against sqlite3.
    let touches = 0;
    const touch = (file = fx.dbPath) => {
      touches++;
      fs.utimesSync(file, new Date(), new Date(Date.now() + touches * 1000));
    };
    let touchedOnce = false;
    const once = await snapshotFromFile(fx.dbPath, {
      onProgress: (p) => {
        if (!touchedOnce && p.file === 'webui.db') {
          touchedOnce = true;
          touch();
        }
      },
    });
    assert.equal(once.stamp.attempts, 2);
    assert.deepEqual(once.stamp.warnings, []);

    // Only the database file moving in every attempt (what checkpoints do) while the WAL keeps its
    // generation: the second attempt's WAL holds every frame a checkpoint could have written, so
    // that copy is whole (settledByWal).
    const checkpointed = await snapshotFromFile(fx.dbPath, { maxAttempts: 3, onProgress: (p) => p.file === 'webui.db' && touch() });
    assert.equal(checkpointed.stamp.attempts, 2);
    assert.deepEqual(checkpointed.stamp.warnings, []);

    // Files that move in every attempt, the WAL too, are never handed out: a copy taken while they
    // moved can mix two moments of the writer.
    await assert.rejects(
      snapshotFromFile(fx.dbPath, {
        maxAttempts: 3,
        onProgress: (p) => {
          if (p.file === 'webui.db') touch();
          if (p.file === 'webui.db-wal') touch(fx.walPath);
        },
      }),
      (err: unknown) => isCdbError(err, 'MID_WRITE') && /kept changing while it was copied \(3 attempts\).*Pull again/.test(err.message),
    );
    const SQL = await initSqlJs();
    for (const snap of [once, checkpointed]) {
      const db = new SQL.Database(snap.bytes);
      assert.equal(sqlJsDump(db, ref.tables), ref.dump);
      db.close();
    }
  });

  it('a cold journal (PERSIST mode: header zeroed at commit) is left alone', async () => {
    const dir = path.join(tmp, 'persist');
    fs.mkdirSync(dir);
    const db = path.join(dir, 'p.db');
    sqlite3Cli(db, "PRAGMA journal_mode=PERSIST; CREATE TABLE t(x); INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);");
    assert.ok(fs.statSync(`${db}-journal`).size > 0);
    const snap = await snapshotFromFile(db);
    assert.equal(snap.stamp.journal, 'cold-journal');
    assert.deepEqual(snap.stamp.warnings, []);
    assert.equal(snap.stamp.sha256, sha256sum(db));
  });

  it('missing is FILE_NOT_FOUND, a directory NOT_A_FILE, unreadable IO_ERROR', async () => {
    const missing = await rejection(snapshotFromFile(path.join(tmp, 'nope.db')));
    assert.ok(isCdbError(missing, 'FILE_NOT_FOUND'), String(missing));
    const dir = await rejection(snapshotFromFile(tmp));
    assert.ok(isCdbError(dir, 'NOT_A_FILE'), String(dir));
    if (process.getuid?.() !== 0) {
      const locked = path.join(tmp, 'locked.db');
      fs.writeFileSync(locked, 'x');
      fs.chmodSync(locked, 0);
      const err = await rejection(snapshotFromFile(locked));
      assert.ok(isCdbError(err, 'IO_ERROR'), String(err));
    }
  });
});

// ---------------------------------------------------------------------------------------------

const HOT_JOURNAL_WRITER = String.raw`
import os, shutil, sqlite3, sys
d = sys.argv[1]
live = os.path.join(d, 'live.db')
c = sqlite3.connect(live, isolation_level=None)
c.execute('PRAGMA journal_mode=DELETE')
# No syncs: the journal header then says "all records to the end of file" (nRec 0xffffffff); the
# container test covers the synced journal written in segments.
c.execute('PRAGMA synchronous=OFF')
c.execute('PRAGMA cache_size=2')
c.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)')
c.execute('BEGIN')
for i in range(2000): c.execute('INSERT INTO t(v) VALUES(?)', ('x' * 100 + str(i),))
c.execute('COMMIT')
c.execute('BEGIN')
for i in range(3000): c.execute('INSERT INTO t(v) VALUES(?)', ('y' * 150 + str(i),))
c.execute('UPDATE t SET v = v || ? WHERE id % 3 = 0', ('zz',))
c.execute('DELETE FROM t WHERE id % 7 = 0')
shutil.copyfile(live, os.path.join(d, 'copy.db'))
shutil.copyfile(live + '-journal', os.path.join(d, 'copy.db-journal'))
c.execute('ROLLBACK')
`;

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

/** A database shaped like Open WebUI's, a few MB, written by the sqlite3 shell. */
function makeWebuiLikeDb(file: string): void {
  sqlite3Cli(
    file,
    `
CREATE TABLE user(id TEXT PRIMARY KEY, name TEXT, email TEXT, role TEXT, profile_image_url TEXT, created_at INTEGER, updated_at INTEGER, settings JSON);
CREATE TABLE auth(id TEXT PRIMARY KEY, email TEXT, password TEXT, active INTEGER);
CREATE TABLE chat(id TEXT PRIMARY KEY, user_id TEXT, title TEXT, chat JSON, created_at INTEGER, updated_at INTEGER, archived INTEGER DEFAULT 0);
CREATE TABLE message(id TEXT PRIMARY KEY, chat_id TEXT, user_id TEXT, content TEXT, data BLOB, created_at INTEGER);
CREATE TABLE config(id INTEGER PRIMARY KEY, data JSON NOT NULL, version INTEGER);
CREATE TABLE "odd ""name"""(k INTEGER PRIMARY KEY, v TEXT) ;
CREATE INDEX chat_user ON chat(user_id);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
  INSERT INTO user SELECT 'u' || i, 'User ' || i, 'u' || i || '@example.com', CASE WHEN i = 1 THEN 'admin' ELSE 'user' END, NULL, 1700000000 + i, 1700000000 + i, '{}' FROM n;
INSERT INTO auth SELECT id, email, '$2b$12$' || hex(randomblob(24)), 1 FROM user;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
  INSERT INTO chat SELECT 'c' || i, 'u' || (i % 40 + 1), 'Chat ' || i, json_object('messages', json_array(hex(randomblob(200)), hex(randomblob(300)))), 1700000000 + i, 1700000100 + i, i % 9 = 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
  INSERT INTO message SELECT 'm' || i, 'c' || (i % 1500 + 1), 'u' || (i % 40 + 1), 'héllo ' || hex(randomblob(60)), CASE WHEN i % 5 = 0 THEN randomblob(30) END, 1700000000 + i FROM n;
INSERT INTO config(data, version) VALUES('{"ui":{"default_locale":"en"}}', 1);
INSERT INTO "odd ""name"""(v) VALUES('x'), (NULL);
`,
  );
}
