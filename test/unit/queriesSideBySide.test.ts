/** Pairing two results of the same query: the rules of sideBySide.ts, on hand-made results. */
import * as assert from 'node:assert/strict';
import { compareResults, sameValue } from '../../src/core/queries';
import type { QueryResult, SqlValue } from '../../src/core/types';

const result = (columns: string[], rows: SqlValue[][]): QueryResult => ({ columns, rows, truncated: false });

describe('side-by-side results', () => {
  it('pairs by a unique first column: changed cells, rows only on one side, A order then B-only rows', () => {
    const a = result(['user', 'tokens', 'cost'], [['ann', 120, 1.5], ['bob', 0, 0], ['cid', 7, 0.25]]);
    const b = result(['user', 'tokens', 'cost'], [['bob', 0, 0], ['dan', 3, 0.5], ['ann', 0, 1.5]]);
    const cmp = compareResults(a, b);
    assert.equal(cmp.pairedBy, 'firstColumn');
    assert.deepEqual(
      cmp.pairs.map((p) => [p.status, p.a?.[0] ?? null, p.b?.[0] ?? null, p.changed]),
      [['changed', 'ann', 'ann', [1]], ['same', 'bob', 'bob', []], ['onlyA', 'cid', null, []], ['onlyB', null, 'dan', []]],
    );
    assert.deepEqual(cmp.counts, { same: 1, changed: 1, onlyA: 1, onlyB: 1 });
    assert.deepEqual(cmp.totals.a, { rows: 3, sums: [null, 127, 1.75] });
    assert.deepEqual(cmp.totals.b, { rows: 3, sums: [null, 3, 2] });
  });

  it('falls back to position when the first column repeats, is NULL, or the columns differ', () => {
    const dup = compareResults(result(['k', 'v'], [['x', 1], ['x', 2]]), result(['k', 'v'], [['x', 1]]));
    assert.equal(dup.pairedBy, 'position');
    assert.deepEqual(dup.pairs.map((p) => p.status), ['same', 'onlyA']);
    assert.equal(compareResults(result(['k'], [[null]]), result(['k'], [[null]])).pairedBy, 'position');
    const cols = compareResults(result(['k', 'v', 'w'], [['x', 1, 2]]), result(['k', 'w'], [['x', 3]]));
    assert.equal(cols.pairedBy, 'position');
    assert.deepEqual(cols.pairs[0].changed, [2], 'cells compared by column name');
  });

  it('compares values as SQLite would: 1 = 1.0, 1 ≠ "1", blobs by bytes, bigints exactly', () => {
    assert.ok(sameValue(1, 1.0));
    assert.ok(!sameValue(1, '1'));
    assert.ok(!sameValue(null, ''));
    assert.ok(sameValue(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
    assert.ok(!sameValue(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
    assert.ok(sameValue(9007199254740993n, 9007199254740993n));
    assert.ok(!sameValue(9007199254740993n, 9007199254740992));
  });

  it('sums big integers exactly, and leaves text columns unsummed', () => {
    const cmp = compareResults(result(['k', 'n', 's'], [['a', 9007199254740993n, 'x'], ['b', 1, null]]), result(['k', 'n', 's'], []));
    assert.deepEqual(cmp.totals.a.sums, [null, 9007199254740994n, null]);
    assert.deepEqual(cmp.totals.b, { rows: 0, sums: [null, null, null] });
  });
});
