/** Named parameters, their defaults from an injected clock, user-defined entries, the write guard. */
import * as assert from 'node:assert/strict';
import { isCdbError } from '../../src/core/errors';
import { builtinQueries } from '../../src/core/queries';
import { coerceParam, firstOfMonth, inferParam, paramNames, parseAssignment, resolveParams, scanParams, today } from '../../src/core/queries';
import { validateUserQueries } from '../../src/core/queries';
import { assertReadOnly, classifyStatement } from '../../src/core/queries';

const usage = (re: RegExp) => (err: unknown) => isCdbError(err, 'USAGE') && re.test(err.message);

describe('named parameters', () => {
  it('finds :name, @name and $name outside strings, identifiers and comments', () => {
    const sql = `SELECT ':no', "@no", [$no], \`:no\` -- :no
      /* @no; $no */ FROM t WHERE a = :from AND b = @to AND c = $x::y(z) AND d = :from AND e = ?2 AND f = x':ab'`;
    assert.deepEqual(paramNames(sql), ['from', 'to', 'x::y(z)']);
    const scan = scanParams(sql);
    assert.deepEqual(scan.named.map((p) => p.prefix), [':', '@', '$', ':']);
    assert.equal(scan.positional.length, 1);
    assert.equal(sql.slice(scan.named[0].start, scan.named[0].end), ':from');
  });

  it('does not mistake a time literal or an unterminated string for parameters', () => {
    assert.deepEqual(paramNames("SELECT time('12:30:00'), '@home' FROM t"), []);
    assert.deepEqual(paramNames("SELECT ':x"), []);
  });

  it('date defaults come from the injected clock, in UTC', () => {
    const at = (iso: string) => ({ now: new Date(iso) });
    assert.equal(firstOfMonth(at('2024-02-29T23:59:59Z')), '2024-02-01');
    assert.equal(today(at('2024-02-29T23:59:59Z')), '2024-02-29');
    assert.equal(firstOfMonth(at('2025-01-01T00:00:00Z')), '2025-01-01');
    // 23:30 in New York on Dec 31 is already Jan 1 in UTC.
    assert.equal(today(at('2025-12-31T23:30:00-05:00')), '2026-01-01');
    assert.equal(firstOfMonth(at('2025-12-31T23:30:00-05:00')), '2026-01-01');
  });

  it('coerces typed values and rejects what does not fit', () => {
    assert.equal(coerceParam('from', 'date', '2025-07-01'), '2025-07-01');
    assert.throws(() => coerceParam('from', 'date', '2025-02-30'), usage(/Parameter 'from': '2025-02-30' is not a date/));
    assert.throws(() => coerceParam('from', 'date', '07/01/2025'), usage(/YYYY-MM-DD/));
    assert.equal(coerceParam('n', 'integer', ' 42 '), 42);
    assert.equal(coerceParam('n', 'integer', '9223372036854775807'), 9223372036854775807n);
    assert.throws(() => coerceParam('n', 'integer', '4.5'), usage(/'n': '4.5' is not an integer/));
    assert.equal(coerceParam('s', 'text', ' keep spaces '), ' keep spaces ');
  });

  it('infers undeclared values the way the sqlite3 shell does: plain numbers as numbers, the rest as text', () => {
    assert.equal(inferParam('120'), 120);
    assert.equal(inferParam('-3.25'), -3.25);
    assert.equal(inferParam('9223372036854775807'), 9223372036854775807n);
    assert.equal(inferParam('007'), '007');
    assert.equal(inferParam('1e3'), '1e3');
    assert.equal(inferParam(''), '');
    assert.equal(inferParam('org_main'), 'org_main');
  });

  it('parses --param name=value, the first = separating', () => {
    assert.deepEqual(parseAssignment('q=a=b'), ['q', 'a=b']);
    assert.deepEqual(parseAssignment(':from=2025-01-01'), ['from', '2025-01-01']);
    assert.deepEqual(parseAssignment('empty='), ['empty', '']);
    assert.throws(() => parseAssignment('novalue'), usage(/expected name=value/));
    assert.throws(() => parseAssignment('1x=2'), usage(/expected name=value/));
  });

  it('resolves given values, then defaults; names every missing and unknown parameter', () => {
    const ctx = { now: new Date('2025-06-17T10:00:00Z') };
    const decl = builtinQueries.find((q) => q.id === 'usage-by-user')!.params;
    const sql = 'SELECT :from, :to, :org';
    assert.deepEqual(resolveParams(sql, decl, { to: '2025-06-10' }, ctx), {
      values: { from: '2025-06-01', to: '2025-06-10', org: '' },
      sources: { from: 'default', to: 'given', org: 'default' },
    });
    assert.throws(() => resolveParams('SELECT :a, @b, :a', [], { a: '1' }, ctx), usage(/Missing value for parameter\(s\) :b: pass --param b=…/));
    assert.throws(() => resolveParams('SELECT :a, :b', [], {}, ctx), usage(/:a, :b/));
    assert.throws(() => resolveParams('SELECT :a', [], { a: '1', zz: '2' }, ctx), usage(/Unknown parameter\(s\) 'zz': the SQL uses :a/));
    assert.throws(() => resolveParams('SELECT ?', [], {}, ctx), usage(/positional parameter/));
  });
});

