/**
 * Bounded mutation fuzzing of the byte parsers: every case must end in a valid result or a
 * CdbError, never another exception, a hang, or an allocation beyond the limit. Deterministic
 * (fixed seeds); a failure names its seed so it can be replayed. A longer soak can reuse
 * test/support/mutators.ts with more seeds.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSingleFileTar } from '../../src/core/docker/tarReader';
import { applyWal } from '../../src/core/sqlite';
import { isHotJournal, parseSqliteHeader } from '../../src/core/sqlite';
import { CdbError } from '../../src/core/errors';
import { Rng, hugeNumberAt, mutate, randomChunks, bitFlips, splice, truncate, shift } from '../support/mutators';
import { makeTempDir, makeWalFixture, rechecksumWal, walFrames, writeFile } from '../support/sqliteFixtures';

/** `npm run soak` multiplies the case counts (CDB_FUZZ_SCALE=20); CI runs them as written. */
const SCALE = Math.max(1, Math.floor(Number(process.env.CDB_FUZZ_SCALE) || 1));
const TAR_CASES = 2500 * SCALE;
const WAL_CASES = 2000 * SCALE;
const DIFFERENTIAL_CASES = 12 * SCALE;

async function* fromIterable(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

/** Rewrites the checksum of every 512-byte block that looks like a header, so mutations reach past the checksum test. */
function fixTarChecksums(bytes: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes);
  for (let at = 0; at + 512 <= out.length; at += 512) {
    const block = out.subarray(at, at + 512);
    if (block.subarray(257, 262).toString('latin1') !== 'ustar') continue;
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += block[i];
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  }
  return out;
}

function expectCdbError(err: unknown, seed: number, what: string): void {
  if (!(err instanceof CdbError)) {
    assert.fail(`${what} seed ${seed}: threw ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)} instead of a CdbError`);
  }
  assert.ok(err.message.length > 0 && !err.message.includes('\n'), `${what} seed ${seed}: one-line message`);
}

