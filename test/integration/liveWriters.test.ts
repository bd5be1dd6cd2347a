/**
 * Issue 6, live writers: a real sqlite3 inside the container commits ~1,000 rows/s in small
 * transactions while we pull the database again and again with `pullSnapshot`. In WAL mode (with
 * automatic checkpoints and an explicit `wal_checkpoint(TRUNCATE)` now and then) and in
 * rollback-journal mode (`journal_mode=DELETE`), every snapshot must open, pass
 * `PRAGMA integrity_check`, and show one committed state: the row count never goes backwards, no
 * transaction is half there, every row is whole.
 *
 * Every row checks itself, so a torn copy cannot hide: each transaction is one `INSERT INTO tick`
 * whose trigger writes 10 rows with ids tx*10+1 … tx*10+10, a payload and a check value derived
 * from the id, and bumps a counter on another page (`meta`). A snapshot that mixes two moments shows
 * a transaction with fewer than 10 rows, a hole in the ids, or a counter that disagrees.
 *
 * What is asserted. `pullSnapshot` retries while the files move; when every attempt was disturbed
 * it refuses with MID_WRITE rather than hand out a copy that may mix two moments (before that rule,
 * most such copies were torn: WAL 13 of 21, rollback journal 59 of 60). So: every snapshot
 * returned is whole (opens, integrity_check ok, one committed state), the count never goes
 * backwards, a failed pull is MID_WRITE and nothing else, the writer really wrote, and in WAL mode
 * pulls do get settled copies. Measured and reported: how many pulls had to refuse. Under this
 * writer a rollback-journal database changes at every commit (~100 a second) while one archive
 * request costs ~0.3 s, so most rollback-mode pulls refuse: no consistent copy can be taken from
 * outside without SQLite's lock.
 * Pulls per mode: CDB_SOAK_PULLS, else DEFAULT_PULLS below. One archive request costs ~0.3 s on
 * this engine (docker 20.10), so a pull attempt takes 0.6-1 s and a pull that exhausts its five
 * attempts ~4 s: 200 pulls per mode do not fit CI's budget; `npm run soak` runs more. The figures
 * go to artifacts/soak/live-writers.json and one line per mode to the console.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { connect, dockerEngine, DockerConnection } from '../../src/core/docker';
import { isCdbError } from '../../src/core/errors';
import { MID_WRITE_WARNING, ROLLED_BACK_NOTE, pullSnapshot } from '../../src/core/snapshot';
import { sqlite3Cli } from '../support/sqliteFixtures';
import { FIXTURE_IMAGE, OPENWEBUI_DATA_DIR, createOpenWebuiContainer, docker, dockerExec, ensureFixtureImage, projectRoot, removeByPrefix, sqliteInContainer, waitFor } from '../support/dockerFixtures';

const PREFIX = 'cdbt-l-';
const DB = `${OPENWEBUI_DATA_DIR}/webui.db`;
/** CI's default per mode: a rollback-journal pull under this writer always exhausts its attempts (~4 s). */
const DEFAULT_PULLS: Record<string, number> = { wal: 10, 'rollback-journal': 3, 'wal-frozen': 10, 'rollback-journal-frozen': 10 };
/** CDB_SOAK_PULLS: one count for every mode ("200"), or per mode ("wal=200,rollback-journal=20"; the rest keep CI's). */
const pullsFor = (mode: string) => {
  const spec = process.env.CDB_SOAK_PULLS ?? '';
  if (!spec.includes('=')) return positiveInt(spec || undefined, DEFAULT_PULLS[mode]);
  const entry = spec.split(',').map((kv) => kv.split('=')).find(([m]) => m.trim() === mode);
  return positiveInt(entry?.[1], DEFAULT_PULLS[mode]);
};
const ROWS_PER_TX = 10;
const SEED_TX = 200;
/** Transactions per loop turn of the writer, and the pause between turns (busybox `sleep`, which forks). */
const TX_PER_TURN = 3;
const PAUSE_S = '0.01';
const TRUNCATE_EVERY_TX = 400;
const ARTIFACT = path.join(projectRoot(), 'artifacts', 'soak', 'live-writers.json');

