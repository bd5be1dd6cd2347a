import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { applyWal } from '../../src/core/sqlite';
import { isCdbError } from '../../src/core/errors';
import {
  WalStep,
  makeTempDir,
  makeWalFixture,
  rechecksumWal,
  sqlite3View,
  sqlJsDump,
  walFrames,
  walPageSize,
  writeFile,
  WAL_FRAME_HEADER_BYTES,
} from '../support/sqliteFixtures';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

describe('walReplay.applyWal', function () {
  this.timeout(60000);
  let SQL: SqlJs;
  let tmp: string;
  let n = 0;

  before(async () => {
    SQL = await initSqlJs();
    tmp = makeTempDir('cdb-wal-');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  type Fixture = ReturnType<typeof makeWalFixture> & { db: Uint8Array; wal: Uint8Array };
  const made = new Map<string, Fixture>();
  /** Fixtures are shared between tests (each costs a Python start); tests only ever edit copies. */
  const fixture = (steps: WalStep[], pageSize = 4096): Fixture => {
    const key = JSON.stringify([steps, pageSize]);
    let f = made.get(key);
    if (!f) {
      const paths = makeWalFixture(path.join(tmp, `f${n++}`), { steps, pageSize, seed: n });
      f = { ...paths, db: new Uint8Array(fs.readFileSync(paths.dbPath)), wal: new Uint8Array(fs.readFileSync(paths.walPath)) };
      made.set(key, f);
    }
    return f;
  };
  const THREE: WalStep[] = [{ op: 'tx' }, { op: 'tx' }, { op: 'tx' }];
  const CHECKPOINTED: WalStep[] = [{ op: 'tx', rows: 300 }, { op: 'checkpoint', mode: 'TRUNCATE' }, { op: 'tx', rows: 10 }];
  const SMALL_PAGES: WalStep[] = [{ op: 'tx', rows: 100 }, { op: 'big' }];

  /** Writes the (possibly edited) pair, has sqlite3 recover it, and checks that our image reads identically in sql.js. */
  const assertMatchesSqlite = (db: Uint8Array, wal: Uint8Array, image: Uint8Array) => {
    const dir = makeTempDir('cdb-pair-');
    try {
      const ref = sqlite3View(writeFile(dir, 'x.db', db), writeFile(dir, 'x.db-wal', wal));
      assert.ok(ref.tables.length >= 2, 'the reference sees the fixture tables');
      // SQLite's own checkpoint writes the same pages we do: the files are identical but for
      // bytes 18-19, which it leaves at 2 (WAL) and we set to 1 for sql.js.
      const recovered = Buffer.from(ref.recovered);
      if (recovered.length > 19 && recovered[18] === 2) recovered[18] = recovered[19] = 1;
      assert.equal(image.length, recovered.length, 'same size as the file sqlite3 checkpoints');
      assert.ok(recovered.equals(image), 'byte-identical to the file sqlite3 checkpoints');
      const opened = new SQL.Database(image);
      try {
        assert.equal(opened.exec('PRAGMA integrity_check')[0].values[0][0], 'ok');
        assert.equal(sqlJsDump(opened, ref.tables), ref.dump);
      } finally {
        opened.close();
      }
      return ref;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  const lastCommitIndex = (wal: Uint8Array, upTo = Infinity) => {
    const frames = walFrames(wal);
    let last = -1;
    for (const f of frames) if (f.index < upTo && f.commit !== 0 && f.salt1 === frames[0].salt1) last = f.index;
    return last;
  };

  it('applies several committed transactions exactly as sqlite3 recovers them', () => {
    const f = fixture([{ op: 'tx' }, { op: 'tx', rows: 200 }, { op: 'big' }, { op: 'tx' }, { op: 'tx' }]);
    const frames = walFrames(f.wal);
    const commits = frames.filter((fr) => fr.commit !== 0);
    assert.ok(commits.length >= 5 && frames.length > commits.length, 'fixture has several multi-frame commits');
    const before = Buffer.from(f.db);
    const result = applyWal(f.db.slice(), f.wal);
    assert.equal(result.framesApplied, frames.length);
    assert.equal(result.lastCommitFrame, frames.length);
    assert.equal(result.ignoredFrames, 0);
    assert.equal(result.pageSize, 4096);
    assert.equal(result.dbPages, commits[commits.length - 1].commit);
    assert.equal(result.db.length, result.dbPages * 4096);
    assert.equal(result.pagesWritten, new Set(frames.map((fr) => fr.pgno)).size);
    assert.equal(result.note, undefined);
    assert.deepEqual([result.db[18], result.db[19]], [1, 1], 'marked as a rollback-mode database for sql.js');
    assertMatchesSqlite(before, f.wal, result.db);
  });

  it('applies a WAL on top of a database that already holds checkpointed pages', () => {
    const f = fixture([{ op: 'tx', rows: 300 }, { op: 'tx' }, { op: 'checkpoint', mode: 'TRUNCATE' }, { op: 'tx' }, { op: 'tx', rows: 100 }]);
    assert.ok(f.db.length > 4096 * 3, 'the db file holds checkpointed data');
    assert.deepEqual([f.db[18], f.db[19]], [2, 2]);
    const result = applyWal(f.db.slice(), f.wal);
    assert.ok(result.framesApplied > 0);
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  it('patches the database in place when it is big enough', () => {
    const f = fixture(CHECKPOINTED);
    const db = f.db.slice();
    let allocated = 0;
    const result = applyWal(db, f.wal, { allocate: (size) => (allocated++, new Uint8Array(size)) });
    assert.equal(allocated, 0);
    assert.equal(result.db.buffer, db.buffer);
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  it('ignores frames of a transaction that never committed (spilled by a full cache)', () => {
    const f = fixture([{ op: 'tx' }, { op: 'tx' }, { op: 'spill', rows: 600 }]);
    const frames = walFrames(f.wal);
    const last = lastCommitIndex(f.wal);
    assert.ok(last >= 0 && last < frames.length - 1, 'fixture has uncommitted frames after the last commit');
    const result = applyWal(f.db.slice(), f.wal);
    assert.equal(result.lastCommitFrame, last + 1);
    assert.equal(result.ignoredFrames, frames.length - last - 1);
    assert.match(result.note ?? '', /after the last commit/);
    const ref = assertMatchesSqlite(f.db, f.wal, result.db);
    assert.doesNotMatch(ref.dump, /'big'/);
  });

  it('ignores the start of a transaction whose commit frame was cut off', () => {
    const f = fixture([{ op: 'tx' }, { op: 'big', bytes: 40000 }]);
    const frames = walFrames(f.wal);
    const commits = frames.filter((fr) => fr.commit !== 0);
    const keep = commits[commits.length - 2];
    assert.ok(frames.length - keep.index > 4, 'the big transaction spans several frames');
    const frameSize = WAL_FRAME_HEADER_BYTES + 4096;
    const cut = f.wal.subarray(0, keep.offset + frameSize * 3);
    const result = applyWal(f.db.slice(), cut);
    assert.equal(result.lastCommitFrame, keep.index + 1);
    assert.equal(result.ignoredFrames, 2);
    const ref = assertMatchesSqlite(f.db, cut, result.db);
    assert.doesNotMatch(ref.dump, /'big'/);
    assert.match(sqlite3View(f.dbPath, f.walPath).dump, /'big'/, 'the uncut WAL does hold the big row');
  });

  it('keeps earlier commits when the last frame is torn (file cut mid-frame)', () => {
    const f = fixture(THREE);
    const frames = walFrames(f.wal);
    const torn = f.wal.subarray(0, frames[frames.length - 1].offset + 1000);
    const result = applyWal(f.db.slice(), torn);
    const last = lastCommitIndex(torn);
    assert.ok(last >= 0 && last < frames.length - 1);
    assert.equal(result.lastCommitFrame, last + 1);
    assert.match(result.note ?? '', /partial frame/);
    assertMatchesSqlite(f.db, torn, result.db);
  });

  it('stops at a frame whose checksum is wrong, as sqlite3 does', () => {
    const f = fixture(THREE);
    const frames = walFrames(f.wal);
    const commits = frames.filter((fr) => fr.commit !== 0);
    const keep = commits[commits.length - 3];
    const victim = frames[keep.index + 1];
    const wal = f.wal.slice();
    wal[victim.offset + WAL_FRAME_HEADER_BYTES + 2000] ^= 0x40;
    const result = applyWal(f.db.slice(), wal);
    assert.equal(result.lastCommitFrame, keep.index + 1);
    assert.equal(result.ignoredFrames, frames.length - keep.index - 1);
    assert.match(result.note ?? '', /checksum/);
    const ref = assertMatchesSqlite(f.db, wal, result.db);
    assert.notEqual(ref.dump, sqlite3View(f.dbPath, f.walPath).dump, 'the flipped byte did hide two commits from sqlite3 too');
  });

  it('ignores frames left over from an older WAL generation (after a RESTART checkpoint)', () => {
    const f = fixture([{ op: 'tx', rows: 200 }, { op: 'tx', rows: 200 }, { op: 'tx', rows: 200 }, { op: 'checkpoint', mode: 'RESTART' }, { op: 'tx', rows: 5 }]);
    const frames = walFrames(f.wal);
    const stale = frames.filter((fr) => fr.salt1 !== frames[0].salt1 || fr.salt2 !== frames[0].salt2);
    assert.ok(stale.length > 0, 'fixture has frames from the previous generation');
    assert.equal(Buffer.from(f.wal).readUInt32BE(16), frames[0].salt1, 'new frames carry the header salt');
    const result = applyWal(f.db.slice(), f.wal);
    assert.equal(result.lastCommitFrame, frames.length - stale.length);
    assert.equal(result.ignoredFrames, stale.length);
    assert.match(result.note ?? '', /older WAL generation/);
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  it('reads the big-endian checksum variant (magic 0x377f0683)', () => {
    const f = fixture(THREE);
    const be = rechecksumWal(f.wal, { bigEndian: true });
    assert.notDeepEqual(be.subarray(24, 32), Buffer.from(f.wal.subarray(24, 32)));
    const result = applyWal(f.db.slice(), be);
    assert.equal(result.framesApplied, walFrames(f.wal).length);
    const ref = assertMatchesSqlite(f.db, be, result.db);
    assert.equal(ref.dump, sqlite3View(f.dbPath, f.walPath).dump, 'sqlite3 reads the BE variant like the original');
  });

  it('grows a database created in WAL mode (header page only) through allocate', () => {
    const f = fixture(SMALL_PAGES, 1024);
    assert.equal(f.db.length, 1024, 'python wrote only the header page');
    const sizes: number[] = [];
    const result = applyWal(f.db.slice(), f.wal, { allocate: (size) => (sizes.push(size), new Uint8Array(new SharedArrayBuffer(size))) });
    assert.deepEqual(sizes, [result.dbPages * 1024]);
    assert.ok(result.db.buffer instanceof SharedArrayBuffer);
    assert.ok(result.dbPages > 10);
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  it('allocates a SharedArrayBuffer by default when the WAL grows the image', () => {
    const f = fixture(SMALL_PAGES, 1024);
    const result = applyWal(f.db.slice(), f.wal);
    assert.ok(result.db.buffer instanceof SharedArrayBuffer);
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  it('accepts an empty database file when the WAL holds page 1', () => {
    const f = fixture(SMALL_PAGES, 1024);
    const result = applyWal(new Uint8Array(0), f.wal);
    assert.equal(result.pageSize, 1024);
    // sqlite3 itself deletes a WAL next to a 0-byte file; compare with the header-page pair instead.
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  it('truncates the image when a commit shrinks the database (VACUUM)', () => {
    const f = fixture([{ op: 'tx', rows: 400 }, { op: 'checkpoint', mode: 'TRUNCATE' }, { op: 'shrink' }]);
    const result = applyWal(f.db.slice(), f.wal);
    assert.ok(result.db.length < f.db.length, `image ${result.db.length} < file ${f.db.length}`);
    assertMatchesSqlite(f.db, f.wal, result.db);
  });

  describe('a WAL that SQLite ignores as a whole', () => {
    let f: ReturnType<typeof fixture>;
    before(() => {
      f = fixture(CHECKPOINTED);
    });

    const cases: [string, (wal: Uint8Array) => Uint8Array, RegExp][] = [
      ['an empty WAL', () => new Uint8Array(0), /empty/],
      ['a WAL shorter than its header', (wal) => wal.slice(0, 20), /shorter than its header/],
      ['a header-only WAL', (wal) => wal.slice(0, 32), /no frames/],
      ['a bad header checksum', (wal) => { const w = wal.slice(); w[27] ^= 1; return w; }, /header checksum/],
      ['a wrong magic number', (wal) => { const w = wal.slice(); w[0] = 0; return w; }, /magic/],
    ];
    for (const [label, mutate, note] of cases) {
      it(`applies nothing for ${label}, like sqlite3`, () => {
        const wal = mutate(f.wal);
        const db = f.db.slice();
        const result = applyWal(db, wal);
        assert.equal(result.framesApplied, 0);
        assert.match(result.note ?? '', note);
        assert.equal(result.db, db);
        assert.deepEqual([result.db[18], result.db[19]], [1, 1], 'WAL marker cleared even when nothing was applied');
        assert.deepEqual(Buffer.from(result.db.subarray(20)), Buffer.from(f.db.subarray(20)));
        assertMatchesSqlite(f.db, wal, result.db);
      });
    }
  });

  it('refuses a WAL whose page size differs from the database', () => {
    const a = fixture(THREE);
    const b = fixture(SMALL_PAGES, 1024);
    assert.equal(walPageSize(b.wal), 1024);
    assert.throws(() => applyWal(a.db.slice(), b.wal), (err) => isCdbError(err, 'CORRUPT') && /page size/.test(err.message));
  });

  it('refuses to grow the image beyond maxBytes', () => {
    const f = fixture(SMALL_PAGES, 1024);
    assert.throws(() => applyWal(f.db.slice(), f.wal, { maxBytes: 4096 }), (err) => isCdbError(err, 'TOO_LARGE'));
  });

  it('refuses a database file that is not SQLite', () => {
    const f = fixture(THREE);
    const db = f.db.slice();
    db[0] = 0x78;
    assert.throws(() => applyWal(db, f.wal), (err) => isCdbError(err, 'NOT_SQLITE'));
  });
});
