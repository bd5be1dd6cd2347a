/** quoteIdent / quoteString / qualified, checked by the sqlite3 shell parsing what they produce. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { qualified, quoteIdent, quoteString } from '../../src/core/sqlite';

const NAMES = ['plain', 'we"ird', '""', '[br]', '`tick`', 'sp ace', 'select', 'from', "o'neil", '表格 ünï ✓', '-- not a comment', 'a;b', 'x"; DROP TABLE t; --'];

function sqlite3(sql: string): string {
  return execFileSync('sqlite3', [':memory:', sql], { encoding: 'utf8' });
}

describe('sqlIdent', () => {
  it('quoteIdent: sqlite3 creates and finds a table by every hostile name', () => {
    const script = NAMES.map((n) => `CREATE TABLE ${quoteIdent(n)}(${quoteIdent(n)} INT); INSERT INTO ${quoteIdent(n)} VALUES (1);`).join('\n');
    const check = NAMES.map((n) => `SELECT count(${quoteIdent(n)}) FROM ${qualified('main', n)};`).join('\n');
    const out = sqlite3(`${script}\n${check}\nSELECT name FROM sqlite_schema ORDER BY rowid;`).trim().split('\n');
    assert.deepEqual(out, [...NAMES.map(() => '1'), ...NAMES]);
  });

  it('quoteString: sqlite3 reads back the exact text', () => {
    const texts = ["it's", "''", 'plain', '表格', 'a\\b', "x'); DROP TABLE t; --"];
    const out = sqlite3(texts.map((t) => `SELECT ${quoteString(t)};`).join('\n')).trim().split('\n');
    assert.deepEqual(out, texts);
  });

  it('qualified: schema and name each quoted; no schema, no prefix', () => {
    assert.equal(qualified('o"x', 't.1'), '"o""x"."t.1"');
    assert.equal(qualified(undefined, 'x'), '"x"');
    assert.equal(qualified('', 'x'), '"x"');
  });
});
