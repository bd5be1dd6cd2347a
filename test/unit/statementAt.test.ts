/**
 * Splitting scripts into statements and finding the one under the cursor. Python's
 * sqlite3.complete_statement (SQLite's own sqlite3_complete) is the independent judge of where a
 * statement may end.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { splitStatements, statementAt } from '../../src/core/sqlite';

/** sqlite3_complete() for each text. */
function complete(texts: string[]): boolean[] {
  const out = execFileSync('python3', ['-c', 'import json, sqlite3, sys; print(json.dumps([sqlite3.complete_statement(t) for t in json.load(sys.stdin)]))'], { input: JSON.stringify(texts), encoding: 'utf8' });
  return JSON.parse(out) as boolean[];
}

const SCRIPT = `-- header comment; with a semicolon
SELECT 'a;b', "c;d", [e;f], \`g;h\` FROM t; /* block; comment */
CREATE TRIGGER trg AFTER INSERT ON t
WHEN new.a > 0
BEGIN
  UPDATE t SET b = CASE WHEN new.a > 1 THEN 'x;' ELSE 'y' END WHERE rowid = new.rowid;
  INSERT INTO log VALUES ('end;'); -- END; in a comment
END;
CREATE TEMP TRIGGER t2 BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no;'); END;
BEGIN TRANSACTION;
SELECT 1
  -- trailing comment without a semicolon`;

describe('statementAt / splitStatements', () => {
  it('splits on semicolons outside strings, identifiers, comments and trigger bodies', () => {
    const spans = splitStatements(SCRIPT);
    assert.deepEqual(
      spans.map((s) => s.text.split('\n')[0]),
      ["SELECT 'a;b', \"c;d\", [e;f], `g;h` FROM t", 'CREATE TRIGGER trg AFTER INSERT ON t', "CREATE TEMP TRIGGER t2 BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no;'); END", 'BEGIN TRANSACTION', 'SELECT 1'],
    );
    assert.ok(spans[1].text.endsWith('-- END; in a comment\nEND'));
    assert.equal(spans[4].terminator, -1);
    for (const s of spans) {
      assert.equal(SCRIPT.slice(s.start, s.end), s.text);
      if (s.terminator >= 0) assert.equal(SCRIPT[s.terminator], ';');
    }
    // SQLite agrees: every statement with its ';' is complete, and every cut this splitter did NOT
    // make (each ';' inside a statement) leaves an incomplete statement.
    assert.deepEqual(complete(spans.map((s) => s.text + ';')), spans.map(() => true));
    const inner: string[] = [];
    for (const s of spans) for (let i = s.text.indexOf(';'); i >= 0; i = s.text.indexOf(';', i + 1)) inner.push(s.text.slice(0, i + 1));
    assert.ok(inner.length >= 8, 'the script has semicolons inside statements');
    assert.deepEqual(complete(inner), inner.map(() => false));
  });

  it('finds the statement under the cursor, between statements the one before', () => {
    const sql = 'SELECT 1;\n\nSELECT 2; SELECT 3';
    const at = (offset: number) => statementAt(sql, offset)?.text;
    assert.equal(at(0), 'SELECT 1');
    assert.equal(at(8), 'SELECT 1', 'on the semicolon');
    assert.equal(at(9), 'SELECT 1', 'just after it');
    assert.equal(at(10), 'SELECT 1', 'on the blank line');
    assert.equal(at(11), 'SELECT 2');
    assert.equal(at(sql.length), 'SELECT 3');
    assert.equal(statementAt('  -- only a comment\n', 3), undefined);
    assert.equal(statementAt('\n\nSELECT 9', 0)?.text, 'SELECT 9', 'before the first: the first');
    const trigger = SCRIPT.indexOf("INSERT INTO log");
    assert.match(statementAt(SCRIPT, trigger)!.text, /^CREATE TRIGGER trg/);
  });

  it('handles unterminated strings and comments without throwing', () => {
    assert.deepEqual(splitStatements("SELECT 'open; still open").map((s) => s.text), ["SELECT 'open; still open"]);
    assert.deepEqual(splitStatements('SELECT 1 /* open; comment').map((s) => s.text), ['SELECT 1'], 'trailing comments are not part of the text');
    assert.deepEqual(splitStatements(';;  ;'), []);
  });
});
