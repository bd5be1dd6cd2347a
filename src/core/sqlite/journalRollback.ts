/**
 * Hot rollback journal: https://www.sqlite.org/fileformat2.html#the_rollback_journal ; the steps
 * follow pager_playback(), readJournalHdr() and pager_playback_one_page() in SQLite's pager.c.
 */
import { DEFAULT_MAX_BYTES, allocateShared } from '../bytes';

const JOURNAL_MAGIC = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
/** Page holding the lock byte at 0x40000000; a record naming it ends playback (it marks a super-journal name). */
const PENDING_BYTE = 0x40000000;

/**
 * Write a hot journal's original pages back over a copy of the database, as SQLite does when it
 * finds the journal on open: truncate (or zero-extend) to the size the database had when the
 * transaction began, then restore every page record whose checksum holds, segment by segment,
 * stopping where SQLite stops (bad magic, short record, zero page number, bad checksum).
 * Returns null when SQLite would not roll back (journal names a super-journal whose fate we
 * cannot see, empty database, unusable header): the caller then treats the copy as mid-write.
 */
export function rollbackJournal(db: Uint8Array, journal: Uint8Array, maxBytes = DEFAULT_MAX_BYTES): { db: Uint8Array; pagesRestored: number } | null {
  // SQLite does not treat a journal as hot when the database is empty.
  if (db.length === 0 || !magicAt(journal, 0) || namesSuperJournal(journal)) return null;
  const sectorSize = u32(journal, 20);
  const pageSize = u32(journal, 24);
  const pow2 = (n: number, lo: number) => n >= lo && n <= 65536 && (n & (n - 1)) === 0;
  if (!pow2(pageSize, 512) || !pow2(sectorSize, 32) || sectorSize > journal.length) return null;

  const originalPages = u32(journal, 16);
  if (originalPages * pageSize > maxBytes) return null;
  const image = resized(db, originalPages * pageSize);
  const recordSize = pageSize + 8;
  const lastPage = Math.floor(PENDING_BYTE / pageSize) + 1;
  let pagesRestored = 0;
  let hdr = 0;
  playback: while (hdr + sectorSize <= journal.length && magicAt(journal, hdr)) {
    let nRec = u32(journal, hdr + 8);
    const cksumInit = u32(journal, hdr + 12);
    let off = hdr + sectorSize;
    // 0xffffffff: written without syncs; every whole record to the end of the file counts.
    if (nRec === 0xffffffff) nRec = Math.floor((journal.length - off) / recordSize);
    for (let i = 0; i < nRec; i++, off += recordSize) {
      if (off + recordSize > journal.length) break playback;
      const pgno = u32(journal, off);
      if (pgno === 0 || pgno === lastPage) break playback;
      const page = journal.subarray(off + 4, off + 4 + pageSize);
      if (journalChecksum(page, cksumInit) !== u32(journal, off + 4 + pageSize)) break playback;
      // Pages past the original end were added by the transaction and are cut off by the truncate.
      if (pgno > originalPages) continue;
      image.set(page, (pgno - 1) * pageSize);
      pagesRestored++;
    }
    // The next segment's header starts at the next sector boundary.
    hdr = Math.ceil(off / sectorSize) * sectorSize;
  }
  return { db: image, pagesRestored };
}

/** pager_cksum(): the nonce plus every 200th byte of the page, counting down from pageSize-200. */
function journalChecksum(page: Uint8Array, init: number): number {
  let sum = init;
  for (let i = page.length - 200; i > 0; i -= 200) sum = (sum + page[i]) >>> 0;
  return sum;
}

/** A multi-database transaction ends its journal with the super-journal's name, length, checksum and the magic. */
function namesSuperJournal(journal: Uint8Array): boolean {
  return journal.length >= 16 && magicAt(journal, journal.length - 8) && u32(journal, journal.length - 16) > 0;
}

function magicAt(bytes: Uint8Array, off: number): boolean {
  return off + 8 <= bytes.length && JOURNAL_MAGIC.every((b, i) => bytes[off + i] === b);
}

function resized(db: Uint8Array, size: number): Uint8Array {
  if (size <= db.length) return db.subarray(0, size);
  const grown = allocateShared(size);
  grown.set(db);
  return grown;
}

function u32(bytes: Uint8Array, off: number): number {
  return ((bytes[off] << 24) | (bytes[off + 1] << 16) | (bytes[off + 2] << 8) | bytes[off + 3]) >>> 0;
}

