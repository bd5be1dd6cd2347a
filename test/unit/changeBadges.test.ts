// The texts of the changes since the last pull, and the tree's badge slots (pure, no VS Code).
import * as assert from 'assert';
import type { TableDiff } from '../../src/core/diff';
import { ago, changeCounts, databaseChangeBadge, tableChangeBadge, tablesChangedText } from '../../src/extension/changes/changeBadges';
import { setBadge } from '../../src/extension/treeItems/descriptionBadges';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';

function table(name: string, c: Partial<TableDiff>): TableDiff {
  return { name, status: 'changed', inserted: 0, deleted: 0, updated: 0, unchanged: 5, matchedBy: 'primary-key', keyColumns: ['id'], columns: ['id'], rowsCompared: true, samples: { inserted: [], deleted: [], updated: [] }, ...c } as TableDiff;
}

describe('changes since the last pull: texts', () => {
  it('counts in the order + ~ −, zero parts left out', () => {
    assert.strictEqual(changeCounts({ inserted: 3, updated: 1, deleted: 2 }), '+3 ~1 −2');
    assert.strictEqual(changeCounts({ inserted: 0, updated: 0, deleted: 1200 }), '−1,200');
    assert.strictEqual(changeCounts({ inserted: 0, updated: 0, deleted: 0 }), '');
  });

  it('a table badge alone, and beside the divergence badge', () => {
    const t = table('chat', { inserted: 3, updated: 1, deleted: 2 });
    assert.strictEqual(tableChangeBadge(t, false), '+3 ~1 −2 since last pull');
    assert.strictEqual(tableChangeBadge(t, true), 'since pull +3 ~1 −2');
    assert.strictEqual(tableChangeBadge(table('same', { status: 'same' }), false), undefined);
    assert.strictEqual(tableChangeBadge(table('fresh', { status: 'only-in-b' }), false), 'new since last pull');
  });

  it('the database badge and the status bar text', () => {
    const diff = { identical: false, schema: [], tables: [table('a', { inserted: 1 }), table('b', { deleted: 1 }), table('c', { status: 'same' })] };
    assert.strictEqual(tablesChangedText(diff), '2 tables changed');
    assert.strictEqual(databaseChangeBadge({ kind: 'diff', diff, previousPulledAt: 0, pulledAt: 1, ms: 3 }), '2 tables changed since last pull');
    assert.strictEqual(databaseChangeBadge({ kind: 'computing' }), undefined);
    assert.strictEqual(tablesChangedText({ identical: true, schema: [], tables: [table('c', { status: 'same' })] }), 'no changes');
  });

  it('relative time', () => {
    assert.strictEqual(ago(4200), '4 s ago');
    assert.strictEqual(ago(-5), '0 s ago');
    assert.strictEqual(ago(125000), '2 min ago');
    assert.strictEqual(ago(2 * 3600 * 1000 + 5), '2 h ago');
  });
});

describe('tree description badges', () => {
  const node = (description?: string) => ({ description }) as unknown as TreeNode;

  it('slots keep their order and survive each other being redrawn', () => {
    const n = node('12 rows');
    setBadge(n, 'divergence', '≠ +1');
    setBadge(n, 'changes', 'since pull +3');
    assert.strictEqual(n.description, '12 rows · ≠ +1 · since pull +3');
    // Each decorator runs again on every draw: nothing is appended twice.
    setBadge(n, 'divergence', '≠ +2');
    setBadge(n, 'changes', 'since pull +3');
    assert.strictEqual(n.description, '12 rows · ≠ +2 · since pull +3');
    setBadge(n, 'divergence', undefined);
    assert.strictEqual(n.description, '12 rows · since pull +3');
  });

  it('a description written by the node itself is the new base', () => {
    const n = node('12 rows');
    setBadge(n, 'changes', '+1 since last pull');
    n.description = '13 rows';
    setBadge(n, 'divergence', undefined);
    setBadge(n, 'changes', '+1 since last pull');
    assert.strictEqual(n.description, '13 rows · +1 since last pull');
    const empty = node(undefined);
    setBadge(empty, 'changes', undefined);
    assert.strictEqual(empty.description, undefined);
  });
});
