/**
 * Pairs of databases (A, B) made by Debian's sqlite3 from a seeded generator, with every kind of
 * difference the diff engine must get right: rows deleted, inserted, updated; WITHOUT ROWID and
 * composite keys; tables without a PRIMARY KEY (paired by rowid); a nullable TEXT key; NULLs;
 * the affinity traps of an untyped column (1, '1', 1.0, X'31'); REALs one bit apart; integers
 * beyond 2^53; BLOBs; unicode; identifiers that need quoting (`we"ird`, `sp ace`, `select`);
 * a NOCASE column; tables only in A and only in B; columns added, removed, retyped; indexes,
 * views and triggers added, dropped, changed or respelled; an AUTOINCREMENT table
 * (sqlite_sequence). Nothing here imports src/: the reference for every pair is `sqldiff`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

type Kind = 'intkey' | 'textkey' | 'int' | 'real' | 'text' | 'blob' | 'any';

interface Col {
  name: string;
  decl: string;
  kind: Kind;
}

interface TableSpec {
  name: string;
  cols: Col[];
  /** Declared PRIMARY KEY (table constraint), by column name; empty when the key is in a column's decl or absent. */
  pk: string[];
  /** Index of columns forming the key (for generating unique keys). */
  keyCols: number[];
  withoutRowid?: boolean;
  /** No key at all: rows are identified by an explicit rowid. */
  rowidOnly?: boolean;
}

interface Row {
  rowid: number;
  vals: string[];
}

interface Table {
  spec: TableSpec;
  rows: Row[];
}

interface Db {
  tables: Table[];
  /** CREATE INDEX / VIEW / TRIGGER statements, run after the rows. */
  objects: string[];
}

export interface DiffPair {
  a: string;
  b: string;
  seed: number;
  /** What the generator did, for messages. */
  story: string[];
}