/** The row every transaction writes, as SQL on the row's id: the same text runs in sqlite3 and in sql.js. */
const PAYLOAD_OF = (id: string) => `replace(hex(zeroblob(16)), '00', ${id} || '.')`;
const CHECK_OF = (id: string) => `((${id}) * 7919) % 1000003`;

const SCHEMA = `
CREATE TABLE meta(k INTEGER PRIMARY KEY, rows INTEGER NOT NULL, last_tx INTEGER NOT NULL);
INSERT INTO meta VALUES (1, 0, -1);
CREATE TABLE live(id INTEGER PRIMARY KEY, tx INTEGER NOT NULL, payload TEXT NOT NULL, chk INTEGER NOT NULL);
CREATE INDEX live_tx ON live(tx);
CREATE TABLE tick(tx INTEGER PRIMARY KEY);
CREATE TRIGGER tick_rows AFTER INSERT ON tick BEGIN
  INSERT INTO live(id, tx, payload, chk)
    WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${ROWS_PER_TX})
    SELECT NEW.tx * ${ROWS_PER_TX} + n, NEW.tx, ${PAYLOAD_OF(`(NEW.tx * ${ROWS_PER_TX} + n)`)}, ${CHECK_OF(`NEW.tx * ${ROWS_PER_TX} + n`)} FROM k;
  UPDATE meta SET rows = rows + ${ROWS_PER_TX}, last_tx = NEW.tx WHERE k = 1;
END;
INSERT INTO tick SELECT value FROM generate_series(0, ${SEED_TX - 1});
`;

/** What one snapshot shows; every field but `count` and `lastTx` must be 0 / 'ok' / true. */
const CHECK_SQL = `SELECT
  (SELECT count(*) FROM live),
  (SELECT last_tx FROM meta WHERE k = 1),
  (SELECT rows FROM meta WHERE k = 1) = (SELECT count(*) FROM live),
  (SELECT count(*) FROM tick) * ${ROWS_PER_TX} = (SELECT count(*) FROM live),
  coalesce((SELECT max(id) FROM live), 0) = (SELECT count(*) FROM live),
  (SELECT count(*) FROM live WHERE payload IS NOT ${PAYLOAD_OF('id')} OR chk IS NOT ${CHECK_OF('id')} OR tx IS NOT (id - 1) / ${ROWS_PER_TX}),
  (SELECT count(*) FROM (SELECT tx FROM live GROUP BY tx HAVING count(*) <> ${ROWS_PER_TX}))`;

interface ModeFigures {
  mode: string;
  pulls: number;
  snapshots: number;
  failedPulls: Record<string, number>;
  /** One message per failure code, as a person would read it. */
  failureMessages: Record<string, string>;
  /** Snapshots returned with no warning that are not whole: must be 0. */
  tornUnflagged: number;
  /** Snapshots returned with a kept-changing / mid-write warning: how many were whole, how many torn. */
  flagged: { whole: number; torn: number };
  /** The first few, for the log: which check failed, with the stamp's attempts and warnings. */
  problems: string[];
  firstCount: number;
  lastCount: number;
  /** Rows the writer committed during the pulls, and per second (its own count, before and after). */
  rowsWritten: number;
  rowsPerSecond: number;
  pullMs: { median: number; p95: number; max: number };
  attempts: Record<string, number>;
  warnings: { midWrite: number; rolledBack: number };
  journalStates: Record<string, number>;
  walFramesApplied: { total: number; max: number };
  /** Distinct database-file versions seen: in WAL mode the file only changes at a checkpoint. */
  dbFileVersions: number;
  durationS: number;
}

