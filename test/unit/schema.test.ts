/**
 * readSchema against a database with hostile names, written by the sqlite3 shell; the shell is the
 * reference for every table, column, index and row count.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCdbError } from '../../src/core/errors';
import { countRows, readSchema } from '../../src/core/sqlEngine';
import { SqlEngine } from '../../src/core/sqlEngine';
import type { SchemaInfo } from '../../src/core/types';

function sqlite3(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
function sqlite3Json<T>(file: string, sql: string): T[] {
  const out = execFileSync('sqlite3', ['-json', file, sql], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
  return out ? (JSON.parse(out) as T[]) : [];
}
// Written out here rather than imported, so that the reference does not share our quoting code.
const ident = (s: string): string => '"' + s.split('"').join('""') + '"';
const literal = (s: string): string => "'" + s.split("'").join("''") + "'";

const WEIRD = 'we"ird';
const BR = '[br]';
const SPACE = 'sp ace';
const KEYWORD = 'select';
const UNICODE = '表格 ünï ✓';
const WIDE = 'wide';
const WIDE_COLUMNS = 2000;

const FIXTURE = `
PRAGMA user_version = 42;
CREATE TABLE ${ident(WEIRD)}(id INTEGER PRIMARY KEY AUTOINCREMENT, ${ident('col "q"')} TEXT NOT NULL DEFAULT 'x', ${ident(BR)} INT);
INSERT INTO ${ident(WEIRD)}(${ident(BR)}) VALUES (1), (2), (3);
CREATE TABLE ${ident(BR)}(a TEXT PRIMARY KEY, b);
INSERT INTO ${ident(BR)} VALUES ('k1', 1), ('k2', 2), ('k3', 3), ('k4', 4), ('k5', 5);
CREATE TABLE ${ident(SPACE)}(k TEXT, v BLOB, n INT, PRIMARY KEY (k, n)) /* comment */ wItHoUt
  RoWiD;
