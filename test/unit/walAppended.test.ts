/**
 * applyWalAppended on WAL files written by real SQLite (Python's sqlite3 module): the -wal read at
 * two moments of one generation, the later one applied onto the image of the earlier one, must be
 * byte for byte the full replay of the database file with the later -wal; anything else is null.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyWal, applyWalAppended, type WalReplayResult } from '../../src/core/sqlite';
import { makeTempDir, rechecksumWal } from '../support/sqliteFixtures';

/** Copies db + -wal after each step named in `snap`, the writer's connection open all along. */
const WRITER = String.raw`
import json, os, shutil, sqlite3, sys
a = json.loads(sys.argv[1])
live = os.path.join(a['dir'], 'live.db')
for s in ('', '-wal', '-shm'):
    if os.path.exists(live + s): os.remove(live + s)
c = sqlite3.connect(live, isolation_level=None)
c.execute('PRAGMA journal_mode=WAL')
c.execute('PRAGMA wal_autocheckpoint=0')
c.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)')
SERIES = 'WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ?) '
c.execute(SERIES + "INSERT INTO t(v, b) SELECT 'row' || value, randomblob(300) FROM s", (400,))
c.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchall()
for i, step in enumerate(a['steps']):
    op = step['op']
    if op == 'insert':
        c.execute(SERIES + "INSERT INTO t(v, b) SELECT 'new' || value, randomblob(?) FROM s", (step['rows'], step.get('bytes', 200)))
    elif op == 'update':
        c.execute("UPDATE t SET v = v || '!' WHERE id % 9 = 0")
    elif op == 'delete':
        c.execute('DELETE FROM t WHERE id % 4 = 0')
    elif op == 'open':
        # A two-page cache spills the open transaction's pages into the -wal before its commit.
        c.execute('PRAGMA cache_size=2'); c.execute('BEGIN')
        c.execute(SERIES + "INSERT INTO t(v, b) SELECT 'open' || value, randomblob(500) FROM s", (300,))
    elif op == 'commit':
        c.execute('COMMIT')
    elif op == 'checkpoint':
        c.execute('PRAGMA wal_checkpoint(%s)' % step['mode']).fetchall()
    shutil.copyfile(live, os.path.join(a['dir'], 'db.%d' % i))
    shutil.copyfile(live + '-wal', os.path.join(a['dir'], 'wal.%d' % i))
c.close()
`;

type Step = { op: string; rows?: number; bytes?: number; mode?: string };