describe('live writers: consecutive pulls while sqlite3 commits ~1,000 rows/s (real engine)', function () {
  let conn: DockerConnection;
  let SQL: initSqlJs.SqlJsStatic;
  let tmp: string;
  let seedDb: string;
  const figures: ModeFigures[] = [];

  before(async function () {
    this.timeout(120_000);
    await removeByPrefix(PREFIX);
    await ensureFixtureImage();
    conn = await connect();
    SQL = await initSqlJs();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-l-'));
    seedDb = path.join(tmp, 'webui.db');
    sqlite3Cli(seedDb, SCHEMA);
    assert.equal(sqlite3Cli(seedDb, 'SELECT count(*) FROM live;').trim(), String(SEED_TX * ROWS_PER_TX));
  });

  after(async function () {
    this.timeout(60_000);
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (figures.length) {
      fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
      fs.writeFileSync(ARTIFACT, `${JSON.stringify({ at: new Date().toISOString(), modes: figures }, null, 2)}\n`);
    }
  });

  const modes = [
    {
      mode: 'wal',
      // SQLite's default threshold, said explicitly: at ~5 frames per transaction an automatic
      // checkpoint every ~2 s, plus a TRUNCATE checkpoint every TRUNCATE_EVERY_TX transactions.
      // (With 32 pages, 10+ checkpoints a second, no attempt ever settles: see the report.)
      pragmas: 'PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=1000;',
      truncate: true,
    },
    { mode: 'rollback-journal', pragmas: 'PRAGMA journal_mode=DELETE;', truncate: false },
    // The user's choice (--freeze, containerDb.freezeWhileCopying): the container is paused for the
    // copy, so every pull settles at once, even under a rollback-journal writer.
    { mode: 'wal-frozen', pragmas: 'PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=1000;', truncate: true, freeze: true },
    { mode: 'rollback-journal-frozen', pragmas: 'PRAGMA journal_mode=DELETE;', truncate: false, freeze: true },
  ];

  for (const m of modes) {
    const pulls = pullsFor(m.mode);
    it(`${m.mode}: ${pulls} pulls; every snapshot returned opens, passes integrity_check and shows a committed, growing state`, async function () {
      this.timeout(120_000 + pulls * 8_000);
      const name = `${PREFIX}${m.mode}`;
      await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: seedDb });
      await startWriter(name, m.pragmas, m.truncate);
      try {
        // The writer's own progress around the run (its loop counter; a sqlite3 reader in the
        // container can be starved by a rollback-journal writer this busy): what it wrote while
        // we pulled, independent of how many of our copies were whole.
        const writtenFrom = { rows: await writerRows(name), at: Date.now() };
        const f = await pullRepeatedly(name, m.mode, pulls, !!m.freeze);
        const writtenTo = { rows: await writerRows(name), at: Date.now() };
        f.rowsWritten = writtenTo.rows - writtenFrom.rows;
        f.rowsPerSecond = Math.round((f.rowsWritten * 1000) / (writtenTo.at - writtenFrom.at));
        figures.push(f);
        console.log(
          `      [live-writers] ${f.mode}: ${f.pulls} pulls, ${f.snapshots} whole snapshots, torn ${f.tornUnflagged + f.flagged.torn}, ` +
            `failed ${JSON.stringify(f.failedPulls)}; whole snapshots showed ${f.firstCount} -> ${f.lastCount} rows; writer committed ${f.rowsWritten} rows (~${f.rowsPerSecond}/s); ` +
            `pull median ${f.pullMs.median} ms, p95 ${f.pullMs.p95} ms, max ${f.pullMs.max} ms; attempts ${JSON.stringify(f.attempts)}; ` +
            `journal ${JSON.stringify(f.journalStates)}; rolled back ${f.warnings.rolledBack}, mid-write (stable, hot journal) ${f.warnings.midWrite}; ` +
            `WAL frames applied ${f.walFramesApplied.total} (max ${f.walFramesApplied.max}); db file versions ${f.dbFileVersions}`,
        );
        // Every snapshot handed out is whole: a pull that could not get a settled copy refuses
        // (MID_WRITE) instead of returning one that may mix two moments.
        assert.equal(f.tornUnflagged + f.flagged.torn, 0, `snapshots returned but torn in ${f.mode}:\n${f.problems.join('\n')}`);
        assert.deepEqual(Object.keys(f.failedPulls).filter((c) => c !== 'MID_WRITE'), [], `pulls failed otherwise than MID_WRITE: ${JSON.stringify(f.failureMessages)}`);
        if (m.mode === 'wal') assert.ok(f.snapshots > 0, 'in WAL mode, pulls get settled copies between checkpoints');
        if (m.freeze) assert.equal(f.snapshots, f.pulls, `frozen, every pull must give a whole snapshot: failed ${JSON.stringify(f.failureMessages)}`);
        assert.equal(f.snapshots + f.flagged.torn + Object.values(f.failedPulls).reduce((a, b) => a + b, 0), f.pulls);
        assert.ok(f.rowsWritten > 0, 'the writer committed during the run');
        if (m.mode === 'wal') {
          assert.ok(f.walFramesApplied.total > 0, 'committed frames were read from the WAL');
          assert.ok(f.dbFileVersions > 2, 'checkpoints wrote the database file during the run');
        }
      } finally {
        await stopWriter(name);
      }
      // The writer's own view afterwards: every row committed, still whole.
      const final = await sqliteInContainer(name, `.timeout 10000\n${CHECK_SQL};`);
      const [count, , ...rest] = final.split('|');
      assert.deepEqual(rest, ['1', '1', '1', '0', '0'], `sqlite3 in the container: ${final}`);
      assert.ok(Number(count) >= figures[figures.length - 1].lastCount, 'no snapshot showed rows the writer never committed');
      await docker(['rm', '-f', '-v', name]);
      await docker(['volume', 'rm', '-f', `${name}-data`]);
    });
  }

  /** N pulls back to back; each snapshot checked in sql.js before the next pull starts. */
  async function pullRepeatedly(name: string, mode: string, pulls: number, freeze: boolean): Promise<ModeFigures> {
    const ref = { id: name, name, image: FIXTURE_IMAGE };
    const pullMs: number[] = [];
    const failedPulls: Record<string, number> = {};
    const failureMessages: Record<string, string> = {};
    const attempts: Record<string, number> = {};
    const journalStates: Record<string, number> = {};
    const warnings = { midWrite: 0, rolledBack: 0 };
    const dbVersions = new Set<string>();
    const problems: string[] = [];
    let walTotal = 0;
    let walMax = 0;
    let snapshots = 0;
    let firstCount = -1;
    let lastCount = -1;
    const started = Date.now();

    let tornUnflagged = 0;
    const flagged = { whole: 0, torn: 0 };
    for (let i = 0; i < pulls; i++) {
      const t0 = performance.now();
      let snap;
      try {
        snap = await pullSnapshot(dockerEngine(conn), ref, DB, { freeze });
      } catch (err) {
        // A pull may give up (the writer kept moving the file past the retries); it must then say
        // so with a CdbError rather than hand over a snapshot. Anything else fails the test.
        if (!isCdbError(err)) throw err;
        failedPulls[err.code] = (failedPulls[err.code] ?? 0) + 1;
        failureMessages[err.code] ??= err.message;
        continue;
      }
      pullMs.push(performance.now() - t0);
      const s = snap.stamp;
      attempts[s.attempts] = (attempts[s.attempts] ?? 0) + 1;
      journalStates[s.journal] = (journalStates[s.journal] ?? 0) + 1;
      if (s.warnings.includes(MID_WRITE_WARNING)) warnings.midWrite++;
      if (s.warnings.includes(ROLLED_BACK_NOTE)) warnings.rolledBack++;
      walTotal += s.walFramesApplied;
      walMax = Math.max(walMax, s.walFramesApplied);
      dbVersions.add(`${s.size}|${s.mtime}`);

      const verdict = check(snap.bytes);
      const isFlagged = s.warnings.includes(MID_WRITE_WARNING);
      const label = `pull ${i + 1} (${s.journal}, attempts ${s.attempts}${isFlagged ? ', flagged' : ''})`;
      const problem = verdict.problem ?? (verdict.count < lastCount ? `${verdict.count} rows after ${lastCount}: the count went backwards` : undefined);
      if (problem) {
        if (isFlagged) flagged.torn++;
        else tornUnflagged++;
        if (problems.length < 20) problems.push(`${label}: ${problem.slice(0, 300)}`);
        continue;
      }
      if (isFlagged) flagged.whole++;
      snapshots++;
      if (firstCount < 0) firstCount = verdict.count;
      lastCount = verdict.count;
    }

    const sorted = [...pullMs].sort((a, b) => a - b);
    const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
    return {
      mode,
      pulls,
      snapshots,
      failedPulls,
      failureMessages,
      tornUnflagged,
      flagged,
      problems,
      firstCount,
      lastCount,
      rowsWritten: 0,
      rowsPerSecond: 0,
      pullMs: { median: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1] ?? 0) },
      attempts,
      warnings,
      journalStates,
      walFramesApplied: { total: walTotal, max: walMax },
      dbFileVersions: dbVersions.size,
      durationS: Math.round((Date.now() - started) / 100) / 10,
    };
  }

  /** Opens the image in sql.js (our reader, not the writer's SQLite) and runs every check. */
  function check(bytes: Uint8Array): { count: number; problem?: string } {
    let db: initSqlJs.Database;
    try {
      db = new SQL.Database(bytes);
    } catch (err) {
      return { count: -1, problem: `does not open: ${String(err)}` };
    }
    try {
      const integrity = db.exec('PRAGMA integrity_check').map((r) => r.values.map((v) => String(v[0])).join('; ')).join('; ');
      if (integrity !== 'ok') return { count: -1, problem: `integrity_check: ${integrity.slice(0, 300)}` };
      const [count, lastTx, metaAgrees, tickAgrees, noHoles, badRows, tornTx] = db.exec(CHECK_SQL)[0].values[0].map(Number);
      const problem = [
        metaAgrees !== 1 && 'meta.rows disagrees with count(*)',
        tickAgrees !== 1 && 'tick count disagrees with count(*)',
        noHoles !== 1 && 'the ids have a hole',
        badRows !== 0 && `${badRows} rows fail their check`,
        tornTx !== 0 && `${tornTx} transactions are partly there`,
        lastTx !== count / ROWS_PER_TX - 1 && `meta.last_tx ${lastTx} for ${count} rows`,
      ].filter(Boolean);
      return { count, problem: problem.length ? problem.join(', ') : undefined };
    } catch (err) {
      return { count: -1, problem: `query failed: ${String(err)}` };
    } finally {
      db.close();
    }
  }
});

