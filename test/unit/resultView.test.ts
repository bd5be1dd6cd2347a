// The results panel's view of a result (resultView.ts): sort, only-differing pairs, paging, the
// masking of secret columns and the caches behind them, on hand-made results and no VS Code.
import * as assert from 'node:assert/strict';
import type { QueryRun } from '../../src/core/queries/runQuery';
import { compareResults } from '../../src/core/queries/sideBySide';
import { SECRET_MASK, secretPolicy, type SecretPolicy } from '../../src/core/secrets';
import type { SqlValue } from '../../src/core/types';
import type { CompareContent, SingleContent } from '../../src/extension/queries/resultContent';
import type { PageMessage } from '../../src/extension/queries/resultMessages';
import { ResultView, type SecretSwitch } from '../../src/extension/queries/resultView';
import type { Cell } from '../../src/extension/tableGrid/gridProtocol';

const run = (columns: string[], rows: SqlValue[][]): QueryRun => ({ sql: 'SELECT …', params: { values: {}, sources: {} }, result: { columns, rows, truncated: false } });
const single = (columns: string[], rows: SqlValue[][]): SingleContent => ({ kind: 'single', title: 'q', source: 'open-webui', run: run(columns, rows), ms: 1 });
function compare(columns: string[], a: SqlValue[][], b: SqlValue[][]): CompareContent {
  const ra = run(columns, a);
  const rb = run(columns, b);
  return { kind: 'compare', title: 'q', a: { label: 'container', run: ra }, b: { label: 'host', run: rb }, cmp: compareResults(ra.result, rb.result), ms: 1 };
}

/** The session's switch, as a test drives it. */
class Switch implements SecretSwitch {
  revealed = false;
  rules: SecretPolicy = secretPolicy('');
  masking(): SecretPolicy | undefined {
    return this.revealed ? undefined : this.rules;
  }
  policy(): SecretPolicy {
    return this.rules;
  }
}

function setup(pageSize = 100) {
  const secrets = new Switch();
  const size = { n: pageSize };
  return { secrets, size, view: new ResultView(secrets, () => size.n) };
}

const text = (c: Cell | undefined): string | null => (!c || c.k === 'null' ? null : c.k === 'blob' ? `blob ${c.size}` : c.v);
/** A one-result page's rows as text (NULL as null). */
function rowsOf(m: PageMessage | undefined): (string | null)[][] {
  assert.ok(m && m.type === 'result', `a result page, got ${m?.type}`);
  return m.rows.map((r) => r.map(text));
}
const col = (m: PageMessage | undefined, i: number) => rowsOf(m).map((r) => r[i]);
function pairsOf(m: PageMessage | undefined) {
  assert.ok(m && m.type === 'compare', `a compare page, got ${m?.type}`);
  return m;
}