describe('walReplay.applyWalAppended (WAL files written by SQLite)', function () {
  this.timeout(60000);
  let tmp: string;
  let n = 0;
  before(() => (tmp = makeTempDir('cdb-walapp-')));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The database file and -wal after each step. */
  function write(steps: Step[]): { db: Buffer; wal: Buffer }[] {
    const dir = path.join(tmp, String(n++));
    fs.mkdirSync(dir);
    const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    execFileSync(python, ['-c', WRITER, JSON.stringify({ dir, steps })], { stdio: ['ignore', 'ignore', 'inherit'] });
    return steps.map((_, i) => ({ db: fs.readFileSync(path.join(dir, `db.${i}`)), wal: fs.readFileSync(path.join(dir, `wal.${i}`)) }));
  }
  const full = (db: Buffer, wal: Uint8Array): WalReplayResult => applyWal(new Uint8Array(db), wal, { allocate: (s) => new Uint8Array(s) });
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const pages = (db: Buffer, pageSize: number) => Math.ceil(db.length / pageSize);

  /** Applies moment j's -wal onto moment i's image; asserts it equals the full replay at j. */
  function appendedEqualsFull(moments: { db: Buffer; wal: Buffer }[], i: number, j: number): WalReplayResult {
    const earlier = full(moments[i].db, moments[i].wal);
    assert.ok(earlier.position, 'the earlier replay gives its position');
    const before = sha(earlier.db);
    const inc = applyWalAppended(earlier.db, moments[j].wal, earlier.position, pages(moments[i].db, earlier.pageSize));
    assert.ok(inc, 'the later -wal applies onto the earlier image');
    assert.equal(sha(earlier.db), before, 'the earlier image is never written');
    assert.notEqual(inc.db.buffer, earlier.db.buffer);
    const reference = full(moments[j].db, moments[j].wal);
    assert.equal(inc.db.length, reference.db.length);
    assert.ok(Buffer.from(inc.db).equals(Buffer.from(reference.db)), 'byte-identical to the full replay');
    assert.equal(inc.framesApplied, reference.framesApplied);
    return inc;
  }

  it('inserts, updates and deletes appended: the new frames on the old image equal a full replay', () => {
    const m = write([{ op: 'insert', rows: 10 }, { op: 'insert', rows: 100 }, { op: 'update' }, { op: 'delete' }]);
    for (let j = 1; j < m.length; j++) appendedEqualsFull(m, 0, j);
    appendedEqualsFull(m, 1, 3);
    // Chained: the position of an appended replay serves the next one.
    const first = full(m[0].db, m[0].wal);
    const second = applyWalAppended(first.db, m[2].wal, first.position!, pages(m[0].db, first.pageSize))!;
    const third = applyWalAppended(second.db, m[3].wal, second.position!, pages(m[0].db, first.pageSize))!;
    assert.ok(Buffer.from(third.db).equals(Buffer.from(full(m[3].db, m[3].wal).db)));
  });

  it('a database that grows (large rows: new pages at the end) and the same -wal read twice', () => {
    const m = write([{ op: 'insert', rows: 5 }, { op: 'insert', rows: 300, bytes: 4000 }]);
    const inc = appendedEqualsFull(m, 0, 1);
    assert.ok(inc.dbPages > full(m[0].db, m[0].wal).dbPages, 'the database grew');
    appendedEqualsFull(m, 1, 1);
  });

  it('frames of a transaction still open are left out, then applied once it commits', () => {
    const m = write([{ op: 'insert', rows: 5 }, { op: 'open' }, { op: 'commit' }]);
    const open = appendedEqualsFull(m, 0, 1);
    assert.ok(open.ignoredFrames > 0);
    appendedEqualsFull(m, 1, 2);
  });

  it('a checkpoint that restarts the -wal (new salts), a shrunk -wal, a broken chain: null', () => {
    const m = write([{ op: 'insert', rows: 50 }, { op: 'checkpoint', mode: 'TRUNCATE' }, { op: 'insert', rows: 50 }, { op: 'insert', rows: 5 }]);
    const first = full(m[0].db, m[0].wal);
    const dbPages = pages(m[0].db, first.pageSize);
    assert.equal(applyWalAppended(first.db, m[2].wal, first.position!, dbPages), null, 'another generation');
    assert.equal(applyWalAppended(first.db, m[0].wal.subarray(0, m[0].wal.length - 100), first.position!, dbPages), null, 'shrunk');
    const later = full(m[2].db, m[2].wal);
    // A byte of an old, already applied frame changed: the chain from the header no longer holds.
    const tampered = Buffer.from(m[3].wal);
    tampered[32 + 24 + 10] ^= 0xff;
    assert.equal(applyWalAppended(later.db, tampered, later.position!, pages(m[2].db, later.pageSize)), null, 'broken chain');
    // The same frames re-checksummed from the header on (a WAL rewritten with other content): the
    // checksum at the old commit differs.
    const rewritten = rechecksumWal(tampered);
    assert.equal(applyWalAppended(later.db, rewritten, later.position!, pages(m[2].db, later.pageSize)), null, 'rewritten chain');
    // The untouched one applies; and onto the image made beside the empty -wal a TRUNCATE
    // checkpoint leaves, a new generation applies from its first frame.
    appendedEqualsFull(m, 2, 3);
    assert.equal(m[1].wal.length, 0);
    appendedEqualsFull(m, 1, 3);
  });
});
