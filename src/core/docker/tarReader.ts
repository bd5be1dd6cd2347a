/**
 * A streaming reader for the tar that Docker's `GET /containers/{id}/archive?path=P` returns: one
 * entry (the file, or the symlink itself when P is a symlink), possibly preceded by pax or GNU
 * long-name headers. Content is copied from each chunk straight into the caller's buffer, so a
 * database of hundreds of MB exists once in memory.
 * Formats: POSIX ustar and pax (IEEE 1003.1-2001 `pax`), GNU tar's 'L'/'K' long names and base-256
 * numbers (GNU tar manual, "Basic Tar Format"), decoded in tarHeader.ts.
 */
import { CdbError, cancelled } from '../errors';
import { tooLargeError } from '../bytes';
import { BLOCK, checksumMatches, cString, entryType, headerName, invalid, normalizeName, padded, parsePax, readNumber, type PendingOverrides, type TarEntry } from './tarHeader';

export type { TarEntry };

export interface ReadSingleFileTarOptions {
  /** Called once, for a regular file, with the entry (size known); returns a buffer of at least `entry.size` bytes. */
  allocate(entry: TarEntry): Uint8Array;
  /** A file larger than this is refused (TOO_LARGE) before anything is allocated. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Content bytes copied so far, after each chunk. */
  onBytes?(bytesSoFar: number): void;
  /** Each piece of the file's content as it is copied into the buffer (a hash runs along); valid during the call only. */
  onContent?(piece: Uint8Array): void;
}

export interface SingleFileTar {
  entry: TarEntry;
  /** The first `entry.size` bytes of the buffer `allocate` returned; empty for anything but a regular file. */
  data: Uint8Array;
}

/** pax and GNU long-name records hold a path or two; anything bigger is not an archive we asked for. */
const MAX_META_BYTES = 1024 * 1024;
const ENDED_EARLY = 'The archive stream ended early: the container may have stopped or the connection dropped; try again.';

/**
 * Reads the first real entry of a tar stream. For a regular file, its content goes into the buffer
 * `allocate` returns; for a symlink (or a directory, or anything else) the entry comes back with
 * empty data and the caller decides. Stops reading as soon as the content is complete.
 *
 * The source is released when this returns or throws: a Node stream is read through its events and
 * destroyed (readEmitted); any other async iterable through its iterator, whose `return()` is called.
 *
 * Errors: TOO_LARGE, ARCHIVE_INVALID, CANCELLED as CdbError; an error thrown by the source itself
 * (a socket error) is passed through unless the signal has fired.
 */
export async function readSingleFileTar(source: AsyncIterable<Uint8Array> | ChunkEmitter, opts: ReadSingleFileTarOptions): Promise<SingleFileTar> {
  const { signal } = opts;
  if (signal?.aborted) throw cancelled('Reading the archive');
  const parser = new TarParser(opts);
  if (isEmitter(source)) return readEmitted(source, parser, signal);
  const iterator = source[Symbol.asyncIterator]();
  // Each wait for a chunk can be cut short by the signal. One rejecter per wait (rather than
  // Promise.race against one long-lived promise) keeps nothing alive across thousands of chunks.
  let stopWaiting: ((err: Error) => void) | undefined;
  const onAbort = () => {
    stopWaiting?.(cancelled('Reading the archive'));
    const destroy = (source as { destroy?: () => void }).destroy;
    if (typeof destroy === 'function') destroy.call(source);
  };
  const nextChunk = (): Promise<IteratorResult<Uint8Array>> =>
    signal
      ? new Promise((resolve, reject) => {
          stopWaiting = reject;
          iterator.next().then(resolve, reject);
        })
      : iterator.next();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const next = await nextChunk();
      stopWaiting = undefined;
      if (signal?.aborted) throw cancelled('Reading the archive');
      if (next.done) throw parser.endOfStream();
      const result = parser.feed(next.value);
      if (result) return result;
    }
  } catch (err) {
    if (signal?.aborted) throw cancelled('Reading the archive');
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    iterator.return?.().catch(() => undefined);
  }
}

/** A Node stream (the engine's HTTP response), or archiveSocket's body: read through its 'data' events. */
export interface ChunkEmitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  destroy(): unknown;
}

function isEmitter(source: unknown): source is ChunkEmitter {
  const s = source as Partial<ChunkEmitter> | null;
  return typeof s?.on === 'function' && typeof s.off === 'function' && typeof s.destroy === 'function';
}

/**
 * The same reading, pushed by the stream's 'data' events instead of pulled through its async
 * iterator: a promise per chunk adds up over the 16,000 chunks of a 357 MiB pull (measured: the
 * stream took 1.67-1.8 s through the iterator, 1.5-1.6 s through events; `curl` 1.34-1.43 s).
 * The stream is destroyed once the file is read, or on error or abort.
 */
function readEmitted(stream: ChunkEmitter, parser: TarParser, signal?: AbortSignal): Promise<SingleFileTar> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Uint8Array) => {
      let result: SingleFileTar | undefined;
      try {
        result = parser.feed(chunk);
      } catch (err) {
        fail(err);
        return;
      }
      if (result) {
        release();
        resolve(result);
      }
    };
    // 'close' without 'end': the connection dropped, or the stream was destroyed.
    const onEnd = () => fail(parser.endOfStream());
    const onError = (err: Error) => fail(err);
    const onAbort = () => fail(cancelled('Reading the archive'));
    const listeners: [string, (...args: never[]) => void][] = [
      ['data', onData],
      ['end', onEnd],
      ['close', onEnd],
      ['error', onError],
    ];
    function fail(err: unknown): void {
      release();
      reject(signal?.aborted ? cancelled('Reading the archive') : err);
    }
    function release(): void {
      for (const [event, listener] of listeners) stream.off(event, listener);
      signal?.removeEventListener('abort', onAbort);
      stream.destroy();
    }
    for (const [event, listener] of listeners) stream.on(event, listener);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type Phase = 'header' | 'meta' | 'content';

