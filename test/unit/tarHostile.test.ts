/**
 * Hostile tar entries (issue 6, item 3) that tarReader.test.ts does not already cover: names with
 * `..` carried by pax and GNU long-name records, hard and symbolic links pointing outside, and
 * declared sizes far beyond anything we would hold (octal, base-256, pax). Each must end in a
 * CdbError or come back as a non-file entry with no bytes: the reader's only output is the buffer
 * `allocate` returns, so "never a write" means allocate is not called and nothing is copied.
 * (pullFile turns a non-file entry into NOT_A_FILE.)
 *
 * Archives are made by GNU tar where it can express the case, else written block by block here,
 * with valid checksums so that the hostile field itself is what the reader meets.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSingleFileTar, TarEntry } from '../../src/core/docker/tarReader';
import { isCdbError } from '../../src/core/errors';
import { makeTempDir } from '../support/sqliteFixtures';

const MAX = 1024 * 1024;

/** One 512-byte ustar header with a correct checksum. */
function header(f: { name: string; type: string; size?: number | string; linkName?: string; sizeBytes?: Uint8Array }): Buffer {
  const h = Buffer.alloc(512);
  h.write(f.name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  if (f.sizeBytes) Buffer.from(f.sizeBytes).copy(h, 124);
  else h.write(typeof f.size === 'string' ? f.size : `${(f.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
  h.write('14712345670\0', 136, 'latin1');
  h.write(f.type, 156, 1, 'latin1');
  if (f.linkName) h.write(f.linkName, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** Content padded to whole blocks. */
function body(content: Buffer): Buffer {
  return Buffer.concat([content, Buffer.alloc((512 - (content.length % 512)) % 512)]);
}

/** A pax extended header ('x') whose records apply to the next entry. */
function pax(records: Record<string, string>): Buffer {
  const text = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = rest.length + 1;
      while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
      return `${len}${rest}`;
    })
    .join('');
  const content = Buffer.from(text, 'utf8');
  return Buffer.concat([header({ name: 'PaxHeaders/x', type: 'x', size: content.length }), body(content)]);
}

/** A GNU long name ('L') or long link name ('K') record for the next entry. */
function gnuLong(type: 'L' | 'K', value: string): Buffer {
  const content = Buffer.from(`${value}\0`, 'utf8');
  return Buffer.concat([header({ name: '././@LongLink', type, size: content.length }), body(content)]);
}

const END = Buffer.alloc(1024);

async function* chunks(bytes: Uint8Array, size = 97): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function read(bytes: Uint8Array, maxBytes = MAX) {
  const allocations: TarEntry[] = [];
  let copied = 0;
  const result = readSingleFileTar(chunks(bytes), {
    maxBytes,
    allocate: (entry) => {
      allocations.push(entry);
      return new Uint8Array(entry.size);
    },
    onBytes: (n) => {
      copied = n;
    },
  });
  return { result, allocations, copied: () => copied };
}

async function refused(bytes: Uint8Array, code: string, message: RegExp, maxBytes = MAX): Promise<void> {
  const r = read(bytes, maxBytes);
  await assert.rejects(r.result, (err) => isCdbError(err) && err.code === code && message.test(err.message) && !err.message.includes('\n'));
  assert.equal(r.allocations.length, 0, 'nothing allocated');
  assert.equal(r.copied(), 0, 'no content copied');
}

async function nonFile(bytes: Uint8Array, type: TarEntry['type'], linkName: string): Promise<void> {
  const r = read(bytes);
  const { entry, data } = await r.result;
  assert.equal(entry.type, type);
  assert.equal(entry.linkName, linkName);
  assert.equal(data.length, 0);
  assert.equal(r.allocations.length, 0, 'a link is never given a buffer');
  assert.equal(r.copied(), 0);
}

describe('tarReader: hostile entries', function () {
  this.timeout(30000);
  let tmp: string;
  before(() => {
    tmp = makeTempDir('cdb-tarhostile-');
    fs.writeFileSync(path.join(tmp, 'webui.db'), 'SQLite format 3\0');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('names that climb out', () => {
    it('a pax path record with .. (GNU tar, long name) is refused', async () => {
      const inner = path.join(tmp, 'inner');
      fs.mkdirSync(inner, { recursive: true });
      const longName = `${'x'.repeat(120)}/webui.db`;
      fs.mkdirSync(path.join(tmp, 'x'.repeat(120)), { recursive: true });
      fs.copyFileSync(path.join(tmp, 'webui.db'), path.join(tmp, longName));
      const archive = execFileSync('tar', ['-C', inner, '-P', '--format=pax', '-cf', '-', `../${longName}`]);
      assert.equal(String.fromCharCode(archive[156]), 'x', 'the name travels in a pax record');
      await refused(archive, 'ARCHIVE_INVALID', /'\.\.'/);
    });

    it('a pax path record overriding a harmless ustar name is refused', async () => {
      const archive = Buffer.concat([pax({ path: 'data/../../../etc/cron.d/x' }), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]);
      await refused(archive, 'ARCHIVE_INVALID', /'\.\.'/);
    });

    it('a GNU long name with .. in the middle is refused', async () => {
      const archive = Buffer.concat([gnuLong('L', `a/${'b/'.repeat(60)}../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../root/.ssh/authorized_keys`), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]);
      await refused(archive, 'ARCHIVE_INVALID', /'\.\.'/);
    });

    it('an absolute pax path, and a path with a NUL in it, are refused', async () => {
      await refused(Buffer.concat([pax({ path: '/etc/passwd' }), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]), 'ARCHIVE_INVALID', /absolute/);
      await refused(Buffer.concat([pax({ path: 'webui.db\0/../../x' }), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]), 'ARCHIVE_INVALID', /absolute|'\.\.'/);
    });
  });

  describe('links', () => {
    it('a hard link (GNU tar) comes back as a link with no bytes', async () => {
      fs.linkSync(path.join(tmp, 'webui.db'), path.join(tmp, 'hard.db'));
      // Both names in one archive: the second is stored as a hard link to the first. Read the second alone.
      const archive = execFileSync('tar', ['-C', tmp, '--format=gnu', '-cf', '-', 'webui.db', 'hard.db']);
      const second = archive.subarray(1024);
      assert.equal(String.fromCharCode(second[156]), '1', 'GNU tar wrote a hard link entry');
      await nonFile(second, 'hardlink', 'webui.db');
    });

    it('a hard link to ../../etc/shadow, its target in a GNU long link record, comes back as a link with no bytes', async () => {
      const target = `${'../'.repeat(40)}etc/shadow`;
      await nonFile(Buffer.concat([gnuLong('K', target), header({ name: 'webui.db', type: '1', size: 0 }), END]), 'hardlink', target);
    });

    it('a hard link that declares content is not read as a file', async () => {
      // tar lets a hard link carry a size; the bytes must not be taken for the database.
      await nonFile(Buffer.concat([header({ name: 'webui.db', type: '1', size: 4, linkName: '../../../etc/passwd' }), body(Buffer.from('evil')), END]), 'hardlink', '../../../etc/passwd');
    });

    it('a symlink out of the tree (pax linkpath) comes back as a link with no bytes', async () => {
      await nonFile(Buffer.concat([pax({ linkpath: '/proc/self/environ' }), header({ name: 'webui.db', type: '2', size: 0, linkName: 'webui.db' }), END]), 'symlink', '/proc/self/environ');
    });

    it('device, fifo and sparse entries are "other", never files', async () => {
      for (const type of ['3', '4', '6']) {
        const r = read(Buffer.concat([header({ name: 'webui.db', type, size: 0 }), END]));
        assert.equal((await r.result).entry.type, 'other', `typeflag ${type}`);
        assert.equal(r.allocations.length, 0);
      }
      const sparse = Buffer.concat([pax({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0' }), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]);
      const r = read(sparse);
      assert.equal((await r.result).entry.type, 'other');
      assert.equal(r.allocations.length, 0);
    });
  });

  describe('huge declared sizes', () => {
    it('an octal size of 8 GiB is refused before anything is allocated', async () => {
      await refused(Buffer.concat([header({ name: 'webui.db', type: '0', size: '77777777777\0' }), END]), 'TOO_LARGE', /over the .* limit/);
    });

    it('a base-256 size of 2^63 is refused before anything is allocated', async () => {
      const bytes = new Uint8Array(12);
      bytes[0] = 0x80;
      bytes[4] = 0x80; // 2^63
      await refused(Buffer.concat([header({ name: 'webui.db', type: '0', sizeBytes: bytes }), END]), 'TOO_LARGE', /over the .* limit/, 2 ** 53);
    });

    it('a negative base-256 size is refused as malformed', async () => {
      await refused(Buffer.concat([header({ name: 'webui.db', type: '0', sizeBytes: new Uint8Array(12).fill(0xff) }), END]), 'ARCHIVE_INVALID', /size is not a number/);
    });

    it('a pax size of 10^29 bytes overriding a small header size is refused before anything is allocated', async () => {
      await refused(Buffer.concat([pax({ size: '1'.padEnd(30, '0') }), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]), 'TOO_LARGE', /over the .* limit/, 2 ** 53);
    });

    it('a pax size that is not a plain number is refused', async () => {
      for (const size of ['-1', '1e9', '0x10', ' 12', '9'.repeat(31)]) {
        await refused(Buffer.concat([pax({ size }), header({ name: 'webui.db', type: '0', size: 4 }), body(Buffer.from('evil')), END]), 'ARCHIVE_INVALID', /pax/);
      }
    });

    it('a size under the limit but larger than the stream is "ended early", never a short file', async () => {
      const r = read(Buffer.concat([header({ name: 'webui.db', type: '0', size: 600_000 }), body(Buffer.alloc(1000, 7))]));
      await assert.rejects(r.result, (err) => isCdbError(err, 'ARCHIVE_INVALID') && /ended early/.test(err.message));
      assert.equal(r.allocations.length, 1);
      assert.ok(r.copied() <= 1512);
    });

    it('a GNU long-name record declaring 8 GiB is refused without buffering it', async () => {
      const long = header({ name: '././@LongLink', type: 'L', size: '77777777777\0' });
      await refused(Buffer.concat([long, Buffer.alloc(4096, 0x41)]), 'ARCHIVE_INVALID', /extended header/);
    });
  });
});
