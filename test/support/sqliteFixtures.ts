/**
 * SQLite fixtures made at test time by the real thing (Python's sqlite3 module and the sqlite3
 * shell), and an independent reading of the WAL format for tests that need to craft or inspect
 * frames. Nothing here imports src/: a test that compares our code with these helpers compares it
 * with SQLite, not with itself.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One thing the writer does, in order, while its connection stays open. */
export type WalStep =
  /** One committed transaction: inserts `rows` rows, updates and deletes a few, upserts a WITHOUT ROWID table. */
  | { op: 'tx'; rows?: number }
  /** One committed transaction with a multi-page (overflow) value. */
  | { op: 'big'; bytes?: number }
  /** Deletes most rows and VACUUMs: a commit that shrinks the database. */
  | { op: 'shrink' }
  | { op: 'checkpoint'; mode: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE' }
  /** Opens a transaction big enough that SQLite spills uncommitted frames into the WAL; never commits it. */
  | { op: 'spill'; rows?: number };

export interface WalFixtureOptions {
  /** File name of the copied database; the -wal copy is `<name>-wal`. Default 'fixture.db'. */
  name?: string;
  pageSize?: number;
  /** Default: three committed transactions. */
  steps?: WalStep[];
  /** Seed for the row content. */
  seed?: number;
}

export interface WalFixture {
  dir: string;
  /** Copy of the database file taken while the writer was still open (nothing checkpointed after the steps). */
  dbPath: string;
  /** Copy of the -wal file taken at the same moment. */
  walPath: string;
  pageSize: number;
}

const WRITER = String.raw`
import json, os, random, shutil, sqlite3, sys
a = json.loads(sys.argv[1])
rnd = random.Random(a['seed'])
live = a['live']
for suffix in ('', '-wal', '-shm', '-journal'):
    if os.path.exists(live + suffix): os.remove(live + suffix)
c = sqlite3.connect(live, isolation_level=None)
c.execute('PRAGMA page_size=%d' % a['pageSize'])
assert c.execute('PRAGMA journal_mode=WAL').fetchone()[0] == 'wal'
c.execute('PRAGMA wal_autocheckpoint=0')
c.execute('CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, payload BLOB, note TEXT)')
c.execute('CREATE INDEX items_name ON items(name)')
c.execute('CREATE TABLE notes(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID')
def word():
    return ''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz \u00e9\u4e2d') for _ in range(rnd.randint(3, 40)))
def insert_rows(n):
    for _ in range(n):
        c.execute('INSERT INTO items(name, score, payload, note) VALUES(?,?,?,?)',
                  (word(), rnd.choice([None, rnd.random() * 1e6, rnd.randint(-2**62, 2**62)]),
                   rnd.choice([None, bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 64)))]),
                   rnd.choice([None, word(), "it's \"quoted\"\nwith a newline"])))
for step in a['steps']:
    op = step['op']
    if op == 'tx':
        c.execute('BEGIN')
        insert_rows(step.get('rows', 40))
        c.execute('UPDATE items SET score = coalesce(score, 0) + 1 WHERE id % 7 = 3')
        c.execute('DELETE FROM items WHERE id % 11 = 5')
        for _ in range(5):
            c.execute('INSERT OR REPLACE INTO notes VALUES(?, ?)', (word()[:5], word()))
        c.execute('COMMIT')
    elif op == 'big':
        c.execute('INSERT INTO items(name, payload) VALUES(?, ?)', ('big', bytes(rnd.getrandbits(8) for _ in range(step.get('bytes', 20000)))))
    elif op == 'shrink':
        c.execute('DELETE FROM items WHERE id % 10 != 0')
        c.execute('VACUUM')
    elif op == 'checkpoint':
        c.execute('PRAGMA wal_checkpoint(%s)' % step['mode']).fetchall()
    elif op == 'spill':
        c.execute('PRAGMA cache_size=2')
        c.execute('BEGIN')
        insert_rows(step.get('rows', 400))
    else:
        raise SystemExit('unknown step ' + op)
shutil.copyfile(live, a['db'])
if os.path.exists(live + '-wal'):
    shutil.copyfile(live + '-wal', a['wal'])
else:
    open(a['wal'], 'wb').close()
if a['steps'] and a['steps'][-1]['op'] == 'spill':
    c.execute('ROLLBACK')
c.close()
`;

/** Writes a WAL-mode database with Python's sqlite3 and copies db + -wal while the writer is open. */
export function makeWalFixture(dir: string, opts: WalFixtureOptions = {}): WalFixture {
  fs.mkdirSync(dir, { recursive: true });
  const name = opts.name ?? 'fixture.db';
  const pageSize = opts.pageSize ?? 4096;
  const dbPath = path.join(dir, name);
  const walPath = `${dbPath}-wal`;
  const args = {
    live: path.join(dir, `live-${name}`),
    db: dbPath,
    wal: walPath,
    pageSize,
    seed: opts.seed ?? 1,
    steps: opts.steps ?? [{ op: 'tx' }, { op: 'tx' }, { op: 'tx' }],
  };
  execFileSync(python(), ['-c', WRITER, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { dir, dbPath, walPath, pageSize };
}

const JOURNAL_WRITER = String.raw`
import json, os, shutil, sqlite3, sys
a = json.loads(sys.argv[1])
live = a['live']
for suffix in ('', '-journal', '-wal'):
    if os.path.exists(live + suffix): os.remove(live + suffix)
c = sqlite3.connect(live, isolation_level=None)
c.execute('PRAGMA journal_mode=%s' % a['mode'])
c.execute('CREATE TABLE t(x, pad)')
c.execute('INSERT INTO t(x) VALUES (1), (2), (3)')
if a['state'] != 'committed':
    if a['state'] == 'spilled':
        c.execute('PRAGMA cache_size=2')
    c.execute('BEGIN')
    c.execute('UPDATE t SET x = -x')
    c.execute("INSERT INTO t SELECT 100 + value, printf('%0500d', value) FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ?) SELECT value FROM s)", (a['rows'],))
shutil.copyfile(live, a['db'])
if os.path.exists(live + '-journal'):
    shutil.copyfile(live + '-journal', a['journal'])
if a['state'] != 'committed':
    c.execute('ROLLBACK')
c.close()
`;

export interface JournalFixture {
  dbPath: string;
  /** Undefined when no -journal file existed at the moment of the copy (DELETE mode after a commit). */
  journalPath?: string;
}

/**
 * A rollback-journal database (rows 1, 2, 3 in table t) copied with its -journal:
 * - 'committed': after the last transaction ended;
 * - 'open': inside a transaction that changed pages only in SQLite's cache (the journal exists but
 *   its header magic is still zeros: SQLite writes the magic when it syncs the journal, just
 *   before it first writes the database file);
 * - 'spilled': inside a transaction big enough for a 2-page cache to spill, so the database file
 *   already holds uncommitted pages and the journal is hot.
 */
export function makeJournalFixture(dir: string, mode: 'DELETE' | 'TRUNCATE' | 'PERSIST', state: 'committed' | 'open' | 'spilled'): JournalFixture {
  fs.mkdirSync(dir, { recursive: true });
  const dbPath = path.join(dir, `${mode.toLowerCase()}-${state}.db`);
  const journalPath = `${dbPath}-journal`;
  execFileSync(python(), ['-c', JOURNAL_WRITER, JSON.stringify({ live: path.join(dir, 'live-journal.db'), db: dbPath, journal: journalPath, mode, state, rows: state === 'spilled' ? 200 : 3 })], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { dbPath, journalPath: fs.existsSync(journalPath) ? journalPath : undefined };
}

/**
 * Debian's interpreter when present: a version manager's `python3` shim (pyenv) costs ~1-2 s per
 * start on a loaded machine, and every fixture starts one. CDB_PYTHON overrides.
 */
function python(): string {
  if (process.env.CDB_PYTHON) return process.env.CDB_PYTHON;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export function makeTempDir(prefix = 'cdb-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs the sqlite3 shell on `dbPath`; returns stdout. Throws with stderr on failure. */
export function sqlite3Cli(dbPath: string, sql: string, args: string[] = []): string {
  return execFileSync('sqlite3', ['-batch', '-noheader', '-list', ...args, dbPath, sql], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** sqlite3Cli's output, trimmed: one value, or lines to split. */
export function sqlite3Text(dbPath: string, sql: string): string {
  return sqlite3Cli(dbPath, sql).trim();
}

/** Table names and their columns, as the sqlite3 shell reads a (db, wal) pair. */
export interface TableShape {
  name: string;
  columns: string[];
}

/**
 * Copies db (+ wal, when given) into a private directory and lets the sqlite3 shell, which does its
 * own WAL recovery, describe every table. Then it checkpoints: `recovered` is the database file as
 * SQLite itself writes it back with the WAL's committed content (header bytes 18-19 still say WAL).
 * The originals stay untouched.
 */
export function sqlite3View(dbPath: string, walPath?: string): { tables: TableShape[]; dump: string; recovered: Buffer } {
  const dir = makeTempDir('cdb-ref-');
  try {
    const copy = path.join(dir, 'ref.db');
    fs.copyFileSync(dbPath, copy);
    if (walPath) fs.copyFileSync(walPath, `${copy}-wal`);
    // Names and types are separated by a unit separator (0x1f): table names are arbitrary text.
    const tables: TableShape[] = [];
    const shape = sqlite3Cli(copy, "SELECT m.name || char(31) || p.name FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid;");
    for (const line of shape.split('\n').filter(Boolean)) {
      const [table, column] = line.split('\x1f');
      if (tables[tables.length - 1]?.name !== table) tables.push({ name: table, columns: [] });
      tables[tables.length - 1].columns.push(column);
    }
    const marker = '-- checkpoint --';
    const out = sqlite3Cli(copy, [...canonicalDumpSql(tables), `SELECT '${marker}';`, 'PRAGMA wal_checkpoint(TRUNCATE);'].join('\n'));
    const dump = out.slice(0, out.lastIndexOf(`${marker}\n`));
    return { tables, dump, recovered: fs.readFileSync(copy) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One SELECT per table, plus the schema, each value rendered so that it prints the same in any
 * SQLite build: quote() is exact for integers, text, blobs and NULL, but its REAL format changed
 * between releases (3.40 prints 429102.08879539411, sql.js's 3.49 4.29102088795394112814e+05), so a
 * REAL prints with 15 significant digits. Byte-exact comparisons use `sqlite3View().recovered`.
 */
export function canonicalDumpSql(tables: TableShape[]): string[] {
  const out = ["SELECT '## schema';", "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || quote(sql) FROM sqlite_schema ORDER BY type, name;"];
  for (const t of tables) {
    const cols = t.columns.map((c) => renderValue(ident(c))).join(" || ',' || ");
    const order = t.columns.map((_, i) => String(i + 1)).join(', ');
    out.push(`SELECT '## ' || ${sqlString(t.name)};`);
    out.push(`SELECT ${cols} FROM (SELECT * FROM ${ident(t.name)} ORDER BY ${order});`);
  }
  return out;
}

/** Minimal view of sql.js's Database, enough to run the canonical dump without importing its types here. */
export interface SqlJsDatabaseLike {
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
}

/** Runs the same canonical dump in sql.js; the text equals sqlite3View().dump when the contents are equal. */
export function sqlJsDump(db: SqlJsDatabaseLike, tables: TableShape[]): string {
  let out = '';
  for (const stmt of canonicalDumpSql(tables)) {
    for (const result of db.exec(stmt)) for (const row of result.values) out += `${String(row[0])}\n`;
  }
  return out;
}

function renderValue(expr: string): string {
  return `CASE typeof(${expr}) WHEN 'real' THEN printf('%!.15g', ${expr}) ELSE quote(${expr}) END`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------------------------
// The WAL format read independently of src/core/sqlite/walReplay.ts, for crafting and inspecting frames.
// https://www.sqlite.org/fileformat2.html#walformat

export const WAL_HEADER_BYTES = 32;
export const WAL_FRAME_HEADER_BYTES = 24;

export interface WalFrameInfo {
  index: number;
  offset: number;
  pgno: number;
  /** Database size in pages after this commit; 0 for a frame that does not commit. */
  commit: number;
  salt1: number;
  salt2: number;
}

export function walPageSize(wal: Uint8Array): number {
  return Buffer.from(wal.buffer, wal.byteOffset, wal.length).readUInt32BE(8);
}

/** Every whole frame in the file, valid or not. */
export function walFrames(wal: Uint8Array): WalFrameInfo[] {
  const buf = Buffer.from(wal.buffer, wal.byteOffset, wal.length);
  const pageSize = buf.readUInt32BE(8);
  const frameSize = WAL_FRAME_HEADER_BYTES + pageSize;
  const out: WalFrameInfo[] = [];
  for (let i = 0, off = WAL_HEADER_BYTES; off + frameSize <= buf.length; i++, off += frameSize) {
    out.push({ index: i, offset: off, pgno: buf.readUInt32BE(off), commit: buf.readUInt32BE(off + 4), salt1: buf.readUInt32BE(off + 8), salt2: buf.readUInt32BE(off + 12) });
  }
  return out;
}

function checksumWords(buf: Buffer, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let [a, b] = s;
  for (let i = start; i < end; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    a = (a + x0 + b) % 0x100000000;
    b = (b + x1 + a) % 0x100000000;
  }
  return [a, b];
}

/**
 * Returns a copy of `wal` with the header checksum and the cumulative checksums of the first
 * `frames` frames (default: all whole frames, stopping at the first frame whose salts differ from
 * the header's) recomputed, in big-endian word order when asked (the magic is set to match).
 * Used to craft variants SQLite accepts: the big-endian layout, frames with edited fields.
 */
export function rechecksumWal(wal: Uint8Array, opts: { bigEndian?: boolean; frames?: number } = {}): Buffer {
  const buf = Buffer.from(wal);
  if (buf.length < WAL_HEADER_BYTES) return buf;
  const bigEndian = opts.bigEndian ?? (buf.readUInt32BE(0) & 1) === 1;
  buf.writeUInt32BE(bigEndian ? 0x377f0683 : 0x377f0682, 0);
  let s = checksumWords(buf, 0, 24, bigEndian, [0, 0]);
  buf.writeUInt32BE(s[0], 24);
  buf.writeUInt32BE(s[1], 28);
  const frames = walFrames(buf);
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  const pageSize = walPageSize(buf);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return buf;
  const limit = Math.min(opts.frames ?? frames.length, frames.length);
  for (let i = 0; i < limit; i++) {
    const f = frames[i];
    if (opts.frames === undefined && (f.salt1 !== salt1 || f.salt2 !== salt2)) break;
    s = checksumWords(buf, f.offset, f.offset + 8, bigEndian, s);
    s = checksumWords(buf, f.offset + WAL_FRAME_HEADER_BYTES, f.offset + WAL_FRAME_HEADER_BYTES + pageSize, bigEndian, s);
    buf.writeUInt32BE(s[0], f.offset + 16);
    buf.writeUInt32BE(s[1], f.offset + 20);
  }
  return buf;
}

/** Writes `bytes` as `<dir>/<name>` and returns the path (for feeding crafted files to sqlite3). */
export function writeFile(dir: string, name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}
