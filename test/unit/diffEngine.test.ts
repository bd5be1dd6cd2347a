/**
 * The diff engine against SQLite's own sqldiff, on generated pairs: the counts equal
 * `sqldiff --primarykey --summary`, and the generated SQL, applied to a copy of A with sqlite3,
 * leaves nothing for `sqldiff --primarykey` to report.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffDatabases, diffRows, diffSql, type DatabaseDiff, type KeyedRow, type UpdatedRow } from '../../src/core/diff';
import { identicalTreeRows, sharedRowidRanges } from '../../src/core/diff/identicalTree';
import { pagePair, type PagePair } from '../../src/core/diff';
import { BlockReader, fileKey } from '../../src/core/bytes';
import { fileOnDemand } from '../../src/core/snapshot';
import { SqlEngine, type DbHandle } from '../../src/core/sqlEngine';
import type { SqlValue } from '../../src/core/types';
import { applyToCopy, makeDiffPair, rng, sqldiffSql, sqldiffSummary } from '../support/diffPairs';

/** Two database files read on demand, as the CLI's diff reads host files (see fileSnapshot.ts fileOnDemand). */
async function filePair(fa: string, fb: string): Promise<PagePair> {
  const reader = (f: string) => BlockReader.open(f, fileKey(fs.statSync(f)));
  return (await pagePair(reader(fa), reader(fb)))!;
}

const PAIRS = 40;

function assertMatchesSqldiff(diff: DatabaseDiff, a: string, b: string, context: string): void {
  const reference = sqldiffSummary(a, b);
  assert.deepEqual(
    diff.tables.map((t) => t.name),
    reference.map((l) => l.table),
    `${context}: the same tables, in sqldiff's order`,
  );
  for (const line of reference) {
    const t = diff.tables.find((x) => x.name === line.table)!;
    const where = `${context}, table ${line.table}`;
    if (line.kind === 'counts') {
      assert.ok(t.rowsCompared, `${where}: rows compared`);
      assert.deepEqual(
        { inserted: t.inserted, deleted: t.deleted, updated: t.updated, unchanged: t.unchanged },
        { inserted: line.inserted, deleted: line.deleted, updated: line.updated, unchanged: line.unchanged },
        where,
      );
    } else if (line.kind === 'incompatible') {
      // sqldiff gives up; we either report the definition change or, with no key at all, pair whole rows.
      if (t.matchedBy !== 'all-columns') {
        assert.equal(t.status, 'schema-changed', where);
        assert.equal(t.rowsCompared, false, where);
      }
    } else {
      assert.equal(t.status, line.kind, where);
    }
  }
}

