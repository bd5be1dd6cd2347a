// A command's result crosses to the workbench as JSON when the command runs from the palette, a
// menu or a click. A snapshot entry holds the database's bytes: its JSON must stay small (a
// 100 MB BLOB's database used to hold the extension host for minutes after the pull).
import * as assert from 'assert';
import { compactForWorkbench } from '../../src/extension/workbenchResult';

describe('compactForWorkbench', () => {
  it('a snapshot entry with 100 MB of bytes becomes a JSON of its primitive fields, and stays the same object', () => {
    const bytes = new Uint8Array(100 * 1024 * 1024);
    const entry = { containerId: 'abc', containerName: 'open-webui', path: '/app/backend/data/webui.db', pullMs: 1320, snapshot: { bytes, stamp: { size: bytes.length } }, schema: { tables: [] } };
    const same = compactForWorkbench(entry);
    assert.strictEqual(same, entry);
    assert.strictEqual(same.snapshot.bytes, bytes, 'callers in the extension host keep the live object');
    assert.deepStrictEqual(JSON.parse(JSON.stringify(same)), { containerId: 'abc', containerName: 'open-webui', path: '/app/backend/data/webui.db', pullMs: 1320 });
    assert.deepStrictEqual(Object.keys(same), ['containerId', 'containerName', 'path', 'pullMs', 'snapshot', 'schema'], 'toJSON is not enumerable');
  });

  it('a class instance (a grid panel) keeps its methods; its JSON drops what is not a primitive', () => {
    class Grid {
      title = 'chat';
      rows = [[1, 'a']];
      page(): number {
        return 1;
      }
    }
    const g = compactForWorkbench(new Grid());
    assert.strictEqual(g.page(), 1);
    assert.strictEqual(JSON.stringify(g), '{"title":"chat"}');
  });

  it('primitives, arrays of primitives and frozen values pass through unchanged', () => {
    assert.strictEqual(compactForWorkbench('x'), 'x');
    assert.strictEqual(compactForWorkbench(undefined), undefined);
    const mounts = ['volume a → /data'];
    assert.strictEqual(JSON.stringify(compactForWorkbench(mounts)), '["volume a → /data"]');
    const frozen = Object.freeze({ a: 1, b: { c: 2 } });
    assert.strictEqual(compactForWorkbench(frozen), frozen);
    assert.strictEqual(JSON.stringify(compactForWorkbench([{ big: new Uint8Array(10) }])), '{"length":1}');
  });
});
