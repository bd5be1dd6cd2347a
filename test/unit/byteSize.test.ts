/** The one byte formatter, and the places that used to have their own (CLI, tree, grid cells). */
import * as assert from 'node:assert/strict';
import { formatByteSize } from '../../src/core/byteSize';
import { toCell } from '../../src/extension/tableGrid/cellView';

describe('formatByteSize', () => {
  it('binary units, one decimal, a trailing .0 dropped', () => {
    assert.equal(formatByteSize(0), '0 bytes');
    assert.equal(formatByteSize(17), '17 bytes');
    assert.equal(formatByteSize(1023), '1023 bytes');
    assert.equal(formatByteSize(1024), '1 KB');
    assert.equal(formatByteSize(1536), '1.5 KB');
    assert.equal(formatByteSize(357 * 1024 ** 2 + 300 * 1024), '357.3 MB');
    assert.equal(formatByteSize(100 * 1024 ** 2), '100 MB');
    assert.equal(formatByteSize(2 * 1024 ** 3), '2 GB');
    assert.equal(formatByteSize(3 * 1024 ** 4), '3 TB');
  });

  it('a BLOB cell carries the same label to the webviews', () => {
    const cell = toCell(new Uint8Array(100 * 1024 ** 2));
    assert.equal(cell.k, 'blob');
    assert.equal(cell.k === 'blob' && cell.sizeLabel, '100 MB');
    const small = toCell(new Uint8Array([1, 2, 3]));
    assert.equal(small.k === 'blob' && small.sizeLabel, '3 bytes');
  });
});