/** The state machine: fed chunks cut anywhere, it returns the result once the first entry is complete. */
class TarParser {
  private phase: Phase = 'header';
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Bytes to discard before the next header (block padding, content of ignored entries). */
  private skip = 0;
  private meta: { kind: 'x' | 'L' | 'K'; buf: Uint8Array; fill: number } | undefined;
  private overrides: PendingOverrides = {};
  private entry: TarEntry | undefined;
  private data: Uint8Array | undefined;
  private written = 0;
  private sawHeader = false;

  constructor(private readonly opts: ReadSingleFileTarOptions) {}

  feed(chunk: Uint8Array): SingleFileTar | undefined {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      const available = chunk.length - pos;
      if (this.phase === 'header') {
        const n = Math.min(BLOCK - this.headerFill, available);
        this.header.set(plainView(chunk, pos, n), this.headerFill);
        this.headerFill += n;
        pos += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          const done = this.onHeader();
          if (done) return done;
        }
      } else if (this.phase === 'meta') {
        const meta = this.meta!;
        const n = Math.min(meta.buf.length - meta.fill, available);
        meta.buf.set(plainView(chunk, pos, n), meta.fill);
        meta.fill += n;
        pos += n;
        if (meta.fill === meta.buf.length) this.onMetaComplete();
      } else {
        const entry = this.entry!;
        const data = this.data!;
        const n = Math.min(entry.size - this.written, available);
        const piece = plainView(chunk, pos, n);
        data.set(piece, this.written);
        this.opts.onContent?.(piece);
        this.written += n;
        pos += n;
        this.opts.onBytes?.(this.written);
        if (this.written === entry.size) return { entry, data };
      }
    }
    return undefined;
  }

  endOfStream(): CdbError {
    if (!this.sawHeader && this.headerFill === 0) return invalid('The archive from the engine is empty: it holds no file. Check the path and try again.');
    return new CdbError('ARCHIVE_INVALID', ENDED_EARLY);
  }

  private onHeader(): SingleFileTar | undefined {
    const h = this.header;
    if (h.every((b) => b === 0)) throw invalid('The archive from the engine holds no file (it ends before any entry). Check the path and try again.');
    if (!checksumMatches(h)) throw invalid('The archive from the engine is malformed (a header checksum is wrong). Try again; if this persists, use `docker cp` to check the file.');
    this.sawHeader = true;
    const typeflag = String.fromCharCode(h[156]);
    const headerSize = readNumber(h, 124, 12);
    if (headerSize === undefined) throw invalid('The archive from the engine is malformed (an entry size is not a number). Try again.');

    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (headerSize > MAX_META_BYTES) throw invalid(`The archive from the engine is malformed (a ${headerSize}-byte extended header). Try again.`);
      this.meta = { kind: typeflag, buf: new Uint8Array(headerSize), fill: 0 };
      this.phase = 'meta';
      if (headerSize === 0) this.onMetaComplete();
      return undefined;
    }
    if (typeflag === 'g') {
      // Global pax records would apply to every later entry; Docker does not write them and
      // none of their keys changes what we read from the one entry, so skip them.
      this.skip = padded(headerSize);
      return undefined;
    }
    return this.onEntry(h, typeflag, headerSize);
  }

  private onEntry(h: Uint8Array, typeflag: string, headerSize: number): SingleFileTar | undefined {
    const o = this.overrides;
    this.overrides = {};
    const name = normalizeName(o.path ?? headerName(h));
    const entry: TarEntry = {
      name,
      type: o.sparse ? 'other' : entryType(typeflag),
      size: o.size ?? headerSize,
      mode: readNumber(h, 100, 8) ?? 0,
      mtime: readNumber(h, 136, 12) ?? 0,
      linkName: o.linkPath ?? cString(h, 157, 100),
    };
    if (entry.type !== 'file') return { entry, data: new Uint8Array(0) };
    if (entry.size > this.opts.maxBytes) {
      throw tooLargeError(name, entry.size, this.opts.maxBytes);
    }
    const buffer = this.opts.allocate(entry);
    if (buffer.length < entry.size) throw new RangeError(`allocate() returned ${buffer.length} bytes for a ${entry.size}-byte file`);
    this.entry = entry;
    this.data = buffer.subarray(0, entry.size);
    if (entry.size === 0) return { entry, data: this.data };
    this.phase = 'content';
    return undefined;
  }

  private onMetaComplete(): void {
    const meta = this.meta!;
    this.meta = undefined;
    this.phase = 'header';
    this.skip = padded(meta.buf.length) - meta.buf.length;
    if (meta.kind === 'x') Object.assign(this.overrides, parsePax(meta.buf));
    else if (meta.kind === 'L') this.overrides.path = cString(meta.buf, 0, meta.buf.length);
    else this.overrides.linkPath = cString(meta.buf, 0, meta.buf.length);
  }
}


/**
 * The stream hands us Buffers. `Uint8Array.prototype.set` given a Buffer (a subclass) takes V8's
 * generic element-by-element path: measured here at ~150 MB/s, 2.4 s of a 357 MiB pull. Given a
 * plain Uint8Array over the same memory it is a memcpy (~100x faster). So never pass the Buffer.
 */
function plainView(chunk: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, length);
}
