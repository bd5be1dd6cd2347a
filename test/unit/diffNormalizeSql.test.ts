import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalizeSql } from '../../src/core/diff';

describe('normalizeSql', () => {
  it('reads alike what SQLite reads alike: whitespace, comments, keyword case, needless quotes, trailing semicolon', () => {
    const forms = [
      'CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
      'create table "users" (\n  [id] integer primary key, -- the key\n  `name` text not null /* shown */\n);',
      'CREATE   TABLE users ( id INTEGER PRIMARY KEY ,name TEXT NOT NULL ) ;',
    ];
    const normal = forms.map((f) => normalizeSql(f));
    assert.equal(new Set(normal).size, 1, normal.join('\n'));
    assert.equal(normal[0], 'CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  });

  it('keeps what changes meaning or display: literals, identifier case, names that need quotes', () => {
    assert.notEqual(normalizeSql("CREATE TABLE t(a DEFAULT 'x')"), normalizeSql("CREATE TABLE t(a DEFAULT 'X')"));
    assert.notEqual(normalizeSql('CREATE TABLE t(Name)'), normalizeSql('CREATE TABLE t(name)'));
    assert.notEqual(normalizeSql('CREATE TABLE t(a, b)'), normalizeSql('CREATE TABLE t(a, c)'));
    assert.equal(normalizeSql('CREATE TABLE "we""ird"("sp ace", [select])'), 'CREATE TABLE "we""ird"("sp ace", "select")');
    assert.equal(normalizeSql("CREATE TABLE t(a DEFAULT 'it''s', b DEFAULT x'0aFF')"), "CREATE TABLE t(a DEFAULT 'it''s', b DEFAULT X'0AFF')");
    assert.equal(normalizeSql(null), null);
  });

  it('is stable over what sqlite3 stores for respelled definitions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-norm-'));
    try {
      const file = path.join(dir, 'n.db');
      execFileSync('sqlite3', [file], {
        input: `CREATE TABLE t(a INTEGER, b TEXT);
          CREATE VIEW v1 AS SELECT a, b FROM t WHERE a > 1;
          create view "v2" as\n  select [a],\n "b" from "t" where a>1;
          CREATE INDEX i1 ON t(a, b);
          create index "i2" on "t" ( a , b );`,
      });
      const rows = execFileSync('sqlite3', ['-json', file, "SELECT name, sql FROM sqlite_schema WHERE name IN ('v1','v2','i1','i2') ORDER BY name"], { encoding: 'utf8' });
      const sql = new Map((JSON.parse(rows) as { name: string; sql: string }[]).map((r) => [r.name, r.sql]));
      assert.equal(normalizeSql(sql.get('v1')!).replace('v1', 'v'), normalizeSql(sql.get('v2')!).replace('v2', 'v'));
      assert.equal(normalizeSql(sql.get('i1')!).replace('i1', 'i'), normalizeSql(sql.get('i2')!).replace('i2', 'i'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