describe('results view (resultView.ts)', () => {
  describe('sort', () => {
    const rows: SqlValue[][] = [[3, 'c'], [1, 'a'], [2, 'b'], [1, 'z'], [null, 'n'], ['x', 't']];

    it('orders the whole result by a column as SQLite would (NULL, numbers, text), ties in the returned order; null restores it', () => {
      const { view } = setup();
      assert.deepEqual(col(view.load(single(['n', 's'], rows), 100, { kind: 'first' }), 1), ['c', 'a', 'b', 'z', 'n', 't']);
      const asc = view.sortBy({ col: 0, dir: 1 });
      assert.deepEqual(col(asc, 1), ['n', 'a', 'z', 'b', 'c', 't']);
      assert.deepEqual(asc?.type === 'result' && asc.sort, { col: 0, dir: 1 });
      assert.deepEqual(col(view.sortBy({ col: 0, dir: -1 }), 1), ['t', 'c', 'b', 'a', 'z', 'n'], 'descending; 1·a still before 1·z');
      assert.deepEqual(col(view.sortBy(null), 1), ['c', 'a', 'b', 'z', 'n', 't']);
    });

    it('sorts before paging, and a cell is addressed by its place in the sorted view', () => {
      const { view } = setup(2);
      view.load(single(['n', 's'], rows), 100, { kind: 'first' });
      view.sortBy({ col: 1, dir: 1 });
      assert.deepEqual(col(view.page('next'), 1), ['c', 'n']);
      assert.equal(view.value(2, 1, 'a'), 'c');
      assert.equal(view.value(5, 1, 'a'), 'z');
      assert.equal(view.value(6, 1, 'a'), undefined, 'past the end');
      assert.equal(view.value(0, 2, 'a'), undefined, 'past the last column');
    });

    it('a column that is not there, or a side-by-side result, is not sorted', () => {
      const { view } = setup();
      view.load(single(['n', 's'], rows), 100, { kind: 'first' });
      const m = view.sortBy({ col: 2, dir: 1 });
      assert.equal(m?.type === 'result' && m.sort, null);
      view.load(compare(['k'], [['a']], [['a']]), 100, { kind: 'first' });
      assert.equal(view.sortBy({ col: 0, dir: 1 }), undefined);
    });

    it('a new run starts unsorted; Run again keeps the sort, and drops it when the column is gone', () => {
      const { view } = setup();
      view.load(single(['n', 's'], rows), 100, { kind: 'first' });
      view.sortBy({ col: 1, dir: -1 });
      assert.deepEqual(col(view.load(single(['n', 's'], [[1, 'p'], [2, 'q']]), 100, { kind: 'kept' }), 1), ['q', 'p'], 'kept, and the new rows sorted');
      assert.deepEqual(col(view.load(single(['n', 's'], [[1, 'p'], [2, 'q']]), 100, { kind: 'first' }), 1), ['p', 'q']);
      view.sortBy({ col: 1, dir: -1 });
      const narrower = view.load(single(['n'], [[1], [2]]), 100, { kind: 'kept' });
      assert.equal(narrower.type === 'result' && narrower.sort, null);
    });
  });

  describe('only the differing pairs', () => {
    const content = () => compare(['user', 'tokens'], [['ann', 1], ['bob', 2], ['cid', 3]], [['ann', 1], ['bob', 5], ['dan', 4]]);

    it('leaves out the same pairs, keeps their numbers in the whole comparison, and addresses cells in the filtered view', () => {
      const { view } = setup();
      const all = pairsOf(view.load(content(), 100, { kind: 'first' }));
      assert.deepEqual(all.pairs.map((p) => [p.n, p.s]), [[1, 'same'], [2, 'changed'], [3, 'onlyA'], [4, 'onlyB']]);
      const diff = pairsOf(view.filterPairs(true));
      assert.deepEqual(diff.pairs.map((p) => [p.n, p.s]), [[2, 'changed'], [3, 'onlyA'], [4, 'onlyB']]);
      assert.equal(diff.total, 3);
      assert.equal(diff.onlyDiff, true);
      assert.deepEqual(diff.pairs[0].ca, [1]);
      assert.equal(view.value(0, 1, 'b'), 5);
      assert.equal(view.value(1, 0, 'b'), undefined, 'cid is only in the container');
      assert.equal(pairsOf(view.filterPairs(false)).total, 4);
    });

    it('chosen before any result, it applies to the first one, and stays for the next run', () => {
      const { view } = setup();
      assert.equal(view.filterPairs(true), undefined);
      assert.equal(pairsOf(view.load(content(), 100, { kind: 'first' })).total, 3);
      assert.equal(pairsOf(view.load(content(), 100, { kind: 'kept' })).total, 3);
    });
  });

  describe('paging', () => {
    const five = () => single(['n'], [[1], [2], [3], [4], [5]]);

    it('First / Prev / Next / Last move by pageSize; Last shows the final page-full; the flags follow', () => {
      const { view } = setup(2);
      const first = view.load(five(), 100, { kind: 'first' });
      assert.deepEqual([first.offset, first.total, first.pageSize, first.hasPrev, first.hasNext], [0, 5, 2, false, true]);
      assert.deepEqual(col(view.page('next'), 0), ['3', '4']);
      const end = view.page('next');
      assert.deepEqual([end?.offset, end?.hasPrev, end?.hasNext], [4, true, false]);
      assert.deepEqual(col(end, 0), ['5']);
      assert.equal(view.page('last')?.offset, 3);
      assert.equal(view.page('prev')?.offset, 1);
      assert.equal(view.page('first')?.offset, 0);
    });

    it('Run again keeps the page, clamped when fewer rows come back; a new run starts at the first', () => {
      const { view } = setup(2);
      view.load(five(), 100, { kind: 'first' });
      view.page('last');
      assert.equal(view.load(single(['n'], [[1], [2], [3]]), 100, { kind: 'kept' }).offset, 1);
      assert.equal(view.load(five(), 100, { kind: 'first' }).offset, 0);
    });

    it('Load more shows the first new row, unless the view is sorted or filtered; the limit is the one read with', () => {
      const { view } = setup(2);
      view.load(five(), 5, { kind: 'first' });
      const more = view.load(single(['n'], [[1], [2], [3], [4], [5], [6], [7]]), 10, { kind: 'more', loadedBefore: view.loaded });
      assert.deepEqual([more.offset, more.limit, view.limit], [5, 10, 10]);
      assert.deepEqual(col(more, 0), ['6', '7']);
      view.sortBy({ col: 0, dir: -1 });
      const sorted = view.load(single(['n'], [[1], [2], [3], [4], [5], [6], [7], [8]]), 15, { kind: 'more', loadedBefore: 7 });
      assert.equal(sorted.offset, 0);
      assert.deepEqual(col(sorted, 0), ['8', '7']);
      const nothingNew = setup(2).view;
      nothingNew.load(five(), 5, { kind: 'first' });
      assert.equal(nothingNew.load(five(), 10, { kind: 'more', loadedBefore: 5 }).offset, 0, 'no new row: the page stays');
    });

    it('reads the page size at every page; with no content nothing moves', () => {
      const { view, size } = setup(2);
      assert.equal(view.page('next'), undefined);
      assert.equal(view.message(), undefined);
      view.load(five(), 100, { kind: 'first' });
      size.n = 3;
      assert.deepEqual(col(view.page('next'), 0), ['4', '5']);
      view.clear();
      assert.equal(view.content, undefined);
      assert.equal(view.page('first'), undefined);
    });
  });

  describe('secret columns', () => {
    const secretRows = () => single(['name', 'password'], [['cid', 's3'], ['ann', 'hunter2'], ['bob', null]]);

    it('are masked on every page, after a sort and a move, in cells, exports and shown content; the content keeps the values', () => {
      const { view } = setup(2);
      const m = view.load(secretRows(), 100, { kind: 'first' });
      assert.deepEqual(rowsOf(m), [['cid', SECRET_MASK], ['ann', SECRET_MASK]]);
      assert.ok(m.type === 'result' && m.secretColumns[1] && !m.secretColumns[0] && !m.secretsRevealed);
      assert.deepEqual(rowsOf(view.sortBy({ col: 0, dir: 1 })), [['ann', SECRET_MASK], ['bob', null]], 'NULL stays NULL');
      assert.deepEqual(rowsOf(view.page('next')), [['cid', SECRET_MASK]]);
      assert.equal(view.value(0, 1, 'a'), SECRET_MASK);
      assert.deepEqual(view.exportable()?.rows.map((r) => r[1]), [SECRET_MASK, SECRET_MASK, null]);
      assert.equal((view.shown() as SingleContent).run.result.rows[1][1], SECRET_MASK);
      assert.equal((view.content as SingleContent).run.result.rows[1][1], 'hunter2');
    });

    it('are shown while revealed, and masked again once hidden, without a new run', () => {
      const { view, secrets } = setup();
      view.load(secretRows(), 100, { kind: 'first' });
      secrets.revealed = true;
      const shown = view.message();
      assert.deepEqual(col(shown, 1), ['s3', 'hunter2', null]);
      assert.ok(shown?.type === 'result' && shown.secretsRevealed && shown.secretColumns[1], 'still badged secret');
      assert.equal(view.value(1, 1, 'a'), 'hunter2');
      secrets.revealed = false;
      assert.deepEqual(col(view.message(), 1), [SECRET_MASK, SECRET_MASK, null]);
    });

    it('side by side: masked on both sides, changed marks from the real values, a secret column has no total', () => {
      const { view } = setup();
      const c = compare(['name', 'token', 'n'], [['ann', 'abc', 1]], [['ann', 'xyz', 2]]);
      const m = pairsOf(view.load(c, 100, { kind: 'first' }));
      assert.deepEqual([m.pairs[0].a?.map(text), m.pairs[0].b?.map(text)], [['ann', SECRET_MASK, '1'], ['ann', SECRET_MASK, '2']]);
      assert.deepEqual(m.pairs[0].ca, [1, 2]);
      assert.deepEqual([m.a.secret, m.a.sums], [[false, true, false], [null, null, '1']]);
    });
  });

  describe('caches', () => {
    it('the masked content is made once per content and policy: a new pattern or new content is masked anew', () => {
      const { view, secrets } = setup();
      view.load(single(['name', 'password'], [['ann', 'hunter2']]), 100, { kind: 'first' });
      const once = view.shown();
      assert.equal(view.shown(), once, 'a page move reuses it');
      secrets.rules = secretPolicy('^name$');
      assert.notEqual(view.shown(), once);
      assert.deepEqual(rowsOf(view.message()), [[SECRET_MASK, SECRET_MASK]]);
      assert.deepEqual(rowsOf(view.load(single(['name', 'password'], [['bob', 'pw']]), 100, { kind: 'kept' })), [[SECRET_MASK, SECRET_MASK]]);
      secrets.rules = secretPolicy('');
      assert.deepEqual(rowsOf(view.message()), [['bob', SECRET_MASK]]);
    });

    it('the display order is made for the content as shown, its sort and its filter: each change orders anew', () => {
      const { view, secrets } = setup();
      view.load(single(['name', 'password'], [['ann', 'b'], ['bob', 'c'], ['cid', 'a']]), 100, { kind: 'first' });
      // Masked, every password is the same text: sorted by it, the rows keep the returned order.
      assert.deepEqual(col(view.sortBy({ col: 1, dir: 1 }), 0), ['ann', 'bob', 'cid']);
      secrets.revealed = true;
      assert.deepEqual(col(view.message(), 0), ['cid', 'ann', 'bob'], 'revealed: ordered by the real values');
      assert.equal(view.value(0, 0, 'a'), 'cid');
      secrets.revealed = false;
      assert.deepEqual(col(view.message(), 0), ['ann', 'bob', 'cid']);
      assert.deepEqual(col(view.sortBy({ col: 0, dir: -1 }), 0), ['cid', 'bob', 'ann']);
      const c = compare(['k', 'v'], [['a', 1], ['b', 2]], [['a', 1], ['b', 3]]);
      view.load(c, 100, { kind: 'first' });
      assert.equal(pairsOf(view.message()).total, 2);
      assert.equal(pairsOf(view.filterPairs(true)).total, 1);
    });
  });
});
