/**
 * Byte buffers that cross into the sql.js worker without a copy, and the facts we state about
 * them (digest, size limit).
 */
import { createHash } from 'node:crypto';
import { CdbError, cancelled } from '../errors';
import { formatByteSize } from '../byteSize';

/**
 * A zero-filled view of exactly `size` bytes over its own SharedArrayBuffer: the worker receives
 * the same memory, and a terminated worker can reopen it because nothing was transferred.
 */
export function allocateShared(size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`allocateShared: bad size ${size}`);
  return new Uint8Array(new SharedArrayBuffer(size));
}

/**
 * Digests taken while a view's bytes were written (a pull hashes the stream as it copies it), by
 * view. Snapshots are never written after they are built, so a digest stays true for its view.
 */
const knownDigests = new WeakMap<Uint8Array, string>();

/** Records the SHA-256 of `bytes`, computed while they were written. */
export function rememberSha256(bytes: Uint8Array, hex: string): void {
  knownDigests.set(bytes, hex);
}

/** Whoever writes into bytes whose digest was remembered (WAL replay, journal rollback) forgets it first. */
export function forgetSha256(bytes: Uint8Array): void {
  knownDigests.delete(bytes);
}

/** SHA-256 (hex) of exactly the bytes in the view, not of its whole backing buffer. */
export function sha256Hex(bytes: Uint8Array): string {
  const known = knownDigests.get(bytes);
  if (known) return known;
  const hash = createHash('sha256');
  // Hash in slices: createHash takes a view over shared memory, but one call over 2 GiB would
  // exceed what a single update accepts on some builds.
  const slice = 64 * 1024 * 1024;
  for (let off = 0; off < bytes.length; off += slice) hash.update(bytes.subarray(off, Math.min(bytes.length, off + slice)));
  return hash.digest('hex');
}

/**
 * The same digest, hashed a few megabytes at a time with a turn of the event loop between: a
 * caller starts it beside the sql.js worker's open and row counts, and the worker's replies are
 * served between slices (the two then run on two cores instead of one after the other).
 */
export async function sha256HexInSlices(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  const known = knownDigests.get(bytes);
  if (known) return known;
  const hash = createHash('sha256');
  const slice = 8 * 1024 * 1024;
  for (let off = 0; off < bytes.length; off += slice) {
    if (signal?.aborted) throw cancelled();
    hash.update(bytes.subarray(off, Math.min(bytes.length, off + slice)));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

/** The one message for a file over the size limit, whatever the source. */
export function tooLargeError(fileName: string, size: number, maxBytes: number): CdbError {
  return new CdbError(
    'TOO_LARGE',
    `${fileName} is ${formatByteSize(size)}, over the ${formatByteSize(maxBytes)} limit (containerDb.maxDatabaseSize / --max-size). Raise the limit to open it.`,
  );
}

/** Default size limit for one pulled file: 2 GiB. */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