INSERT INTO ${ident(SPACE)} VALUES ('a', x'00', 1), ('b', NULL, 2), ('c', x'ff', 3), ('d', NULL, 4);
CREATE TABLE ${ident(KEYWORD)}(${ident('from')} INT, ${ident('where')} TEXT, g REAL GENERATED ALWAYS AS (${ident('from')} * 1.5) VIRTUAL);
CREATE UNIQUE INDEX ${ident('idx "u"')} ON ${ident(KEYWORD)}(${ident('from')});
CREATE INDEX ${ident('partial idx')} ON ${ident(KEYWORD)}(${ident('where')}) WHERE ${ident('from')} > 1;
CREATE INDEX expr_idx ON ${ident(KEYWORD)}(lower(${ident('where')}), ${ident('from')});
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c LIMIT 7)
INSERT INTO ${ident(KEYWORD)}(${ident('from')}, ${ident('where')}) SELECT i, 'w' || i FROM c;
CREATE TABLE ${ident(UNICODE)}(名前 TEXT UNIQUE, ü REAL);
INSERT INTO ${ident(UNICODE)} VALUES ('一', 1.5), ('二', NULL);
CREATE TABLE empty(x);
CREATE TABLE ${WIDE}(${Array.from({ length: WIDE_COLUMNS }, (_, i) => `c${i} INT`).join(', ')});
INSERT INTO ${WIDE}(c0, c1999) VALUES (1, 2);
CREATE VIEW ${ident('v "view"')} AS SELECT * FROM ${ident(KEYWORD)} WHERE ${ident('from')} > 2;
CREATE TRIGGER ${ident('trg "t"')} AFTER INSERT ON ${ident(KEYWORD)} BEGIN UPDATE ${ident(SPACE)} SET v = NULL; END;
ANALYZE;
`;

describe('readSchema', function () {
  this.timeout(30000);
  let dir: string;
  let file: string;
  let engine: SqlEngine;
  let schema: SchemaInfo;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-schema-'));
    file = path.join(dir, 'hostile.db');
    sqlite3(file, FIXTURE);
    engine = new SqlEngine();
    const db = await engine.open(fs.readFileSync(file), 'hostile');
    schema = await readSchema(engine, db);
  });

  after(async () => {
    await engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the tables and views sqlite3 lists, user tables first, system tables apart', () => {
    const ref = sqlite3Json<{ name: string; type: string }>(file, "SELECT name, type FROM sqlite_schema WHERE type IN ('table','view')");
    const user = ref.filter((r) => r.type === 'table' && !r.name.startsWith('sqlite_')).map((r) => r.name).sort();
    const system = ref.filter((r) => r.type === 'table' && r.name.startsWith('sqlite_')).map((r) => r.name).sort();
    assert.deepEqual(
      schema.tables.map((t) => t.name),
      [...user, ...system],
    );
    assert.deepEqual(system, ['sqlite_sequence', 'sqlite_stat1']);
    for (const t of schema.tables) assert.equal(t.system, t.name.startsWith('sqlite_'), t.name);
    assert.deepEqual(
      schema.views.map((v) => [v.name, v.kind, v.rows]),
      [['v "view"', 'view', null]],
    );
  });

  it('counts exactly the rows sqlite3 counts, through every hostile name', () => {
    for (const t of schema.tables) {
      const expected = Number(sqlite3(file, `SELECT count(*) FROM ${ident(t.name)}`).trim());
      assert.equal(t.rows, expected, t.name);
    }
    assert.equal(schema.tables.find((t) => t.name === KEYWORD)?.rows, 7);
  });

  it('reads every column as pragma_table_xinfo does, including a 2000-column table', () => {
    for (const t of [...schema.tables, ...schema.views]) {
      const ref = sqlite3Json<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
        file,
        `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(${literal(t.name)}) ORDER BY cid`,
      );
      assert.deepEqual(
        t.columns.map((c) => ({ name: c.name, type: c.type, notnull: Number(c.notNull), dflt_value: c.defaultValue, pk: c.pk })),
        ref,
        t.name,
      );
    }
    const wide = schema.tables.find((t) => t.name === WIDE)!;
    assert.equal(wide.columns.length, WIDE_COLUMNS);
    assert.equal(wide.columns[1999].name, 'c1999');
    const weird = schema.tables.find((t) => t.name === WEIRD)!;
    assert.deepEqual(weird.columns[1], { name: 'col "q"', type: 'TEXT', notNull: true, defaultValue: "'x'", pk: 0 });
    assert.deepEqual(
      schema.tables.find((t) => t.name === SPACE)!.columns.map((c) => c.pk),
      [1, 0, 2],
    );
  });

  it('detects WITHOUT ROWID however it is spelled', () => {
    const withoutRowid = schema.tables.filter((t) => t.withoutRowid).map((t) => t.name);
    assert.deepEqual(withoutRowid, [SPACE]);
    assert.equal(schema.tables.find((t) => t.name === BR)?.withoutRowid, false, 'a TEXT PRIMARY KEY alone is not WITHOUT ROWID');
  });

  it('reads the indexes sqlite3 reports, with unique, partial and expression keys', () => {
    const ref = sqlite3Json<{ tbl: string; name: string; unique: number; origin: string }>(
      file,
      `SELECT m.name AS tbl, il.name, il."unique", il.origin FROM sqlite_schema m JOIN pragma_index_list(m.name) il
       WHERE m.type = 'table' ORDER BY il.name`,
    );
    assert.deepEqual(
      schema.indexes.map((i) => ({ tbl: i.table, name: i.name, unique: Number(i.unique), origin: i.origin })).sort((a, b) => (a.name < b.name ? -1 : 1)),
      ref,
    );
    const byName = new Map(schema.indexes.map((i) => [i.name, i]));
    assert.deepEqual(byName.get('idx "u"')?.columns, ['from']);
    assert.equal(byName.get('idx "u"')?.unique, true);
    assert.match(byName.get('partial idx')?.sql ?? '', /WHERE "from" > 1/);
    assert.deepEqual(byName.get('expr_idx')?.columns, ['<expression>', 'from']);
    assert.deepEqual(byName.get('sqlite_autoindex_sp ace_1')?.columns, ['k', 'n']);
    assert.equal(byName.get('sqlite_autoindex_sp ace_1')?.origin, 'pk');
    assert.equal(byName.get(`sqlite_autoindex_${UNICODE}_1`)?.origin, 'u');
  });

  it('reads triggers and the database header facts', () => {
    assert.deepEqual(
      schema.triggers.map((t) => [t.name, t.table]),
      [['trg "t"', KEYWORD]],
    );
    assert.equal(schema.pageSize, Number(sqlite3(file, 'PRAGMA page_size').trim()));
    assert.equal(schema.pageCount, Number(sqlite3(file, 'PRAGMA page_count').trim()));
    assert.equal(schema.encoding, sqlite3(file, 'PRAGMA encoding').trim());
    assert.equal(schema.userVersion, 42);
  });

  it('reads an attached database by its schema name, and counts one table alone', async () => {
    const other = path.join(dir, 'other.db');
    sqlite3(other, `CREATE TABLE ${ident('o"t')}(a); INSERT INTO ${ident('o"t')} VALUES (1), (2);`);
    const main = await engine.open(fs.readFileSync(file));
    const attached = await engine.open(fs.readFileSync(other));
    await engine.attach(main, attached, 'the "other"');
    const viaAttach = await readSchema(engine, main, { schemaName: 'the "other"' });
    assert.deepEqual(viaAttach, await readSchema(engine, attached));
    assert.deepEqual(
      viaAttach.tables.map((t) => [t.name, t.rows]),
      [['o"t', 2]],
    );
    assert.equal(await countRows(engine, main, UNICODE), 2);
    assert.equal(await countRows(engine, main, 'o"t', 'the "other"'), 2);
    const noCount = await readSchema(engine, main, { countRows: false });
    assert.ok(noCount.tables.every((t) => t.rows === null));
    await assert.rejects(readSchema(engine, main, { signal: AbortSignal.abort() }), (err) => isCdbError(err, 'CANCELLED'));
    await engine.close(main);
    await engine.close(attached);
  });

  it('a virtual table whose module sql.js lacks (rtree): listed without columns, everything else read as without it', async () => {
    // One statement reads every table's columns and indexes; with such a table it fails, and the
    // reading goes table by table. Both ways must give the same answer for the other tables.
    const withRtree = path.join(dir, 'rtree.db');
    fs.copyFileSync(file, withRtree);
    sqlite3(withRtree, 'CREATE VIRTUAL TABLE geo USING rtree(id, minx, maxx); INSERT INTO geo VALUES (1, 0, 1);');
    const db = await engine.open(fs.readFileSync(withRtree), 'rtree');
    const read = await readSchema(engine, db, { countRows: false });
    const geo = read.tables.find((t) => t.name === 'geo');
    assert.deepEqual(geo?.columns, [], 'no columns from a module this SQLite does not have');
    assert.deepEqual(
      read.tables.filter((t) => t.name === 'geo' || t.name.startsWith('geo_')).map((t) => t.name),
      ['geo', 'geo_node', 'geo_parent', 'geo_rowid'],
      'the virtual table and its shadow tables',
    );
    const others = (x: SchemaInfo) => x.tables.filter((t) => t.name !== 'geo' && !t.name.startsWith('geo_')).map((t) => [t.name, t.columns]);
    assert.deepEqual(others(read), others(schema));
    assert.deepEqual(read.indexes, schema.indexes.filter((i) => !i.table.startsWith('geo')));
    await engine.close(db);
  });
});