/** mulberry32: small, seeded, good enough to spread cases. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const str = (s: string) => `'${s.replace(/'/g, "''")}'`;

const WORDS = ['alpha', 'Beta', 'ünïcødé', 'naïve café', '日本語', '🚀 rocket', "it's", 'two\nlines', '', 'Zebra', 'zebra', 'x"y', 'NULL', '1'];
const REALS = [0.1, 1 / 3, 1e-300, 123.456, 2.5, -7.25, 6.02214076e23, Math.PI];
const TRAPS = ['1', "'1'", '1.0', "X'31'", 'NULL', "'1.0'", '0x1'];

/** A REAL literal that SQLite reads as that REAL (never as an INTEGER). */
function realLit(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** The double next to x: the "differs in the last bit" case. */
function nextUp(x: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  dv.setBigUint64(0, dv.getBigUint64(0) + 1n);
  return dv.getFloat64(0);
}

function value(kind: Kind, r: () => number, nullable: boolean): string {
  if (nullable && r() < 0.1) return 'NULL';
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  switch (kind) {
    case 'int':
      return r() < 0.1 ? pick(['9007199254740993', '-9223372036854775808', '9223372036854775807']) : String(Math.floor(r() * 2000) - 1000);
    case 'real': {
      const x = r() < 0.5 ? pick(REALS) : Math.round(r() * 1e6) / 1e3 + 0.5;
      return realLit(r() < 0.2 ? nextUp(x) : x);
    }
    case 'text':
      return str(pick(WORDS) + (r() < 0.5 ? ` ${Math.floor(r() * 100)}` : ''));
    case 'blob': {
      const n = Math.floor(r() * 8);
      return `X'${Array.from({ length: n }, () => Math.floor(r() * 256).toString(16).padStart(2, '0')).join('')}'`;
    }
    case 'any':
      return r() < 0.5 ? pick(TRAPS) : value(pick(['int', 'real', 'text', 'blob'] as Kind[]), r, false);
    default:
      throw new Error(`no free value for a key kind ${kind}`);
  }
}

function templates(): TableSpec[] {
  return [
    {
      name: 'users',
      cols: [
        { name: 'id', decl: 'INTEGER PRIMARY KEY AUTOINCREMENT', kind: 'intkey' },
        { name: 'name', decl: 'TEXT', kind: 'text' },
        { name: 'score', decl: 'REAL', kind: 'real' },
        { name: 'avatar', decl: 'BLOB', kind: 'blob' },
        { name: 'misc', decl: '', kind: 'any' },
      ],
      pk: [],
      keyCols: [0],
    },
    {
      name: 'we"ird',
      cols: [
        { name: 'k1', decl: 'TEXT NOT NULL', kind: 'textkey' },
        { name: 'k2', decl: 'INTEGER NOT NULL', kind: 'intkey' },
        { name: 'v', decl: '', kind: 'any' },
        { name: 'big', decl: 'INTEGER', kind: 'int' },
      ],
      pk: ['k1', 'k2'],
      keyCols: [0, 1],
      withoutRowid: true,
    },
    {
      name: 'sp ace',
      cols: [
        { name: 'a', decl: '', kind: 'any' },
        { name: 'b', decl: 'TEXT', kind: 'text' },
        { name: 'c', decl: 'REAL', kind: 'real' },
      ],
      pk: [],
      keyCols: [],
      rowidOnly: true,
    },
    {
      name: 'select',
      cols: [
        { name: 'from', decl: 'INTEGER PRIMARY KEY', kind: 'intkey' },
        { name: 'order', decl: 'TEXT COLLATE NOCASE', kind: 'text' },
        { name: 'group', decl: 'NUMERIC', kind: 'any' },
      ],
      pk: [],
      keyCols: [0],
    },
    {
      name: 'codes',
      cols: [
        { name: 'code', decl: 'TEXT PRIMARY KEY', kind: 'textkey' },
        { name: 'label', decl: '', kind: 'text' },
        { name: 'amount', decl: 'REAL', kind: 'real' },
      ],
      pk: [],
      keyCols: [0],
    },
    {
      name: 'Ünïcødé',
      cols: [
        { name: 'ключ', decl: 'INTEGER PRIMARY KEY', kind: 'intkey' },
        { name: 'значение', decl: 'TEXT', kind: 'text' },
      ],
      pk: [],
      keyCols: [0],
    },
  ];
}

function createSql(spec: TableSpec): string {
  const cols = spec.cols.map((c) => `${q(c.name)}${c.decl ? ' ' + c.decl : ''}`);
  if (spec.pk.length) cols.push(`PRIMARY KEY(${spec.pk.map(q).join(', ')})`);
  return `CREATE TABLE ${q(spec.name)}(${cols.join(', ')})${spec.withoutRowid ? ' WITHOUT ROWID' : ''};`;
}

function insertSql(t: Table): string[] {
  return t.rows.map((row) =>
    t.spec.rowidOnly
      ? `INSERT INTO ${q(t.spec.name)}(rowid, ${t.spec.cols.map((c) => q(c.name)).join(', ')}) VALUES(${row.rowid}, ${row.vals.join(', ')});`
      : `INSERT INTO ${q(t.spec.name)}(${t.spec.cols.map((c) => q(c.name)).join(', ')}) VALUES(${row.vals.join(', ')});`,
  );
}

class KeyMaker {
  private n = 0;
  constructor(private readonly r: () => number) {}
  key(kind: Kind): string {
    this.n += 1 + Math.floor(this.r() * 3);
    return kind === 'intkey' ? String(this.n) : str(`${WORDS[this.n % WORDS.length]}#${this.n}`);
  }
}

function makeRow(spec: TableSpec, keys: KeyMaker, r: () => number, rowid: number): Row {
  return {
    rowid,
    vals: spec.cols.map((c, i) => (spec.keyCols.includes(i) ? keys.key(c.kind) : value(c.kind, r, !c.decl.includes('NOT NULL')))),
  };
}

function mutateRows(t: Table, keys: KeyMaker, r: () => number, story: string[]): Table {
  const spec = t.spec;
  let rows = t.rows.map((row) => ({ rowid: row.rowid, vals: [...row.vals] }));
  const before = rows.length;
  rows = rows.filter(() => r() > 0.12);
  let updates = 0;
  for (const row of rows) {
    if (r() > 0.25) continue;
    const free = spec.cols.map((_, i) => i).filter((i) => !spec.keyCols.includes(i));
    const i = free[Math.floor(r() * free.length)];
    if (i === undefined) continue;
    const c = spec.cols[i];
    const old = row.vals[i];
    if (c.kind === 'real' && old !== 'NULL' && r() < 0.4) row.vals[i] = realLit(nextUp(Number(old)));
    else if (c.kind === 'text' && old !== 'NULL' && r() < 0.3) row.vals[i] = old === old.toUpperCase() ? old.toLowerCase() : old.toUpperCase();
    else row.vals[i] = value(c.kind, r, !c.decl.includes('NOT NULL'));
    updates++;
  }
  let maxRowid = Math.max(0, ...t.rows.map((x) => x.rowid));
  const inserts = Math.floor(r() * 4);
  for (let k = 0; k < inserts; k++) rows.push(makeRow(spec, keys, r, ++maxRowid));
  story.push(`${spec.name}: ~${before - rows.length + inserts} deleted, ~${updates} updated, ${inserts} inserted`);
  return { spec, rows };
}

function render(db: Db): string {
  const lines = ['PRAGMA foreign_keys=OFF;', 'BEGIN;'];
  for (const t of db.tables) lines.push(createSql(t.spec), ...insertSql(t));
  lines.push(...db.objects, 'COMMIT;');
  return lines.join('\n') + '\n';
}

/** Builds the pair for `seed` in `dir` (A = `pair-<seed>-a.db`, B = `pair-<seed>-b.db`). */
export function makeDiffPair(dir: string, seed: number): DiffPair {
  const r = rng(seed);
  const story: string[] = [];
  const keys = new KeyMaker(r);
  const a: Db = { tables: [], objects: [] };
  for (const spec of templates()) {
    if (spec.name !== 'users' && r() < 0.15) continue;
    const n = 5 + Math.floor(r() * 30);
    a.tables.push({ spec, rows: Array.from({ length: n }, (_, i) => makeRow(spec, keys, r, i + 1 + Math.floor(r() * 2))) });
  }
  // rowids must be unique; the +random above may collide, so renumber.
  for (const t of a.tables) t.rows.forEach((row, i) => (row.rowid = 2 * i + 1));
  a.objects.push('CREATE TABLE "log"(msg TEXT);');
  a.objects.push(`CREATE INDEX idx_users_name ON users(name);`);
  a.objects.push(`CREATE VIEW v_users AS SELECT id, name FROM users WHERE score > 1;`);
  a.objects.push(`CREATE TRIGGER trg_users_upd AFTER UPDATE ON users BEGIN INSERT INTO log(msg) VALUES('users updated'); END;`);
  a.objects.push(`CREATE TRIGGER trg_users_del AFTER DELETE ON users BEGIN INSERT INTO log(msg) VALUES('users deleted'); END;`);

  const b: Db = { tables: [], objects: [] };
  const present = a.tables.map((t) => t.spec.name);
  const dropOne = r() < 0.4 ? present.filter((n) => n !== 'users')[Math.floor(r() * (present.length - 1))] : undefined;
  const reshape = r() < 0.6 ? present.filter((n) => n !== 'users' && n !== dropOne)[Math.floor(r() * (present.length - 2))] : undefined;
  const how = ['add-column', 'remove-column', 'retype-column'][Math.floor(r() * 3)];
  for (const t of a.tables) {
    if (t.spec.name === dropOne) {
      story.push(`${t.spec.name}: only in A`);
      continue;
    }
    let next = r() < 0.15 ? { spec: t.spec, rows: t.rows } : mutateRows(t, keys, r, story);
    if (t.spec.name === reshape) {
      const spec = { ...t.spec, cols: [...t.spec.cols] };
      if (how === 'add-column') {
        spec.cols.push({ name: 'added', decl: 'TEXT', kind: 'text' });
        next = { spec, rows: next.rows.map((row) => ({ rowid: row.rowid, vals: [...row.vals, value('text', r, true)] })) };
      } else if (how === 'remove-column') {
        spec.cols.pop();
        next = { spec, rows: next.rows.map((row) => ({ rowid: row.rowid, vals: row.vals.slice(0, -1) })) };
      } else {
        const last = spec.cols.length - 1;
        spec.cols[last] = { ...spec.cols[last], decl: spec.cols[last].decl === 'TEXT' ? 'BLOB' : 'TEXT' };
      }
      story.push(`${t.spec.name}: ${how}`);
    }
    b.tables.push(next);
  }
  if (r() < 0.5) {
    const spec: TableSpec = { name: 'only_b', cols: [{ name: 'x', decl: 'INTEGER PRIMARY KEY', kind: 'intkey' }, { name: 'y', decl: '', kind: 'any' }], pk: [], keyCols: [0] };
    b.tables.push({ spec, rows: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => makeRow(spec, keys, r, i + 1)) });
    story.push('only_b: only in B');
  }
  if (r() < 0.5) {
    const spec: TableSpec = { name: 'only_a', cols: [{ name: 'z', decl: '', kind: 'any' }], pk: [], keyCols: [], rowidOnly: true };
    a.tables.push({ spec, rows: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => makeRow(spec, keys, r, i + 1)) });
    story.push('only_a: only in A');
  }
  b.objects.push('CREATE TABLE "log"(msg TEXT);');
  // Same index, or a changed one, or none; a view respelled (same after normalisation) or changed; triggers kept, dropped, added.
  const ix = r();
  if (ix < 0.5) b.objects.push(`CREATE INDEX idx_users_name ON users(name);`);
  else if (ix < 0.75) b.objects.push(`CREATE INDEX idx_users_name ON users(name, score);`);
  if (r() < 0.3) b.objects.push(`CREATE UNIQUE INDEX "idx we""ird" ON users(id, name);`);
  const vw = r();
  if (vw < 0.4) b.objects.push(`CREATE VIEW v_users AS SELECT id, name FROM users WHERE score > 1;`);
  else if (vw < 0.7) b.objects.push(`create   view "v_users" as\n  select [id],\n "name" from "users" where score>1;`);
  else b.objects.push(`CREATE VIEW v_users AS SELECT id, name, score FROM users;`);
  b.objects.push(`CREATE TRIGGER trg_users_upd AFTER UPDATE ON users BEGIN INSERT INTO log(msg) VALUES('users updated'); END;`);
  if (r() < 0.5) b.objects.push(`CREATE TRIGGER trg_users_del AFTER DELETE ON users BEGIN INSERT INTO log(msg) VALUES('users deleted'); END;`);
  if (r() < 0.3) b.objects.push(`CREATE TRIGGER trg_users_ins AFTER INSERT ON users BEGIN INSERT INTO log(msg) VALUES('users inserted'); END;`);

  const aPath = path.join(dir, `pair-${seed}-a.db`);
  const bPath = path.join(dir, `pair-${seed}-b.db`);
  for (const [file, db] of [
    [aPath, a],
    [bPath, b],
  ] as const) {
    fs.rmSync(file, { force: true });
    execFileSync('sqlite3', [file], { input: render(db) });
  }
  return { a: aPath, b: bPath, seed, story };
}

