// Keyset paging (src/core/sqlEngine/tablePage.ts) on a 500,000-row table, in the extension host where the
// grid runs it: the last page comes from ORDER BY … DESC LIMIT n, and every page must equal what
// sqlite3 returns for the same rows by position. Also WITHOUT ROWID tables (composite primary key,
// row-value comparison) and a table whose column is named "rowid".
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { snapshotFromFile } from '../../src/core/snapshot';
import { readSchema } from '../../src/core/sqlEngine';
import { DbHandle, SqlEngine } from '../../src/core/sqlEngine';
import { Page, pageKeyFor, readPage } from '../../src/core/sqlEngine';
import type { SqlValue, TableInfo } from '../../src/core/types';

const ROWS = 500_000;
const N = 100;

function sqlite3Json(db: string, sql: string): Record<string, SqlValue>[] {
  const out = execFileSync('sqlite3', ['-json', db, sql], { encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
  return out ? JSON.parse(out) : [];
}

describe('keyset paging (tablePage) on 500k rows', function () {
  this.timeout(120000);
  let dir: string;
  let dbPath: string;
  let engine: SqlEngine;
  let db: DbHandle;
  const tables = new Map<string, TableInfo>();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-d2-page-'));
    dbPath = path.join(dir, 'paging.db');
    // Gaps in the rowids (every 7th row deleted) so that position and rowid differ.
    execFileSync('sqlite3', [
      dbPath,
      `CREATE TABLE big(id INTEGER PRIMARY KEY, name TEXT, n REAL);
       WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${ROWS + Math.ceil(ROWS / 6)})
         INSERT INTO big SELECT i, 'name-' || i, i * 0.5 FROM c;
       DELETE FROM big WHERE id % 7 = 0;
       DELETE FROM big WHERE id > (SELECT id FROM big ORDER BY id LIMIT 1 OFFSET ${ROWS - 1});
       CREATE TABLE pairs(a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
       WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 999)
         INSERT INTO pairs SELECT char(65 + i % 5), i / 5, 'v' || i FROM c;
       CREATE TABLE odd("rowid" TEXT, x INTEGER);
       WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 249)
         INSERT INTO odd SELECT 'r' || (250 - i), i FROM c;`,
    ]);
    engine = new SqlEngine();
    db = await engine.open(await snapshotFromFile(dbPath), 'paging.db');
    const schema = await readSchema(engine, db, { countRows: true });
    for (const t of schema.tables) tables.set(t.name, t);
  });

  after(async () => {
    await engine?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const query = (sql: string, params: SqlValue[]) => engine.query(db, sql, params);

  async function page(name: string, move: 'first' | 'next' | 'prev' | 'last', from?: Page): Promise<Page> {
    const t = tables.get(name)!;
    return readPage(query, t, move, N, t.rows ?? 0, from?.cursor);
  }

  it('counts 500,000 rows', () => {
    assert.strictEqual(tables.get('big')?.rows, ROWS);
    assert.deepStrictEqual(pageKeyFor(tables.get('big')!), { kind: 'rowid', exprs: ['rowid'] });
  });

  it('reads the last page by position, equal to sqlite3 OFFSET', async () => {
    const last = await page('big', 'last');
    const expected = sqlite3Json(dbPath, `SELECT id, name, n FROM big ORDER BY id LIMIT ${N} OFFSET ${ROWS - N}`);
    assert.strictEqual(last.cursor.offset, ROWS - N);
    assert.deepStrictEqual(last.columns, ['id', 'name', 'n']);
    assert.deepStrictEqual(last.rows, expected.map((r) => [r.id, r.name, r.n]));
  });

  it('pages back from the end and forward from the start', async () => {
    const last = await page('big', 'last');
    const prev = await page('big', 'prev', last);
    assert.strictEqual(prev.cursor.offset, ROWS - 2 * N);
    const expectedPrev = sqlite3Json(dbPath, `SELECT id FROM big ORDER BY id LIMIT ${N} OFFSET ${ROWS - 2 * N}`);
    assert.deepStrictEqual(prev.rows.map((r) => r[0]), expectedPrev.map((r) => r.id));

    const first = await page('big', 'first');
    const second = await page('big', 'next', first);
    assert.strictEqual(second.cursor.offset, N);
    const expectedSecond = sqlite3Json(dbPath, `SELECT id FROM big ORDER BY id LIMIT ${N} OFFSET ${N}`);
    assert.deepStrictEqual(second.rows.map((r) => r[0]), expectedSecond.map((r) => r.id));
    const back = await page('big', 'prev', second);
    assert.deepStrictEqual(back.rows, first.rows);
    assert.strictEqual(back.cursor.offset, 0);
  });

  it('uses the rowid index, never a scan, for the last page (EXPLAIN QUERY PLAN)', async () => {
    const plan = await engine.query(db, 'EXPLAIN QUERY PLAN SELECT rowid, * FROM "big" WHERE rowid < ? ORDER BY rowid DESC LIMIT ?', [1000, N]);
    const detail = plan.rows.map((r) => String(r[r.length - 1])).join('; ');
    assert.match(detail, /USING INTEGER PRIMARY KEY|SEARCH/);
    assert.doesNotMatch(detail, /TEMP B-TREE/);
  });

  it('pages a WITHOUT ROWID table by its composite primary key', async () => {
    const t = tables.get('pairs')!;
    assert.deepStrictEqual(pageKeyFor(t), { kind: 'primaryKey', exprs: ['"a"', '"b"'] });
    const all = sqlite3Json(dbPath, 'SELECT a, b, v FROM pairs ORDER BY a, b').map((r) => [r.a, r.b, r.v]);
    const seen: SqlValue[][] = [];
    let p = await page('pairs', 'first');
    seen.push(...p.rows);
    while (p.cursor.offset + p.rows.length < 1000) {
      p = await page('pairs', 'next', p);
      assert.strictEqual(p.cursor.offset, seen.length);
      seen.push(...p.rows);
    }
    assert.deepStrictEqual(seen, all);
    const last = await page('pairs', 'last');
    assert.deepStrictEqual(last.rows, all.slice(-N));
    const prev = await page('pairs', 'prev', last);
    assert.deepStrictEqual(prev.rows, all.slice(-2 * N, -N));
  });

  it('finds the real rowid when a column is named "rowid"', async () => {
    const t = tables.get('odd')!;
    assert.deepStrictEqual(pageKeyFor(t), { kind: 'rowid', exprs: ['_rowid_'] });
    const last = await page('odd', 'last');
    const expected = sqlite3Json(dbPath, `SELECT "rowid" AS r, x FROM odd ORDER BY _rowid_ LIMIT ${N} OFFSET 150`);
    assert.deepStrictEqual(last.columns, ['rowid', 'x']);
    assert.deepStrictEqual(last.rows, expected.map((r) => [r.r, r.x]));
  });
});
