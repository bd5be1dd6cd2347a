/**
 * Keyset paging of a table with SQLite's maximum of 2,000 columns: the key cannot be added to
 * `SELECT *` (2,001 result columns is "too many columns in result set"), so the page is read as
 * its keys, then its rows. Checked against Debian's sqlite3 reading the same pages by OFFSET.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { readPage } from '../../src/core/sqlEngine';
import type { ColumnInfo, SqlValue } from '../../src/core/types';

const COLUMNS = 2000;
const ROWS = 25;
const PAGE = 10;

describe('tablePage: a 2,000-column table', function () {
  this.timeout(60000);
  let tmp: string;
  let file: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-wide-'));
    file = path.join(tmp, 'wide.db');
    const cols = Array.from({ length: COLUMNS }, (_, i) => `"c ${i}" TEXT`).join(', ');
    const wrCols = Array.from({ length: COLUMNS - 1 }, (_, i) => `"w ${i + 1}" TEXT`).join(', ');
    const vals = (r: number) => Array.from({ length: COLUMNS }, (_, i) => (i % 400 === 0 ? `'r${r}c${i}'` : 'NULL')).join(', ');
    const wrVals = (r: number) => [String(1000 - r), ...Array.from({ length: COLUMNS - 1 }, (_, i) => (i % 400 === 0 ? `'r${r}w${i + 1}'` : 'NULL'))].join(', ');
    const sql = [
      `CREATE TABLE wide(${cols});`,
      `CREATE TABLE wide_wr("k" INTEGER PRIMARY KEY, ${wrCols}) WITHOUT ROWID;`,
      ...Array.from({ length: ROWS }, (_, r) => `INSERT INTO wide VALUES (${vals(r)}); INSERT INTO wide_wr VALUES (${wrVals(r)});`),
    ].join('\n');
    execFileSync('sqlite3', [file], { input: sql });
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [table, order, withoutRowid] of [['wide', 'rowid', false], ['wide_wr', '"k"', true]] as const) {
    it(`${table}: first, next, last and previous pages hold every column, as sqlite3 reads them`, async () => {
      const SQL = await initSqlJs();
      const db = new SQL.Database(fs.readFileSync(file));
      const query = async (sql: string, params: SqlValue[]) => {
        const r = db.exec(sql, params as initSqlJs.BindParams)[0];
        return { columns: r?.columns ?? [], rows: (r?.values ?? []) as SqlValue[][], truncated: false };
      };
      const names = (db.exec(`SELECT name, pk FROM pragma_table_info('${table}') ORDER BY cid`)[0].values as [string, number][]);
      const info = { name: table, kind: 'table' as const, withoutRowid, columns: names.map(([name, pk]) => ({ name, pk }) as unknown as ColumnInfo) };
      const ref = (offset: number) =>
        execFileSync('sqlite3', ['-json', file, `SELECT * FROM "${table}" ORDER BY ${order} LIMIT ${PAGE} OFFSET ${offset}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const same = (rows: SqlValue[][], offset: number) => {
        const want = JSON.parse(ref(offset)) as Record<string, SqlValue>[];
        assert.equal(rows.length, want.length);
        rows.forEach((row, i) => assert.deepEqual(row, names.map(([n]) => want[i][n])));
      };
      const first = await readPage(query, info, 'first', PAGE, ROWS);
      assert.equal(first.columns.length, COLUMNS);
      same(first.rows, 0);
      const next = await readPage(query, info, 'next', PAGE, ROWS, first.cursor);
      assert.equal(next.cursor.offset, PAGE);
      same(next.rows, PAGE);
      const last = await readPage(query, info, 'last', PAGE, ROWS);
      same(last.rows, ROWS - PAGE);
      const prev = await readPage(query, info, 'prev', PAGE, ROWS, last.cursor);
      same(prev.rows, ROWS - 2 * PAGE);
      db.close();
    });
  }
});