/** One line of `sqldiff --summary`, parsed. */
export type SqldiffLine =
  | { table: string; kind: 'counts'; updated: number; inserted: number; deleted: number; unchanged: number }
  | { table: string; kind: 'only-in-a' | 'only-in-b' | 'incompatible' };

export function sqldiffSummary(a: string, b: string, extra: string[] = ['--primarykey']): SqldiffLine[] {
  const out = execFileSync('sqldiff', [...extra, '--summary', a, b], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line): SqldiffLine => {
      const at = line.lastIndexOf(': ');
      const table = line.slice(0, at);
      const rest = line.slice(at + 2);
      const m = /^(\d+) changes, (\d+) inserts, (\d+) deletes, (\d+) unchanged$/.exec(rest);
      if (m) return { table, kind: 'counts', updated: +m[1], inserted: +m[2], deleted: +m[3], unchanged: +m[4] };
      if (rest === 'missing from second database') return { table, kind: 'only-in-a' };
      if (rest === 'missing from first database') return { table, kind: 'only-in-b' };
      if (rest === 'incompatible schema') return { table, kind: 'incompatible' };
      throw new Error(`unexpected sqldiff line: ${line}`);
    });
}

/** `sqldiff --primarykey A B`: the SQL it would print ('' when it sees no difference). */
export function sqldiffSql(a: string, b: string): string {
  return execFileSync('sqldiff', ['--primarykey', a, b], { encoding: 'utf8' });
}

/** Applies `sql` to a copy of `a` with sqlite3; returns the copy's path. */
export function applyToCopy(a: string, sql: string, copy: string): string {
  fs.copyFileSync(a, copy);
  execFileSync('sqlite3', ['-bail', copy], { input: sql });
  return copy;
}
