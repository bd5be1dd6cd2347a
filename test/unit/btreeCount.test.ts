/**
 * Row counts read off the b-tree pages (src/core/sqlite/btreeCount.ts), checked against Debian's sqlite3
 * `count(*)` on the same files: rowid tables of one page and of several levels, WITHOUT ROWID
 * tables (index b-trees, whose interior cells are rows too), overflowing rows, page sizes 512 and
 * 65536, auto-vacuum (pointer-map pages), a freelist after deletes, empty tables. Then readSchema
 * with the image gives the same counts as without it; and mutated images never throw or hang.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countBtreeEntries } from '../../src/core/sqlite';
import { readSchema } from '../../src/core/sqlEngine';
import { SqlEngine } from '../../src/core/sqlEngine';
import { sqlite3Text as sqlite3 } from '../support/sqliteFixtures';

/** Each database: its pragmas and the statements that fill it. */
const CASES: Record<string, string> = {
  'default pages': `
    CREATE TABLE empty(a);
    CREATE TABLE one(a); INSERT INTO one VALUES (1);
    CREATE TABLE many(id INTEGER PRIMARY KEY, t TEXT);
    INSERT INTO many(t) SELECT printf('row %d %s', value, hex(randomblob(20))) FROM generate_series(1, 60000);
    CREATE TABLE wr(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
    INSERT INTO wr SELECT printf('key-%08d-%s', value, hex(randomblob(8))), value FROM generate_series(1, 40000);
    CREATE TABLE wr_empty(k PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB);
    INSERT INTO big(b) SELECT randomblob(9000) FROM generate_series(1, 300);
    CREATE INDEX many_t ON many(t);`,
  'page size 512, auto-vacuum, deletes': `
    PRAGMA page_size = 512; PRAGMA auto_vacuum = FULL;
    CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT);
    INSERT INTO t(s) SELECT hex(randomblob(30)) FROM generate_series(1, 20000);
    DELETE FROM t WHERE id % 3 = 0;
    CREATE TABLE wr(a, b, PRIMARY KEY (b, a)) WITHOUT ROWID;
    INSERT INTO wr SELECT value, hex(randomblob(40)) FROM generate_series(1, 5000);`,
  'page size 65536, freelist': `
    PRAGMA page_size = 65536;
    CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT);
    INSERT INTO t(s) SELECT hex(randomblob(100)) FROM generate_series(1, 30000);
    CREATE TABLE gone(x); INSERT INTO gone SELECT randomblob(500) FROM generate_series(1, 2000); DROP TABLE gone;
    DELETE FROM t WHERE id > 20000;`,
};

describe('countBtreeEntries: row counts from page headers equal sqlite3 count(*)', function () {
  this.timeout(120000);
  let tmp: string;
  const files: Record<string, string> = {};

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-btree-'));
    for (const [name, sql] of Object.entries(CASES)) {
      const file = path.join(tmp, `${name.replace(/\W+/g, '-')}.db`);
      execFileSync('sqlite3', ['-bail', file], { input: sql });
      files[name] = file;
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const name of Object.keys(CASES)) {
    it(`${name}: every table`, () => {
      const file = files[name];
      const image = new Uint8Array(fs.readFileSync(file));
      const tables = sqlite3(file, "SELECT name || '|' || rootpage || '|' || (sql LIKE '%WITHOUT ROWID%') FROM sqlite_schema WHERE type = 'table'")
        .split('\n')
        .map((l) => l.split('|'));
      assert.ok(tables.length >= 1);
      for (const [table, root, withoutRowid] of tables) {
        const expected = Number(sqlite3(file, `SELECT count(*) FROM "${table}"`));
        assert.equal(countBtreeEntries(image, Number(root), withoutRowid !== '1'), expected, `${name}: ${table}`);
      }
    });
  }

  it('gives up (null) on the wrong kind of b-tree, a page out of range, or a cycle', () => {
    const file = files['default pages'];
    const image = new Uint8Array(fs.readFileSync(file));
    const [root] = sqlite3(file, "SELECT rootpage FROM sqlite_schema WHERE name = 'many'").split('\n').map(Number);
    assert.equal(countBtreeEntries(image, root, false), null, 'a table b-tree read as an index');
    assert.equal(countBtreeEntries(image, 0, true), null);
    assert.equal(countBtreeEntries(image, image.length, true), null);
    assert.equal(countBtreeEntries(image.subarray(0, 50), 1, true), null);
    // The root's right-most child pointed back at the root: a loop.
    const pageSize = (image[16] << 8) | image[17];
    const looped = image.slice();
    const at = (root - 1) * pageSize + 8;
    looped[at] = (root >>> 24) & 0xff;
    looped[at + 1] = (root >>> 16) & 0xff;
    looped[at + 2] = (root >>> 8) & 0xff;
    looped[at + 3] = root & 0xff;
    assert.equal(looped[(root - 1) * pageSize], 0x05, 'the root of "many" is an interior page');
    assert.equal(countBtreeEntries(looped, root, true), null);
  });

  it('mutated images: a count or null, never a throw (2,000 cases)', () => {
    const file = files['page size 512, auto-vacuum, deletes'];
    const image = new Uint8Array(fs.readFileSync(file));
    const root = Number(sqlite3(file, "SELECT rootpage FROM sqlite_schema WHERE name = 't'"));
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const m = image.slice();
      for (let k = 0; k < 1 + rand(8); k++) m[rand(m.length)] = rand(256);
      const n = countBtreeEntries(m, root, true);
      assert.ok(n === null || (Number.isInteger(n) && n >= 0));
    }
  });

  it('readSchema with the image counts the same as count(*) in sql.js, from the pages', async () => {
    const engine = new SqlEngine();
    try {
      for (const file of Object.values(files)) {
        const image = new Uint8Array(fs.readFileSync(file));
        const db = await engine.open(image);
        const bySql = await readSchema(engine, db);
        const byPages = await readSchema(engine, db, { image });
        assert.deepEqual(
          byPages.tables.map((t) => [t.name, t.rows]),
          bySql.tables.map((t) => [t.name, t.rows]),
        );
        await engine.close(db);
      }
      // The counts do come from the image: in a copy whose one-page table "one" claims two cells,
      // readSchema reports two where count(*) on the opened database says one.
      const file = files['default pages'];
      const image = new Uint8Array(fs.readFileSync(file));
      const db = await engine.open(image);
      const root = Number(sqlite3(file, "SELECT rootpage FROM sqlite_schema WHERE name = 'one'"));
      const pageSize = (image[16] << 8) | image[17];
      const doctored = image.slice();
      assert.equal(doctored[(root - 1) * pageSize], 0x0d, '"one" is a single leaf page');
      doctored[(root - 1) * pageSize + 4] = 2;
      const one = async (opts: { image?: Uint8Array }) => (await readSchema(engine, db, opts)).tables.find((t) => t.name === 'one')?.rows;
      assert.equal(await one({}), 1);
      assert.equal(await one({ image: doctored }), 2);
      // And where the walk gives up (an image too short to hold the table), count(*) answers.
      assert.equal(await one({ image: image.subarray(0, 100) }), 1);
      await engine.close(db);
    } finally {
      await engine.dispose();
    }
  });
});

