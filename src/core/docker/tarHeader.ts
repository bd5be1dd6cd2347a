/**
 * The 512-byte records of a tar stream, decoded: names (ustar prefix, pax, GNU long names), type
 * flags, numbers (octal or GNU base-256), checksums. Pure functions over untrusted bytes, used by
 * the streaming reader (tarReader.ts). Formats: POSIX ustar and pax (IEEE 1003.1-2001), GNU tar's
 * extensions (GNU tar manual, "Basic Tar Format").
 */
import { CdbError } from '../errors';

export const BLOCK = 512;

export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  size: number;
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkName: string;
}

/** What pax or GNU long-name records say about the entry that follows them. */
export interface PendingOverrides {
  path?: string;
  linkPath?: string;
  size?: number;
  sparse?: boolean;
}

export function entryType(typeflag: string): TarEntry['type'] {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file to every reader
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

/** ustar splits long names into prefix (345..500) + name; GNU's "ustar  " header uses those bytes for other fields. */
export function headerName(h: Uint8Array): string {
  const name = cString(h, 0, 100);
  const posix = h[257] === 0x75 && h[258] === 0x73 && h[259] === 0x74 && h[260] === 0x61 && h[261] === 0x72 && h[262] === 0;
  const prefix = posix ? cString(h, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Entry names are untrusted: refuse anything that could point outside the archive's root. */
export function normalizeName(raw: string): string {
  if (raw === '') throw invalid('The archive from the engine is malformed (an entry has no name). Try again.');
  if (raw.startsWith('/') || raw.includes('\0')) throw invalid(`The archive from the engine names an absolute path (${JSON.stringify(raw.slice(0, 200))}); refusing it.`);
  const segments = raw.split('/');
  if (segments.includes('..')) throw invalid(`The archive from the engine names a path with '..' (${JSON.stringify(raw.slice(0, 200))}); refusing it.`);
  const kept = segments.filter((s) => s !== '' && s !== '.');
  return kept.length ? kept.join('/') : '.';
}

/** pax records: "<length> <key>=<value>\n", length counting the whole record in bytes. */
export function parsePax(buf: Uint8Array): PendingOverrides {
  const out: PendingOverrides = {};
  const bad = () => invalid('The archive from the engine is malformed (a pax extended header cannot be read). Try again.');
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break; // some writers pad the record block with NULs
    let sp = pos;
    let length = 0;
    while (sp < buf.length && buf[sp] !== 0x20) {
      const d = buf[sp] - 0x30;
      if (d < 0 || d > 9 || sp - pos > 7) throw bad();
      length = length * 10 + d;
      sp++;
    }
    const end = pos + length;
    if (sp === pos || sp >= buf.length || end > buf.length || end <= sp + 1 || buf[end - 1] !== 0x0a) throw bad();
    const record = buf.subarray(sp + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw bad();
    const key = utf8(record.subarray(0, eq));
    const value = utf8(record.subarray(eq + 1));
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkPath = value;
    else if (key === 'size') {
      if (!/^[0-9]{1,30}$/.test(value)) throw bad();
      out.size = Number(value);
    } else if (key.startsWith('GNU.sparse.')) out.sparse = true;
    pos = end;
  }
  return out;
}

/**
 * The header checksum is the sum of its 512 bytes with the checksum field read as spaces. Some
 * historic tars summed signed chars; accept either, as GNU tar does.
 */
export function checksumMatches(h: Uint8Array): boolean {
  const stored = readOctal(h, 148, 8);
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** A numeric field: octal text, or GNU's base-256 (high bit of the first byte set). Undefined when malformed or negative. */
export function readNumber(h: Uint8Array, offset: number, length: number): number | undefined {
  const first = h[offset];
  if (first & 0x80) {
    if (first === 0xff) return undefined; // negative
    let value = first & 0x7f;
    // Beyond 2^53 the value loses precision but stays huge, which is all a size check needs.
    for (let i = 1; i < length; i++) value = value * 256 + h[offset + i];
    return value;
  }
  return readOctal(h, offset, length);
}

export function readOctal(h: Uint8Array, offset: number, length: number): number | undefined {
  let i = offset;
  const end = offset + length;
  while (i < end && h[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = h[i];
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return undefined;
    value = value * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (h[i] !== 0 && h[i] !== 0x20) return undefined;
  return digits === 0 ? 0 : value;
}

export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

export function cString(bytes: Uint8Array, offset: number, length: number): string {
  const field = bytes.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return utf8(nul === -1 ? field : field.subarray(0, nul));
}

const decoder = new TextDecoder('utf-8');
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function invalid(message: string): CdbError {
  return new CdbError('ARCHIVE_INVALID', message);
}
