import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { isHotJournal, looksEncrypted, parseSqliteHeader } from '../../src/core/sqlite';
import { isCdbError } from '../../src/core/errors';
import { makeJournalFixture, makeTempDir, sqlite3Cli, writeFile } from '../support/sqliteFixtures';
import { Rng } from '../support/mutators';

describe('sqliteHeader', function () {
  this.timeout(60000);
  let tmp: string;
  before(() => {
    tmp = makeTempDir('cdb-hdr-');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const makeDb = (name: string, pragmas: string) => {
    const p = path.join(tmp, name);
    sqlite3Cli(p, `${pragmas} CREATE TABLE t(a, b); INSERT INTO t SELECT value, randomblob(100) FROM generate_series(1, 300); CREATE INDEX t_a ON t(a);`);
    return p;
  };
  const pragma = (p: string, name: string) => sqlite3Cli(p, `PRAGMA ${name};`).trim();
  const throwsCode = (fn: () => unknown, code: string, message?: RegExp) =>
    assert.throws(fn, (err) => isCdbError(err) && err.code === code && (!message || message.test(err.message)) && !err.message.includes('\n'));

  describe('parseSqliteHeader', () => {
    for (const [pageSize, encoding] of [[512, 'UTF-8'], [4096, 'UTF-16le'], [65536, 'UTF-16be']] as const) {
      it(`reads what sqlite3 reports for page size ${pageSize}, ${encoding}`, () => {
        const p = makeDb(`h${pageSize}.db`, `PRAGMA page_size=${pageSize}; PRAGMA encoding='${encoding}'; PRAGMA user_version=${pageSize + 7};`);
        const h = parseSqliteHeader(fs.readFileSync(p));
        assert.equal(h.pageSize, Number(pragma(p, 'page_size')));
        assert.equal(h.pageCount, Number(pragma(p, 'page_count')));
        assert.ok(h.pageCountValid);
        assert.equal(h.textEncoding, pragma(p, 'encoding'));
        assert.equal(h.userVersion, pageSize + 7);
        assert.equal(h.readVersion, 1);
        assert.equal(h.writeVersion, 1);
        assert.equal(h.reservedBytes, 0);
        assert.equal(h.changeCounter, fs.readFileSync(p).readUInt32BE(24));
      });
    }

    it('reads a WAL-mode header (read/write version 2)', () => {
      const p = makeDb('wal.db', 'PRAGMA journal_mode=WAL;');
      const h = parseSqliteHeader(fs.readFileSync(p));
      assert.equal(h.readVersion, 2);
      assert.equal(h.writeVersion, 2);
    });

    it('refuses an empty file as NOT_SQLITE, naming it', () => {
      throwsCode(() => parseSqliteHeader(new Uint8Array(0), '/app/backend/data/webui.db'), 'NOT_SQLITE', /^\/app\/backend\/data\/webui\.db is empty/);
    });

    it('refuses text and zeros as NOT_SQLITE with a next step', () => {
      const text = Buffer.alloc(4096, 'CREATE TABLE t(a); -- not a database\n');
      throwsCode(() => parseSqliteHeader(text, 'webui.db'), 'NOT_SQLITE', /webui\.db is not an SQLite database .*--path/);
      throwsCode(() => parseSqliteHeader(new Uint8Array(8192)), 'NOT_SQLITE');
    });

    it('says ENCRYPTED for whole pages of random bytes (SQLCipher writes ciphertext from byte 0)', () => {
      const rng = new Rng(7);
      for (const size of [1024, 4096, 65536]) {
        throwsCode(() => parseSqliteHeader(rng.bytes(size), 'secret.db'), 'ENCRYPTED', /secret\.db looks encrypted \(SQLCipher\?\) and cannot be opened/);
      }
    });

    it('does not call compressed or odd-sized random files encrypted', () => {
      const rng = new Rng(8);
      assert.equal(looksEncrypted(rng.bytes(4000)), false, 'not whole pages');
      assert.equal(looksEncrypted(rng.bytes(512)), false, 'too short to judge');
      const gz = zlib.gzipSync(Buffer.from(new Rng(9).bytes(20000)));
      const padded = Buffer.concat([gz, Buffer.alloc(512 - (gz.length % 512))]);
      assert.equal(looksEncrypted(padded), false, 'gzip says what it is');
      // A real database with its magic wiped is damaged, not encrypted: its pages are far from random.
      const db = fs.readFileSync(makeDb('wiped.db', 'PRAGMA page_size=1024;'));
      db.fill(0, 0, 16);
      assert.equal(looksEncrypted(db), false);
      throwsCode(() => parseSqliteHeader(db), 'NOT_SQLITE');
    });

    it('refuses an impossible page size as CORRUPT', () => {
      const db = fs.readFileSync(makeDb('ps.db', ''));
      db.writeUInt16BE(1000, 16);
      throwsCode(() => parseSqliteHeader(db), 'CORRUPT', /page size \(1000\)/);
    });

    it('refuses truncated files as CORRUPT, as sqlite3 does', () => {
      const p = makeDb('trunc.db', 'PRAGMA page_size=1024;');
      const db = fs.readFileSync(p);
      throwsCode(() => parseSqliteHeader(db.subarray(0, 60)), 'CORRUPT', /100-byte header/);
      throwsCode(() => parseSqliteHeader(db.subarray(0, 700)), 'CORRUPT', /shorter than one 1024-byte page/);
      throwsCode(() => parseSqliteHeader(db.subarray(0, db.length - 300)), 'CORRUPT', /not a whole number/);
      const cut = db.subarray(0, db.length - 3 * 1024);
      throwsCode(() => parseSqliteHeader(cut), 'CORRUPT', /header says \d+ pages but the file holds \d+/);
      // The reference agrees that a file shorter than its header's page count is malformed.
      const cutPath = writeFile(tmp, 'cut.db', cut);
      assert.throws(() => execFileSync('sqlite3', [cutPath, 'SELECT count(*) FROM t;'], { stdio: 'pipe' }), /malformed/);
    });
  });

  describe('isHotJournal', () => {
    it('is true once a transaction has started writing the database file (sqlite3 rolls it back)', () => {
      for (const mode of ['DELETE', 'TRUNCATE', 'PERSIST'] as const) {
        const f = makeJournalFixture(path.join(tmp, 'j'), mode, 'spilled');
        assert.ok(f.journalPath, `${mode}: a journal exists mid-transaction`);
        assert.equal(isHotJournal(fs.readFileSync(f.journalPath)), true, mode);
        const copied = fs.readFileSync(f.dbPath);
        // The reference: sqlite3 treats the pair as hot, rolls back, and then drops the journal.
        assert.equal(sqlite3Cli(f.dbPath, 'SELECT group_concat(x) FROM t;').trim(), '1,2,3', `${mode}: rolled back to the committed rows`);
        assert.ok(!fs.existsSync(f.journalPath) || !isHotJournal(fs.readFileSync(f.journalPath)), `${mode}: sqlite3 played the journal back`);
        assert.ok(!copied.equals(fs.readFileSync(f.dbPath)), `${mode}: the copied file held uncommitted pages that the rollback rewrote`);
      }
    });

    it('is false while a transaction has changed only the cache (magic not yet written)', () => {
      const f = makeJournalFixture(path.join(tmp, 'j'), 'DELETE', 'open');
      assert.ok(f.journalPath);
      assert.equal(isHotJournal(fs.readFileSync(f.journalPath)), false);
      assert.equal(sqlite3Cli(f.dbPath, 'SELECT group_concat(x) FROM t;').trim(), '1,2,3', 'the database file is untouched');
    });

    it('is false once the transaction is over, in every journal mode', () => {
      const del = makeJournalFixture(path.join(tmp, 'j'), 'DELETE', 'committed');
      assert.equal(del.journalPath, undefined, 'DELETE removes the journal');
      const trunc = makeJournalFixture(path.join(tmp, 'j'), 'TRUNCATE', 'committed');
      assert.equal(fs.readFileSync(trunc.journalPath!).length, 0, 'TRUNCATE empties it');
      assert.equal(isHotJournal(fs.readFileSync(trunc.journalPath!)), false);
      const persist = makeJournalFixture(path.join(tmp, 'j'), 'PERSIST', 'committed');
      const journal = fs.readFileSync(persist.journalPath!);
      assert.ok(journal.length > 0, 'PERSIST keeps the file');
      assert.equal(isHotJournal(journal), false, 'PERSIST zeroes the header');
    });

    it('is false for short or foreign bytes', () => {
      assert.equal(isHotJournal(new Uint8Array(0)), false);
      assert.equal(isHotJournal(Uint8Array.of(0xd9, 0xd5, 0x05, 0xf9)), false);
      assert.equal(isHotJournal(new Rng(3).bytes(4096)), false);
    });
  });
});