describe('user-defined quick queries (containerDb.queries)', () => {
  it('accepts good entries and reports every bad one with its index and field', () => {
    const { queries, problems } = validateUserQueries(
      [
        { id: 'mine', title: 'Mine', sql: 'SELECT * FROM chat WHERE user_id = :u', params: [{ name: 'u', type: 'text', default: 'x' }] },
        { id: 'no-sql', title: 'No SQL' },
        'SELECT 1',
        { id: 'bad param', title: 'T', sql: 'SELECT 1', params: [{ name: '1x', type: 'float' }], extra: true },
        { id: 'mine', title: 'Again', sql: 'SELECT 2' },
        { id: 'usage-by-user', title: 'Clash', sql: 'SELECT 3' },
        { id: 'p', title: 'P', sql: 'SELECT :a', params: [{ name: ':a', default: 5 }, { name: 'a' }] },
      ],
      builtinQueries.map((q) => q.id),
    );
    assert.deepEqual(
      queries.map((q) => [q.id, q.source, q.params.map((p) => [p.name, p.type, p.default])]),
      [['mine', 'user', [['u', 'text', 'x']]]],
    );
    assert.deepEqual(problems, [
      "containerDb.queries[1]: 'sql' is missing.",
      'containerDb.queries[2]: expected an object {"id", "title", "sql"} (found string "SELECT 1").',
      'containerDb.queries[3]: \'id\' "bad param" may hold only letters, digits, \'_\', \'.\', \'-\'.',
      'containerDb.queries[3].params[0]: \'name\' "1x" is not a parameter name (letters, digits, _; e.g. "from").',
      'containerDb.queries[3].params[0]: \'type\' must be one of date, text, integer (found string "float").',
      "containerDb.queries[3]: unknown field 'extra'.",
      'containerDb.queries[4]: \'id\' "mine" is already used by another query.',
      'containerDb.queries[5]: \'id\' "usage-by-user" is already used by another query.',
      "containerDb.queries[6].params[1]: parameter 'a' is declared twice.",
    ]);
  });

  it('reports a setting that is not an array, and accepts none at all', () => {
    assert.deepEqual(validateUserQueries({ id: 'x' }).problems, ['containerDb.queries: expected an array of queries (found an object).']);
    assert.deepEqual(validateUserQueries(undefined), { queries: [], problems: [] });
    assert.deepEqual(validateUserQueries([{ id: 'x', title: '', sql: 'SELECT 1' }]).problems, ["containerDb.queries[0]: 'title' must be a non-empty string (found string \"\")."]);
  });
});

describe('the write guard', () => {
  it('classifies reads and writes', () => {
    const writes = (sql: string) => classifyStatement(sql).writes;
    for (const sql of ['SELECT 1', 'values (1)', "WITH x AS (DELETE FROM t) SELECT 'no'", 'EXPLAIN DELETE FROM t', 'PRAGMA table_info(t)', '/* c */ select 1', 'WITH a AS (SELECT 1), b AS (SELECT 2) SELECT * FROM a, b']) {
      assert.equal(writes(sql), false, sql);
    }
    for (const sql of ['insert into t values (1)', 'UPDATE t SET a = 1', '-- c\nDELETE FROM t', 'REPLACE INTO t VALUES (1)', 'CREATE TABLE x (a)', 'DROP TABLE t', 'ALTER TABLE t ADD b', 'VACUUM', 'ATTACH ? AS x', 'PRAGMA query_only = 0', 'WITH x AS (SELECT 1) DELETE FROM t', 'WITH x(a) AS (VALUES (1)) INSERT INTO t SELECT a FROM x']) {
      assert.equal(writes(sql), true, sql);
    }
  });

  it('names the statement that would write', () => {
    assert.doesNotThrow(() => assertReadOnly("SELECT 'DELETE FROM t; DROP TABLE t'"));
    assert.throws(() => assertReadOnly('SELECT 1;\n-- next\nUPDATE t SET a = 1; SELECT 2'), (err) => isCdbError(err, 'READ_ONLY') && /^Statement 2 \(UPDATE\) would change the database/.test(err.message));
    assert.throws(() => assertReadOnly('drop table t'), (err) => isCdbError(err, 'READ_ONLY') && /^This DROP statement/.test(err.message));
  });
});
