import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { readSingleFileTar, TarEntry } from '../../src/core/docker/tarReader';
import { isCdbError } from '../../src/core/errors';
import { makeTempDir } from '../support/sqliteFixtures';
import { Rng, randomChunks } from '../support/mutators';

const MTIME = 1_700_000_000;

/** GNU tar's bytes for `members` under `dir`. */
function gnuTar(dir: string, members: string[], args: string[] = []): Buffer {
  return execFileSync('tar', ['-C', dir, ...args, '-cf', '-', ...members], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function* fromIterable(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

/** Rewrites a header's checksum after a test edits it, as a well-formed but hostile archive would carry. */
function fixChecksum(header: Buffer): void {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += header[i];
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

describe('tarReader.readSingleFileTar', function () {
  this.timeout(60000);
  let tmp: string;
  let content: Buffer;
  const longDir = 'a-directory-name-that-is-long/'.repeat(4);
  const longName = `${longDir}webui-with-a-long-name.db`;

  before(() => {
    tmp = makeTempDir('cdb-tar-');
    content = Buffer.from(new Rng(42).bytes(200_003));
    fs.writeFileSync(path.join(tmp, 'webui.db'), content, { mode: 0o640 });
    fs.chmodSync(path.join(tmp, 'webui.db'), 0o640);
    fs.utimesSync(path.join(tmp, 'webui.db'), MTIME, MTIME);
    fs.mkdirSync(path.join(tmp, longDir), { recursive: true });
    fs.writeFileSync(path.join(tmp, longName), content);
    fs.writeFileSync(path.join(tmp, 'empty.db'), '');
    fs.symlinkSync('/app/backend/data/webui.db', path.join(tmp, 'link.db'));
    assert.ok(longName.length > 100);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const read = (bytes: Uint8Array, chunkSize: number, opts: { maxBytes?: number; signal?: AbortSignal } = {}) => {
    const allocations: TarEntry[] = [];
    const progress: number[] = [];
    let buffer: Uint8Array | undefined;
    const result = readSingleFileTar(chunked(bytes, chunkSize), {
      maxBytes: opts.maxBytes ?? 1024 * 1024 * 1024,
      signal: opts.signal,
      allocate: (entry) => {
        allocations.push(entry);
        buffer = new Uint8Array(new SharedArrayBuffer(entry.size + 17));
        return buffer;
      },
      onBytes: (n) => progress.push(n),
    });
    return { result, allocations, progress, buffer: () => buffer };
  };

  const rejectsWith = (p: Promise<unknown>, code: string, message?: RegExp) =>
    assert.rejects(p, (err) => isCdbError(err) && err.code === code && (!message || message.test(err.message)));

  const formats = ['ustar', 'gnu', 'pax', 'oldgnu', 'v7'];
  const chunkSizes = [1, 7, 511, 512, 513, 65536];

  for (const format of formats) {
    it(`reads a ${format} archive from GNU tar in any chunking`, async () => {
      const archive = gnuTar(tmp, ['webui.db'], [`--format=${format}`]);
      for (const size of chunkSizes) {
        const r = read(archive, size);
        const { entry, data } = await r.result;
        assert.equal(entry.name, 'webui.db');
        assert.equal(entry.type, 'file');
        assert.equal(entry.size, content.length);
        assert.equal(entry.mode & 0o777, 0o640);
        assert.equal(entry.mtime, MTIME);
        assert.ok(Buffer.from(data).equals(content), `content intact with ${size}-byte chunks`);
        assert.equal(r.allocations.length, 1, 'allocate called once');
        assert.equal(data.buffer, r.buffer()!.buffer, 'content written into the allocated buffer, not a copy');
        assert.equal(data.length, content.length);
        assert.equal(r.progress[r.progress.length - 1], content.length);
        assert.ok(r.progress.every((n, i) => i === 0 || n >= r.progress[i - 1]), 'progress only grows');
      }
    });
  }

  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`reads a name longer than 100 bytes (${format})`, async () => {
      const archive = gnuTar(tmp, [longName], [`--format=${format}`]);
      const how = { gnu: String.fromCharCode(archive[156]) === 'L', pax: String.fromCharCode(archive[156]) === 'x', ustar: archive[345] !== 0 };
      assert.ok(how[format as keyof typeof how], `GNU tar carried the long name the ${format} way`);
      for (const size of [1, 513, 65536]) {
        const { entry, data } = await read(archive, size).result;
        assert.equal(entry.name, longName);
        assert.ok(Buffer.from(data).equals(content));
      }
    });
  }

  it('reads an archive in random chunk sizes', async () => {
    const rng = new Rng(5);
    const archive = gnuTar(tmp, ['webui.db'], ['--format=pax']);
    for (let i = 0; i < 20; i++) {
      const { data } = await readSingleFileTar(fromIterable(randomChunks(archive, rng)), { maxBytes: 1e9, allocate: (e) => new Uint8Array(e.size) });
      assert.ok(Buffer.from(data).equals(content));
    }
  });

  it('skips pax global and per-file extended headers', async () => {
    const archive = gnuTar(tmp, ['webui.db'], ['--format=pax', '--pax-option=comment=global', '--pax-option=comment:=per-file']);
    assert.ok(archive.includes('comment=global') && archive.includes('comment=per-file'));
    assert.equal(String.fromCharCode(archive[156]), 'g', 'archive starts with a global header');
    const { entry, data } = await read(archive, 333).result;
    assert.equal(entry.name, 'webui.db');
    assert.ok(Buffer.from(data).equals(content));
  });

  it('returns a symlink entry without allocating', async () => {
    for (const format of ['gnu', 'pax']) {
      const r = read(gnuTar(tmp, ['link.db'], [`--format=${format}`]), 7);
      const { entry, data } = await r.result;
      assert.equal(entry.type, 'symlink');
      assert.equal(entry.name, 'link.db');
      assert.equal(entry.linkName, '/app/backend/data/webui.db');
      assert.equal(data.length, 0);
      assert.equal(r.allocations.length, 0);
    }
  });

  it('returns a directory entry as such (the caller refuses it)', async () => {
    const r = read(gnuTar(tmp, ['a-directory-name-that-is-long']), 512);
    const { entry } = await r.result;
    assert.equal(entry.type, 'directory');
    assert.equal(entry.name, 'a-directory-name-that-is-long');
    assert.equal(r.allocations.length, 0);
  });

  it('reads an empty file', async () => {
    const r = read(gnuTar(tmp, ['empty.db']), 100);
    const { entry, data } = await r.result;
    assert.equal(entry.size, 0);
    assert.equal(data.length, 0);
    assert.equal(r.allocations.length, 1);
  });

  it('normalizes ./ prefixes', async () => {
    const { entry } = await read(gnuTar(tmp, ['./webui.db']), 65536).result;
    assert.equal(entry.name, 'webui.db');
  });

  it('reads a size written in base-256', async () => {
    const archive = Buffer.from(gnuTar(tmp, ['webui.db'], ['--format=gnu']));
    archive.fill(0, 124, 136);
    archive[124] = 0x80;
    archive.writeUInt32BE(content.length, 132);
    fixChecksum(archive.subarray(0, 512));
    const { entry, data } = await read(archive, 4096).result;
    assert.equal(entry.size, content.length);
    assert.ok(Buffer.from(data).equals(content));
  });

  it('refuses a huge base-256 size without allocating', async () => {
    const archive = Buffer.from(gnuTar(tmp, ['webui.db'], ['--format=gnu']));
    archive.fill(0xff, 124, 136);
    archive[124] = 0x80; // 2^88 - 1 bytes
    fixChecksum(archive.subarray(0, 512));
    const r = read(archive, 512, { maxBytes: 2 * 1024 ** 3 });
    await rejectsWith(r.result, 'TOO_LARGE');
    assert.equal(r.allocations.length, 0);
  });

  it('refuses a file over maxBytes before allocating', async () => {
    const r = read(gnuTar(tmp, ['webui.db']), 65536, { maxBytes: content.length - 1 });
    await rejectsWith(r.result, 'TOO_LARGE', /webui\.db is 195\.3 KB, over the 195\.3 KB limit/);
    assert.equal(r.allocations.length, 0);
    assert.equal(r.progress.length, 0);
  });

  it('refuses a header with a bad checksum', async () => {
    const archive = Buffer.from(gnuTar(tmp, ['webui.db']));
    archive[3] ^= 0x01;
    const r = read(archive, 100);
    await rejectsWith(r.result, 'ARCHIVE_INVALID', /checksum/);
    assert.equal(r.allocations.length, 0);
  });

  it('refuses a stream that ends early, wherever it is cut', async () => {
    const archive = gnuTar(tmp, ['webui.db'], ['--format=pax']);
    const paxEnd = 1024; // the pax header block and its record block
    for (const cut of [1, 300, 511, paxEnd + 100, paxEnd + 512, paxEnd + 512 + 1, paxEnd + 512 + content.length - 1]) {
      await rejectsWith(read(archive.subarray(0, cut), 64).result, 'ARCHIVE_INVALID', /ended early.*try again/);
    }
    await rejectsWith(read(new Uint8Array(0), 64).result, 'ARCHIVE_INVALID', /empty/);
  });

  it('refuses an archive that holds no entry', async () => {
    await rejectsWith(read(new Uint8Array(10240), 512).result, 'ARCHIVE_INVALID', /holds no file/);
  });

  it('refuses names with .. segments and absolute names', async () => {
    const inner = path.join(tmp, 'inner');
    fs.mkdirSync(inner, { recursive: true });
    for (const format of ['gnu', 'pax', 'ustar']) {
      const dotdot = gnuTar(inner, ['../webui.db'], ['-P', `--format=${format}`]);
      await rejectsWith(read(dotdot, 100).result, 'ARCHIVE_INVALID', /'\.\.'/);
      const absolute = gnuTar(inner, [path.join(tmp, 'webui.db')], ['-P', `--format=${format}`]);
      await rejectsWith(read(absolute, 100).result, 'ARCHIVE_INVALID', /absolute/);
    }
    const deep = gnuTar(inner, [`../${longName}`], ['-P', '--format=gnu']);
    assert.equal(String.fromCharCode(deep[156]), 'L', 'long name carried by a GNU L entry');
    await rejectsWith(read(deep, 100).result, 'ARCHIVE_INVALID', /'\.\.'/);
  });

  it('refuses an oversized pax header instead of buffering it', async () => {
    const archive = Buffer.from(gnuTar(tmp, ['webui.db'], ['--format=pax', '--pax-option=comment:=x']));
    assert.equal(String.fromCharCode(archive[156]), 'x');
    archive.write('77777777777\0', 124, 'latin1');
    fixChecksum(archive.subarray(0, 512));
    await rejectsWith(read(archive, 512).result, 'ARCHIVE_INVALID', /extended header/);
  });

  it('stops with CANCELLED when the signal fires, even while the source is stalled, and destroys a stream source', async () => {
    const archive = gnuTar(tmp, ['webui.db']);
    const stream = new Readable({ read() {} });
    stream.push(archive.subarray(0, 4096)); // then nothing more: a stalled connection
    const controller = new AbortController();
    let bytes = 0;
    const p = readSingleFileTar(stream, {
      maxBytes: 1e9,
      signal: controller.signal,
      allocate: (e) => new Uint8Array(e.size),
      onBytes: (n) => {
        bytes = n;
        if (n > 0) setImmediate(() => controller.abort());
      },
    });
    await rejectsWith(p, 'CANCELLED');
    assert.ok(bytes > 0);
    assert.equal(stream.destroyed, true);
  });

  it('refuses at once when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = read(gnuTar(tmp, ['webui.db']), 512, { signal: controller.signal });
    await rejectsWith(r.result, 'CANCELLED');
    assert.equal(r.allocations.length, 0);
  });

  it('releases a stream source once the file is read', async () => {
    const archive = gnuTar(tmp, ['webui.db']);
    const stream = Readable.from([archive.subarray(0, 70000), archive.subarray(70000)], { objectMode: false });
    const { data } = await readSingleFileTar(stream, { maxBytes: 1e9, allocate: (e) => new Uint8Array(e.size) });
    assert.ok(Buffer.from(data).equals(content));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stream.destroyed, true);
  });
});