// ---------------------------------------------------------------------------------------------

/**
 * One long-lived sqlite3 fed by a busybox shell loop: TX_PER_TURN autocommit `INSERT INTO tick`
 * statements (one transaction of ROWS_PER_TX rows each) per turn, a short sleep, and in WAL mode a
 * `wal_checkpoint(TRUNCATE)` every TRUNCATE_EVERY_TX transactions, until /tmp/stop exists.
 */
async function startWriter(container: string, pragmas: string, truncate: boolean): Promise<void> {
  const inserts = Array.from({ length: TX_PER_TURN }, () => 'echo "INSERT INTO tick VALUES($i);"; i=$((i+1));').join(' ');
  const checkpoint = truncate ? `if [ $((i % ${TRUNCATE_EVERY_TX})) -lt ${TX_PER_TURN} ]; then echo "PRAGMA wal_checkpoint(TRUNCATE);"; fi;` : '';
  // The busy timeout: a reader in the container (the readiness probe) may hold a lock for a moment.
  const loop = `i=${SEED_TX}; echo ".timeout 10000"; echo "${pragmas}"; while [ ! -e /tmp/stop ]; do ${inserts} ${checkpoint} echo $i >/tmp/tx; sleep ${PAUSE_S}; done`;
  await docker(['exec', '-d', container, 'sh', '-c', `(${loop}) | sqlite3 ${DB} >/tmp/writer.log 2>&1; touch /tmp/writer-exited`], { check: true });
  // Readiness, not timing: the writer has committed its first transactions.
  await waitFor(async () => {
    const r = await dockerExec(container, ['sqlite3', DB, '.timeout 2000', 'SELECT count(*) FROM tick;']);
    return r.exitCode === 0 && Number(r.stdout.trim()) > SEED_TX + 10;
  });
}

/** Rows the writer has sent to sqlite3 so far (from its loop counter, a shell builtin write). */
async function writerRows(container: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const r = await dockerExec(container, ['cat', '/tmp/tx']);
    const tx = Number(r.stdout.trim());
    // An empty read catches the shell between truncating and writing the file.
    if (r.exitCode === 0 && r.stdout.trim() !== '' && Number.isInteger(tx)) return tx * ROWS_PER_TX;
  }
  throw new Error(`the writer in ${container} reports no progress (/tmp/tx)`);
}

async function stopWriter(container: string): Promise<void> {
  await dockerExec(container, ['touch', '/tmp/stop']);
  await waitFor(async () => (await dockerExec(container, ['cat', '/tmp/writer-exited'])).exitCode === 0);
  const log = await dockerExec(container, ['cat', '/tmp/writer.log']);
  assert.doesNotMatch(log.stdout, /error/i, log.stdout.slice(0, 2000));
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
