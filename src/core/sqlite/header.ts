/**
 * The first page of an SQLite file and its rollback journal, read as bytes.
 * Format: https://www.sqlite.org/fileformat2.html#the_database_header
 */
import { CdbError } from '../errors';

export interface SqliteHeader {
  pageSize: number;
  /** In-header database size in pages; only meaningful when `pageCountValid`. */
  pageCount: number;
  /** SQLite trusts the in-header size only when the change counter equals version-valid-for. */
  pageCountValid: boolean;
  writeVersion: number;
  /** 1 = rollback journal, 2 = WAL. */
  readVersion: number;
  changeCounter: number;
  textEncoding: 'UTF-8' | 'UTF-16le' | 'UTF-16be';
  userVersion: number;
  reservedBytes: number;
}

const MAGIC = 'SQLite format 3\0';
const HEADER_SIZE = 100;
/** A rollback journal's first 8 bytes while it holds a transaction that may need rolling back. */
const JOURNAL_MAGIC = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
const DEFAULT_NAME = 'The database file';
/** Compressed files are as random as ciphertext but say what they are: gzip, zstd, xz, bzip2, zip. */
const COMPRESSED_MAGICS = [[0x1f, 0x8b], [0x28, 0xb5, 0x2f, 0xfd], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x42, 0x5a, 0x68], [0x50, 0x4b, 0x03, 0x04]];

export function hasSqliteMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * Decodes the page size field (offset 16, big-endian u16), where 1 means 65536 because 65536 does
 * not fit in 16 bits. Returns 0 when the value is not a power of two in 512..65536.
 */
export function decodePageSize(hi: number, lo: number): number {
  const raw = (hi << 8) | lo;
  const size = raw === 1 ? 65536 : raw;
  return isValidPageSize(size) ? size : 0;
}

export function isValidPageSize(size: number): boolean {
  return size >= 512 && size <= 65536 && (size & (size - 1)) === 0;
}

/**
 * Parses and checks an SQLite database image: the whole file (or the image after `applyWal`), since
 * the size is part of the check. Throws CdbError:
 * - NOT_SQLITE: empty file, or no "SQLite format 3" magic;
 * - ENCRYPTED: no magic but the bytes look random (SQLCipher and SEE encrypt page 1 too);
 * - CORRUPT: impossible page size, or a file that is not a whole number of pages, is shorter than
 *   one page, or is shorter than the size its own header claims (SQLite reports SQLITE_CORRUPT then).
 *
 * An empty file is a valid empty SQLite database to SQLite itself, but there is nothing to show and
 * nothing to diff, so we refuse it with a clear message; `applyWal` accepts an empty image whose WAL
 * holds page 1 (a database created in WAL mode and never checkpointed), so callers check the header
 * after replaying the WAL.
 *
 * `bytes` is the image, or its first bytes with `size` the whole file's (a file read on demand:
 * fileSnapshot.ts fileOnDemand).
 */
export function parseSqliteHeader(bytes: Uint8Array, displayName = DEFAULT_NAME, size = bytes.length): SqliteHeader {
  if (size === 0) {
    throw new CdbError('NOT_SQLITE', `${displayName} is empty (0 bytes), so there is no database to open. Check the path, or set containerDb.databasePath / --path.`);
  }
  if (!hasSqliteMagic(bytes)) {
    if (looksEncrypted(bytes)) {
      throw new CdbError('ENCRYPTED', `${displayName} looks encrypted (SQLCipher?) and cannot be opened. Open it with the key in a tool that supports its cipher.`);
    }
    throw new CdbError('NOT_SQLITE', `${displayName} is not an SQLite database (its header is not 'SQLite format 3'). Check the path, or set containerDb.databasePath / --path.`);
  }
  if (size < HEADER_SIZE || bytes.length < HEADER_SIZE) {
    throw truncated(displayName, `it is only ${size} bytes long, shorter than the 100-byte header`);
  }
  const pageSize = decodePageSize(bytes[16], bytes[17]);
  if (pageSize === 0) {
    throw new CdbError('CORRUPT', `${displayName} is damaged: its header gives an impossible page size (${(bytes[16] << 8) | bytes[17]}). Pull it again; if this persists, check the file with sqlite3's PRAGMA integrity_check.`);
  }
  if (size < pageSize) {
    throw truncated(displayName, `it is ${size} bytes long, shorter than one ${pageSize}-byte page`);
  }
  if (size % pageSize !== 0) {
    throw truncated(displayName, `its ${size} bytes are not a whole number of ${pageSize}-byte pages`);
  }
  const changeCounter = u32(bytes, 24);
  const pageCount = u32(bytes, 28);
  const pageCountValid = pageCount !== 0 && changeCounter === u32(bytes, 92);
  if (pageCountValid && pageCount > size / pageSize) {
    throw truncated(displayName, `its header says ${pageCount} pages but the file holds ${size / pageSize}`);
  }
  const encoding = u32(bytes, 56);
  return {
    pageSize,
    pageCount,
    pageCountValid,
    writeVersion: bytes[18],
    readVersion: bytes[19],
    changeCounter,
    // 0 appears in a database whose schema was never written; SQLite then uses UTF-8.
    textEncoding: encoding === 2 ? 'UTF-16le' : encoding === 3 ? 'UTF-16be' : 'UTF-8',
    userVersion: u32(bytes, 60),
    reservedBytes: bytes[20],
  };
}

/** The name ARCHITECTURE.md uses for the same check. */
export const checkSqliteHeader = parseSqliteHeader;

/**
 * True when the file has no SQLite magic and reads like ciphertext: SQLCipher and SEE write whole
 * pages (so the size is a multiple of 512) and encrypt from byte 0 (SQLCipher's first 16 bytes are a
 * random salt). We measure the byte entropy of the first 1-4 KiB against what uniformly random
 * bytes of that length would give; SQLite pages, text and most binary formats fall far below it.
 */
export function looksEncrypted(bytes: Uint8Array): boolean {
  if (bytes.length < 1024 || bytes.length % 512 !== 0) return false;
  if (hasSqliteMagic(bytes) || COMPRESSED_MAGICS.some((m) => m.every((b, i) => bytes[i] === b))) return false;
  const sample = bytes.subarray(0, Math.min(bytes.length, 4096));
  const counts = new Uint32Array(256);
  for (const b of sample) counts[b]++;
  let entropy = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / sample.length;
    entropy -= p * Math.log2(p);
  }
  // A finite sample of random bytes falls short of 8 bits by about 255 / (2 n ln 2) (Miller-Madow);
  // allow three times that shortfall.
  const expectedShortfall = 255 / (2 * sample.length * Math.LN2);
  return entropy >= 8 - 3 * expectedShortfall;
}

/**
 * A rollback journal is hot (the database file may hold half a transaction) while its header starts
 * with the journal magic. Every way SQLite ends a transaction makes it cold: journal_mode DELETE
 * removes the file, TRUNCATE cuts it to 0 bytes, PERSIST zeroes the header.
 * We cannot see the writer's lock from outside the container, so "hot" here means "a transaction
 * was in flight when we copied": the caller pulls again.
 */
export function isHotJournal(journal: Uint8Array): boolean {
  if (journal.length < JOURNAL_MAGIC.length) return false;
  return JOURNAL_MAGIC.every((b, i) => journal[i] === b);
}

function truncated(displayName: string, why: string): CdbError {
  return new CdbError('CORRUPT', `${displayName} is truncated or damaged: ${why}. Pull it again; if this persists, check the file with sqlite3's PRAGMA integrity_check.`);
}

function u32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}