describe('diff engine vs sqldiff --primarykey', function () {
  this.timeout(120_000);
  let dir: string;
  let engine: SqlEngine;
  const open: DbHandle[] = [];

  const openFile = async (file: string): Promise<DbHandle> => {
    const h = await engine.open(new Uint8Array(fs.readFileSync(file)), path.basename(file));
    open.push(h);
    return h;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-diff-'));
    engine = new SqlEngine();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await engine.close(h);
  });
  after(async () => {
    await engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`counts equal sqldiff --summary, and --sql turns A into B, on ${PAIRS} generated pairs`, async () => {
    const statuses = new Set<string>();
    for (let seed = 1; seed <= PAIRS; seed++) {
      const pair = makeDiffPair(dir, seed);
      const context = `seed ${seed} (${pair.story.join('; ')})`;
      // Every path must give sqldiff's counts: odd pairs with the page shortcut over images in
      // memory, one in four over the two files read on demand (as the CLI reads host files),
      // the rest in SQL alone.
      const onDemand = seed % 4 === 0 ? await Promise.all([fileOnDemand(pair.a), fileOnDemand(pair.b)]) : undefined;
      const a = onDemand ? await engine.openFile(onDemand[0]!.ref) : await openFile(pair.a);
      const b = onDemand ? await engine.openFile(onDemand[1]!.ref) : await openFile(pair.b);
      if (onDemand) open.push(a, b);
      const images = onDemand
        ? { a: onDemand[0]!.pages, b: onDemand[1]!.pages }
        : seed % 2
          ? { a: new Uint8Array(fs.readFileSync(pair.a)), b: new Uint8Array(fs.readFileSync(pair.b)) }
          : undefined;
      const diff = await diffDatabases(engine, a, b, { sampleLimit: 3, images });
      if (onDemand) assert.ok((await onDemand[0]!.unchanged()) && (await onDemand[1]!.unchanged()), `${context}: the files were only read`);
      assertMatchesSqldiff(diff, pair.a, pair.b, context);
      diff.tables.forEach((t) => statuses.add(t.status));
      const sql = await diffSql(engine, a, b);
      const copy = applyToCopy(pair.a, sql, path.join(dir, `pair-${seed}-applied.db`));
      assert.equal(sqldiffSql(copy, pair.b), '', `${context}: sqldiff --primarykey after applying our SQL`);
      const c = await openFile(copy);
      const again = await diffDatabases(engine, c, b, { sampleLimit: 0 });
      assert.deepEqual(
        again.schema.map((s) => `${s.kind} ${s.name} ${s.change}`),
        [],
        `${context}: no schema difference after applying our SQL`,
      );
      assert.equal(again.identical, true, `${context}: identical after applying our SQL`);
      for (const h of open.splice(0)) await engine.close(h);
      onDemand?.forEach((side) => side!.close());
    }
    // The generator must reach every status, or this test proves less than it claims.
    assert.deepEqual([...statuses].sort(), ['changed', 'only-in-a', 'only-in-b', 'same', 'schema-changed']);
  });

  it('pairs by sqldiff rules where they are subtle: NULL keys, 1 vs 1.0, NOCASE, extra B columns, hidden rowid', async () => {
    const mk = (name: string, sql: string) => {
      const file = path.join(dir, name);
      fs.rmSync(file, { force: true });
      execFileSync('sqlite3', [file], { input: sql });
      return file;
    };
    const fa = mk(
      'subtle-a.db',
      `CREATE TABLE nk(k TEXT PRIMARY KEY, v); INSERT INTO nk VALUES(NULL, 1), ('a', 1), ('b', 2);
       CREATE TABLE num(id INTEGER PRIMARY KEY, v); INSERT INTO num VALUES(1, 1), (2, 1), (3, 'x'), (4, X'00'), (5, 0.1);
       CREATE TABLE nc(k TEXT COLLATE NOCASE PRIMARY KEY, v TEXT COLLATE NOCASE); INSERT INTO nc VALUES('abc', 'Hello'), ('q', 'r');
       CREATE TABLE wide(id INTEGER PRIMARY KEY, a); INSERT INTO wide VALUES(1, 'x'), (2, 'y');
       CREATE TABLE hidden(rowid, _rowid_, oid); INSERT INTO hidden VALUES(1, 2, 3);
       CREATE TABLE keyonly(k INTEGER PRIMARY KEY); INSERT INTO keyonly VALUES(1), (2);`,
    );
    const fb = mk(
      'subtle-b.db',
      `CREATE TABLE nk(k TEXT PRIMARY KEY, v); INSERT INTO nk VALUES(NULL, 1), ('a', 1), ('b', 3);
       CREATE TABLE num(id INTEGER PRIMARY KEY, v); INSERT INTO num VALUES(1, 1.0), (2, '1'), (3, 'x'), (4, X'01'), (5, 0.1000000000000000194);
       CREATE TABLE nc(k TEXT COLLATE NOCASE PRIMARY KEY, v TEXT COLLATE NOCASE); INSERT INTO nc VALUES('ABC', 'hello'), ('Q', 's');
       CREATE TABLE wide(id INTEGER PRIMARY KEY, a, extra); INSERT INTO wide VALUES(1, 'x', 'new'), (2, 'z', NULL);
       CREATE TABLE hidden(rowid, _rowid_, oid); INSERT INTO hidden VALUES(1, 2, 3), (1, 2, 3), (4, 5, 6);
       CREATE TABLE keyonly(k INTEGER PRIMARY KEY); INSERT INTO keyonly VALUES(2), (3);`,
    );
    const a = await openFile(fa);
    const b = await openFile(fb);
    const diff = await diffDatabases(engine, a, b, { sampleLimit: 10 });
    assertMatchesSqldiff(diff, fa, fb, 'subtle pair');
    const t = (name: string) => diff.tables.find((x) => x.name === name)!;
    // A NULL key pairs with nothing: the NULL row is deleted and inserted, as in sqldiff.
    assert.deepEqual([t('nk').deleted, t('nk').inserted, t('nk').updated], [1, 1, 1]);
    // INTEGER 1 and REAL 1.0 are equal to IS NOT; 1 and '1' are not; blobs bytewise; a REAL one bit off differs.
    assert.deepEqual(t('num').samples.updated.map((u: UpdatedRow) => u.key[0]), [2, 4, 5]);
    assert.equal(t('num').updated, 3);
    assert.deepEqual(t('num').samples.updated[0].changedColumns, ['v']);
    // NOCASE key and value: 'abc' pairs with 'ABC', 'Hello' equals 'hello'.
    assert.deepEqual([t('nc').updated, t('nc').unchanged, t('nc').inserted], [1, 1, 0]);
    // B's extra trailing column: compatible for sqldiff, only A's columns compared; the definition still differs.
    assert.equal(t('wide').status, 'schema-changed');
    assert.equal(t('wide').updated, 1);
    assert.deepEqual(diff.schema.find((s) => s.name === 'wide')?.columns, { added: ['extra'], removed: [], retyped: [] });
    // No key and a hidden rowid: sqldiff gives up; we pair whole rows as a multiset.
    assert.equal(t('hidden').matchedBy, 'all-columns');
    assert.deepEqual([t('hidden').inserted, t('hidden').deleted, t('hidden').unchanged], [2, 0, 1]);
    assert.deepEqual([t('keyonly').inserted, t('keyonly').deleted, t('keyonly').unchanged], [1, 1, 1]);
    assert.equal(t('keyonly').matchedBy, 'primary-key');
  });

  it('keyset pages of diffRows add up to the counts, without repeats', async () => {
    const fa = path.join(dir, 'pages-a.db');
    const fb = path.join(dir, 'pages-b.db');
    for (const f of [fa, fb]) fs.rmSync(f, { force: true });
    execFileSync('sqlite3', [fa], {
      input: `CREATE TABLE p(k1 TEXT, k2 INT, v, PRIMARY KEY(k1, k2)) WITHOUT ROWID;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<500) INSERT INTO p SELECT 'k'||(i%7), i, i FROM n;
        CREATE TABLE r(x, y); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<300) INSERT INTO r(rowid, x, y) SELECT i, i, 'y' FROM n;`,
    });
    execFileSync('sqlite3', [fb], {
      input: `CREATE TABLE p(k1 TEXT, k2 INT, v, PRIMARY KEY(k1, k2)) WITHOUT ROWID;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<520) INSERT INTO p SELECT 'k'||(i%7), i, CASE WHEN i%3=0 THEN i||'' ELSE i END FROM n WHERE i%11<>0;
        CREATE TABLE r(x, y); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<330) INSERT INTO r(rowid, x, y) SELECT i, i, CASE WHEN i%4=0 THEN 'z' ELSE 'y' END FROM n WHERE i%13<>0;`,
    });
    const a = await openFile(fa);
    const b = await openFile(fb);
    const diff = await diffDatabases(engine, a, b, { sampleLimit: 0 });
    assertMatchesSqldiff(diff, fa, fb, 'paged pair');
    for (const t of diff.tables) {
      for (const kind of ['inserted', 'deleted', 'updated'] as const) {
        const seen = new Set<string>();
        let after: SqlValue[] | undefined;
        let pages = 0;
        do {
          const page = await diffRows(engine, a, b, t.name, kind, { after, limit: 17 });
          for (const row of page.rows as (KeyedRow | UpdatedRow)[]) {
            const id = JSON.stringify(row.key);
            assert.ok(!seen.has(id), `${t.name} ${kind}: ${id} twice`);
            seen.add(id);
          }
          after = page.after;
          pages++;
        } while (after);
        assert.equal(seen.size, t[kind], `${t.name} ${kind} over ${pages} pages`);
      }
    }
  });

  it('identical b-trees are counted from the pages (checked against count(*)), and any changed page disables the shortcut', async () => {
    const fa = path.join(dir, 'tree-a.db');
    const fb = path.join(dir, 'tree-b.db');
    fs.rmSync(fa, { force: true });
    execFileSync('sqlite3', [fa], {
      input: `CREATE TABLE big(id INTEGER PRIMARY KEY, payload BLOB);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<400) INSERT INTO big SELECT i, randomblob(i * 37) FROM n;
        CREATE TABLE wr(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<3000) INSERT INTO wr SELECT printf('%0*d', 1 + i % 3000, i), zeroblob(i % 5000) FROM n;
        CREATE TABLE small(a, b); INSERT INTO small VALUES(1, 2);`,
    });
    fs.copyFileSync(fa, fb);
    execFileSync('sqlite3', [fb], { input: "UPDATE wr SET v = 'changed' WHERE k = (SELECT k FROM wr LIMIT 1 OFFSET 1500);" });
    const imageA = new Uint8Array(fs.readFileSync(fa));
    const imageB = new Uint8Array(fs.readFileSync(fb));
    const roots = execFileSync('sqlite3', [fa, "SELECT name, rootpage FROM sqlite_schema WHERE type='table' ORDER BY name"], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    for (const [name, root] of roots) {
      const count = Number(execFileSync('sqlite3', [fa, `SELECT count(*) FROM ${name}`], { encoding: 'utf8' }));
      assert.equal(identicalTreeRows((await pagePair(imageA, imageA))!, Number(root)), count, `${name} against itself`);
      assert.equal(identicalTreeRows((await pagePair(imageA, imageB))!, Number(root)), name === 'wr' ? null : count, `${name} against the changed copy`);
      // The same answers from the two files read on demand (one sequential pass, then b-tree pages).
      assert.equal(identicalTreeRows(await filePair(fa, fa), Number(root)), count, `${name} against itself, files on demand`);
      assert.equal(identicalTreeRows(await filePair(fa, fb), Number(root)), name === 'wr' ? null : count, `${name} against the changed copy, files on demand`);
    }
    const a = await openFile(fa);
    const b = await openFile(fb);
    const diff = await diffDatabases(engine, a, b, { sampleLimit: 0, images: { a: imageA, b: imageB } });
    assertMatchesSqldiff(diff, fa, fb, 'tree pair');
    assert.equal(diff.tables.find((t) => t.name === 'wr')!.updated, 1);
  });
  it('partially shared trees (a copy of A changed in place, not vacuumed): counts equal sqldiff, and shared leaves are skipped', async () => {
    const fa = path.join(dir, 'shared-a.db');
    fs.rmSync(fa, { force: true });
    // Tables of every pairing kind, several leaves each, some rows spilling to overflow pages.
    execFileSync('sqlite3', [fa], {
      input: `CREATE TABLE plain(x, y);
        CREATE TABLE ipk(id INTEGER PRIMARY KEY, v, big);
        CREATE TABLE tpk(id TEXT NOT NULL PRIMARY KEY, v, big);
        CREATE TABLE nocase(k TEXT COLLATE NOCASE NOT NULL PRIMARY KEY, v TEXT COLLATE NOCASE);
        CREATE TABLE nullable(k TEXT PRIMARY KEY, v);
        CREATE TABLE wr(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<3000)
        INSERT INTO plain SELECT i, 'p' || i FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<1500)
        INSERT INTO ipk SELECT i * 3, i, CASE WHEN i % 7 = 0 THEN randomblob(6000) ELSE NULL END FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<1500)
        INSERT INTO tpk SELECT printf('t%05d', i), i, CASE WHEN i % 5 = 0 THEN printf('%.*c', 3000 + i, 'j') ELSE 'small' END FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000)
        INSERT INTO nocase SELECT printf('Key%05d', i), 'Value' || i FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000)
        INSERT INTO nullable SELECT printf('n%05d', i), i FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000)
        INSERT INTO wr SELECT printf('w%05d', i), i FROM n;`,
    });
    const imageA = new Uint8Array(fs.readFileSync(fa));
    const a = await openFile(fa);
    const pick = (r: () => number, n: number) => 1 + Math.floor(r() * n);
    const roots = (file: string) =>
      new Map(
        execFileSync('sqlite3', [file, "SELECT name, rootpage FROM sqlite_schema WHERE type = 'table'"], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .map((l) => l.split('|'))
          .map(([n, p]) => [n, Number(p)]),
      );
    const rootsA = roots(fa);
    for (let seed = 1; seed <= 4; seed++) {
      const r = rng(1000 + seed);
      const fb = path.join(dir, `shared-b-${seed}.db`);
      fs.copyFileSync(fa, fb);
      const edits: string[] = [];
      for (let i = 0; i < 3; i++) {
        edits.push(`UPDATE plain SET y = y || '!' WHERE rowid = ${pick(r, 3000)};`);
        edits.push(`UPDATE ipk SET v = 'changed' WHERE id = ${3 * pick(r, 1500)};`);
        edits.push(`UPDATE tpk SET big = big || 'x' WHERE id = printf('t%05d', ${5 * pick(r, 300)});`);
        edits.push(`UPDATE nocase SET v = upper(v) WHERE rowid = ${pick(r, 2000)};`); // same under NOCASE: unchanged
        edits.push(`UPDATE nocase SET v = v || '?' WHERE rowid = ${pick(r, 2000)};`);
        edits.push(`UPDATE nullable SET v = -v WHERE rowid = ${pick(r, 2000)};`);
        edits.push(`UPDATE wr SET v = -v WHERE k = printf('w%05d', ${pick(r, 2000)});`);
      }
      edits.push(`DELETE FROM plain WHERE rowid BETWEEN ${pick(r, 2900)} AND ${pick(r, 2900) + 40};`);
      edits.push(`DELETE FROM ipk WHERE id = ${3 * pick(r, 1500)};`);
      // Between two existing rowids, and past the end.
      edits.push(`INSERT INTO ipk VALUES (${3 * pick(r, 1400) + 1}, 'new', NULL), (100000, 'last', NULL);`);
      // The same key again under a new rowid: paired by the key, not by the rowid.
      edits.push(`DELETE FROM tpk WHERE id = 't00010'; INSERT INTO tpk VALUES ('t00010', 10, 'small');`);
      edits.push(`UPDATE tpk SET id = 'renamed' WHERE id = printf('t%05d', ${pick(r, 1500)});`);
      edits.push(`INSERT INTO nocase VALUES ('KEY00005x', 'v');`);
      if (seed % 2) edits.push(`INSERT INTO plain(rowid, x, y) VALUES (${pick(r, 2900) + 5000}, 'moved', 'y');`);
      if (seed === 3) edits.push('UPDATE plain SET y = y WHERE rowid > 0;'); // rewrites nothing that changes a byte
      execFileSync('sqlite3', [fb], { input: edits.join('\n') });
      const imageB = new Uint8Array(fs.readFileSync(fb));
      const b = await openFile(fb);
      const diff = await diffDatabases(engine, a, b, { sampleLimit: 0, images: { a: imageA, b: imageB } });
      assertMatchesSqldiff(diff, fa, fb, `shared pair ${seed}`);
      const rootsB = roots(fb);
      for (const name of ['plain', 'ipk', 'tpk', 'nocase']) {
        const t = diff.tables.find((x) => x.name === name)!;
        const shared = sharedRowidRanges((await pagePair(imageA, imageB))!, rootsA.get(name)!, rootsB.get(name)!)!;
        assert.deepEqual(sharedRowidRanges(await filePair(fa, fb), rootsA.get(name)!, rootsB.get(name)!), shared, `${name}: the files read on demand give the same ranges`);
        // The shortcut really ran: some unchanged rows came from shared leaves, not all of them.
        assert.ok(shared && !shared.whole && shared.rows > 0 && shared.rows < t.unchanged, `${name}: ${shared?.rows} shared rows of ${t.unchanged} unchanged`);
        if (process.env.CDB_DIFF_DEBUG) console.log(`${seed} ${name}: ${shared.rows} of ${t.unchanged} unchanged rows on ${shared.ranges.length} shared ranges`);
      }
      await engine.close(b);
    }
    // NULL keys pair with nothing, even on identical pages: INTEGER PRIMARY KEY DESC is not the rowid.
    const fn = path.join(dir, 'nullkey-a.db');
    const fm = path.join(dir, 'nullkey-b.db');
    fs.rmSync(fn, { force: true });
    execFileSync('sqlite3', [fn], {
      input: `CREATE TABLE d(id INTEGER PRIMARY KEY DESC, v); INSERT INTO d VALUES (NULL, 1), (5, 2);
        CREATE TABLE n(k TEXT PRIMARY KEY, v); INSERT INTO n VALUES (NULL, 1), ('a', 2);
        CREATE TABLE ok(k TEXT PRIMARY KEY, v); INSERT INTO ok VALUES ('a', 1), ('b', 2);`,
    });
    fs.copyFileSync(fn, fm);
    execFileSync('sqlite3', [fm], { input: 'CREATE TABLE extra(x);' });
    const na = await openFile(fn);
    const nb = await openFile(fm);
    const nullDiff = await diffDatabases(engine, na, nb, { sampleLimit: 0, images: { a: new Uint8Array(fs.readFileSync(fn)), b: new Uint8Array(fs.readFileSync(fm)) } });
    assertMatchesSqldiff(nullDiff, fn, fm, 'NULL keys on shared pages');
    assert.deepEqual([nullDiff.tables.find((t) => t.name === 'd')!.deleted, nullDiff.tables.find((t) => t.name === 'ok')!.unchanged], [1, 2]);
    // Ranges are whole leaves: counting them over the same image gives every row, in one range.
    assert.deepEqual(sharedRowidRanges((await pagePair(imageA, imageA))!, rootsA.get('plain')!), { rows: 3000, ranges: [[1n, 3000n]], whole: true });
  });
});