describe('fuzz: byte parsers', function () {
  this.timeout(60000 * SCALE);
  let tmp: string;
  before(() => {
    tmp = makeTempDir('cdb-fuzz-');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`tarReader survives ${TAR_CASES} mutated archives`, async () => {
    const src = path.join(tmp, 'tar');
    const longDir = 'd'.repeat(60) + '/' + 'e'.repeat(60);
    fs.mkdirSync(path.join(src, longDir), { recursive: true });
    fs.writeFileSync(path.join(src, 'webui.db'), Buffer.from(new Rng(1).bytes(3000)));
    fs.writeFileSync(path.join(src, longDir, 'f.db'), Buffer.from(new Rng(2).bytes(700)));
    fs.symlinkSync('/data/webui.db', path.join(src, 'link'));
    const tar = (args: string[]) => new Uint8Array(execFileSync('tar', ['-C', src, '-cf', '-', ...args]));
    const seeds = [
      tar(['--format=gnu', 'webui.db']),
      tar(['--format=pax', '--pax-option=comment=g,comment:=x', 'webui.db']),
      tar(['--format=ustar', `${longDir}/f.db`]),
      tar(['--format=gnu', `${longDir}/f.db`]),
      tar(['--format=pax', `${longDir}/f.db`]),
      tar(['--format=gnu', 'link']),
    ];
    const headerFields = [100, 124, 128, 136, 148, 156, 512 + 124, 1024 + 124, 512, 600];
    const mutators = [bitFlips, truncate, splice, shift, hugeNumberAt(headerFields)];
    const maxBytes = 64 * 1024;
    const outcomes = { ok: 0, refused: 0 };
    for (let seed = 0; seed < TAR_CASES; seed++) {
      const rng = new Rng(seed);
      let bytes = mutate(rng.pick(seeds), rng, mutators);
      if (rng.next() < 0.5) bytes = fixTarChecksums(bytes);
      let allocated = 0;
      try {
        const { entry, data } = await readSingleFileTar(fromIterable(randomChunks(bytes, rng)), {
          maxBytes,
          allocate: (e) => {
            allocated++;
            assert.ok(e.size <= maxBytes, `seed ${seed}: allocate asked for ${e.size} bytes`);
            return new Uint8Array(e.size);
          },
        });
        assert.ok(allocated <= 1, `seed ${seed}: allocate called ${allocated} times`);
        assert.equal(data.length, entry.type === 'file' ? entry.size : 0, `seed ${seed}`);
        assert.ok(!entry.name.startsWith('/') && !entry.name.split('/').includes('..'), `seed ${seed}: unsafe name ${entry.name}`);
        outcomes.ok++;
      } catch (err) {
        expectCdbError(err, seed, 'tar');
        outcomes.refused++;
      }
    }
    // Both kinds of outcome must occur, or the fuzzer is not reaching the parser's interior.
    assert.ok(outcomes.ok > TAR_CASES / 20 && outcomes.refused > TAR_CASES / 20, JSON.stringify(outcomes));
  });

  it(`applyWal and parseSqliteHeader survive ${WAL_CASES} mutated WAL + database pairs`, () => {
    const f = makeWalFixture(path.join(tmp, 'wal'), { pageSize: 512, steps: [{ op: 'tx', rows: 15 }, { op: 'checkpoint', mode: 'TRUNCATE' }, { op: 'tx', rows: 10 }, { op: 'tx', rows: 5 }] });
    const db = new Uint8Array(fs.readFileSync(f.dbPath));
    const wal = new Uint8Array(fs.readFileSync(f.walPath));
    assert.ok(walFrames(wal).length > 4);
    const frameFields = walFrames(wal).flatMap((fr) => [fr.offset, fr.offset + 4]);
    const walMutators = [bitFlips, truncate, splice, shift, hugeNumberAt([4, 8, 12, 16, 20, ...frameFields])];
    const maxBytes = 1024 * 1024;
    const outcomes = { applied: 0, none: 0, refused: 0 };
    for (let seed = 0; seed < WAL_CASES; seed++) {
      const rng = new Rng(1_000_000 + seed);
      let w: Uint8Array = wal;
      let d: Uint8Array = db;
      const roll = rng.next();
      if (roll < 0.4) w = mutate(wal, rng, walMutators);
      else if (roll < 0.8) w = rechecksumWal(mutate(wal, rng, walMutators));
      else if (roll < 0.9) d = mutate(db, rng);
      else {
        w = mutate(wal, rng, walMutators);
        d = mutate(db, rng);
      }
      try {
        const r = applyWal(d.slice(), w, { maxBytes, allocate: (size) => (assert.ok(size <= maxBytes, `seed ${seed}: allocate ${size}`), new Uint8Array(size)) });
        if (r.framesApplied > 0) {
          assert.equal(r.db.length, r.dbPages * r.pageSize, `seed ${seed}`);
          outcomes.applied++;
        } else outcomes.none++;
        try {
          parseSqliteHeader(r.db);
        } catch (err) {
          expectCdbError(err, seed, 'header after wal');
        }
      } catch (err) {
        expectCdbError(err, seed, 'wal');
        outcomes.refused++;
      }
      try {
        parseSqliteHeader(d);
      } catch (err) {
        expectCdbError(err, seed, 'header');
      }
      isHotJournal(w);
    }
    assert.ok(outcomes.applied > WAL_CASES / 20 && outcomes.none > WAL_CASES / 20, JSON.stringify(outcomes));
  });

  it(`applyWal agrees with sqlite3's checkpoint on ${DIFFERENTIAL_CASES} re-checksummed WALs with edited frame headers`, () => {
    const f = makeWalFixture(path.join(tmp, 'diff'), { pageSize: 1024, steps: [{ op: 'tx', rows: 30 }, { op: 'tx', rows: 30 }, { op: 'tx', rows: 30 }, { op: 'tx', rows: 30 }] });
    const db = new Uint8Array(fs.readFileSync(f.dbPath));
    const wal = new Uint8Array(fs.readFileSync(f.walPath));
    const frames = walFrames(wal);
    const baseline = Buffer.from(applyWal(db.slice(), wal).db);
    let compared = 0;
    let changed = 0;
    for (let seed = 0; seed < DIFFERENTIAL_CASES; seed++) {
      const rng = new Rng(2_000_000 + seed);
      // Move commit marks and page numbers around in the last transactions (earlier frames are
      // mostly overwritten by later ones), maybe cut the WAL after an edited frame, then make the
      // checksums valid again: the frames are well-formed but tell a different story.
      const late = frames.slice(Math.floor(frames.length * 0.6));
      let edited = Buffer.from(wal);
      for (let k = 1 + rng.int(3); k > 0; k--) {
        const fr = rng.pick(late);
        if (rng.next() < 0.5) edited.writeUInt32BE(rng.next() < 0.3 ? 0 : 1 + rng.int(20), fr.offset + 4);
        else edited.writeUInt32BE(rng.int(20), fr.offset);
      }
      if (rng.next() < 0.3) edited = edited.subarray(0, rng.pick(late).offset + 24 + 1024);
      const mutated = rechecksumWal(edited);
      const ours = applyWal(db.slice(), mutated);
      const dir = makeTempDir('cdb-diff-');
      try {
        const ref = writeFile(dir, 'ref.db', db);
        writeFile(dir, 'ref.db-wal', mutated);
        try {
          execFileSync('sqlite3', [ref, 'PRAGMA wal_checkpoint(TRUNCATE);'], { stdio: 'pipe' });
        } catch {
          continue; // sqlite3 refused the pair; nothing to compare
        }
        const theirs = fs.readFileSync(ref);
        if (theirs.length > 19 && theirs[18] === 2) theirs[18] = theirs[19] = 1;
        assert.ok(theirs.equals(ours.db), `seed ${seed}: our image (${ours.db.length} bytes, ${ours.framesApplied} frames) differs from sqlite3's checkpoint (${theirs.length} bytes)`);
        compared++;
        if (!baseline.equals(ours.db)) changed++;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.ok(compared >= DIFFERENTIAL_CASES / 2, `only ${compared} cases compared`);
    assert.ok(changed >= compared / 3, `only ${changed} of ${compared} edits changed the outcome`);
  });
});
