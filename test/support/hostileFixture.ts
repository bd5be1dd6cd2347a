/**
 * A database whose names and values are hostile to anything that renders them: identifiers made of
 * quotes, brackets, spaces, SQL keywords, markup and unicode; cell values that are HTML, script,
 * `javascript:` URLs, markdown and template syntax; a 2,000-column table (makeHostileDb); and, in a
 * database of its own so that its pull does not hold up the rest, a 100 MB BLOB (makeBlobDb).
 *
 * Written by python3's sqlite3 module (the reference SQLite, not the code under test). Every value
 * is bound as a parameter and every identifier quoted by the same rule as SQL's: double the `"`.
 * Values have no leading/trailing whitespace and no newlines, so a test can compare what a grid
 * shows with the literal string.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';

export const HOSTILE_TABLE = 'we"ird [table] select';
/** One TEXT column per name, after an `id INTEGER PRIMARY KEY`. */
export const HOSTILE_COLUMNS: readonly string[] = [
  'it"s',
  "it's",
  '[bracketed]',
  'first name',
  'select',
  '<img src=x onerror=alert(1)>',
  '名前',
  '🦄 emoji',
  'back`tick',
  // VS Code renders $(name) as an icon in some labels: a name must still show as typed.
  '$(zap) icon',
];
/** A JSON object with markup inside: the grid marks it as JSON and the detail pane formats it. */
export const HOSTILE_JSON = '{"html":"<img src=x onerror=alert(7)>","link":"[x](javascript:alert(8))","script":"<script>alert(9)</script>"}';
/** Row i holds HOSTILE_VALUES[i] in every hostile column. */
export const HOSTILE_VALUES: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(2)">',
  'javascript:alert(3)',
  '[link](javascript:alert(4))',
  '**bold**',
  '</td></tr><tr><td>injected',
  "{{constructor.constructor('alert(5)')()}}",
  HOSTILE_JSON,
  '<svg onload=alert(11)>',
  '<iframe src="javascript:alert(12)"></iframe>',
  '&lt;not an entity&gt; &amp;',
  '${alert(13)} `x`',
];

export const SCRIPT_TABLE = '<script>alert(6)</script>';
export const SCRIPT_COLUMN = '"><svg onload=alert(14)>';
export const SCRIPT_VALUE = '<b>not bold</b>';

export const HOSTILE_VIEW = 'view "v" <b>bold</b>';
export const HOSTILE_INDEX = "idx [odd] ' <i>name</i>";
export const HOSTILE_TRIGGER = 'trg <script>alert(10)</script>';

/** SQLite's default SQLITE_MAX_COLUMN: the widest table a stock build can create. */
export const WIDE_COLUMNS = 2000;
export const WIDE_TABLE = 'wide_2000';
/** Columns c1 … c1999, then a last one whose name is markup. */
export const WIDE_LAST_COLUMN = '<b>c2000</b>';
export const WIDE_ROWS = 3;

export const BLOB_TABLE = 'big blob';
export const BLOB_BYTES = 100 * 1024 * 1024;
/** Row 1: a small BLOB whose bytes spell markup; row 2: BLOB_BYTES of zeros. */
export const SMALL_BLOB_TEXT = '<script>alert(15)</script>';

const PYTHON = String.raw`
import json, sqlite3, sys
s = json.load(sys.stdin)
q = lambda name: '"' + name.replace('"', '""') + '"'
db = sqlite3.connect(s['file'])
db.execute('PRAGMA journal_mode=DELETE')
cols = s['columns']
db.execute('CREATE TABLE %s (id INTEGER PRIMARY KEY, %s)' % (q(s['table']), ', '.join(q(c) + ' TEXT' for c in cols)))
for v in s['values']:
    db.execute('INSERT INTO %s (%s) VALUES (%s)' % (q(s['table']), ', '.join(q(c) for c in cols), ', '.join('?' for _ in cols)), [v] * len(cols))
db.execute('CREATE INDEX %s ON %s (%s)' % (q(s['index']), q(s['table']), q(cols[4])))
db.execute('CREATE VIEW %s AS SELECT id, %s, %s FROM %s' % (q(s['view']), q(cols[4]), q(cols[6]), q(s['table'])))
db.execute('CREATE TRIGGER %s AFTER INSERT ON %s BEGIN SELECT 1; END' % (q(s['trigger']), q(s['table'])))
db.execute('CREATE TABLE %s (id INTEGER PRIMARY KEY, %s TEXT)' % (q(s['scriptTable']), q(s['scriptColumn'])))
db.execute('INSERT INTO %s VALUES (1, ?)' % q(s['scriptTable']), [s['scriptValue']])
wide = ['c%d' % i for i in range(1, s['wideColumns'])] + [s['wideLast']]
db.execute('CREATE TABLE %s (%s)' % (q(s['wideTable']), ', '.join(q(c) + ' INTEGER' for c in wide)))
for r in range(s['wideRows']):
    db.execute('INSERT INTO %s VALUES (%s)' % (q(s['wideTable']), ', '.join('?' for _ in wide)), [r * 10000 + i for i in range(1, len(wide) + 1)])
db.commit()
db.close()
`;

const BLOB_PYTHON = String.raw`
import json, sqlite3, sys
s = json.load(sys.stdin)
q = lambda name: '"' + name.replace('"', '""') + '"'
db = sqlite3.connect(s['file'])
db.execute('PRAGMA journal_mode=DELETE')
db.execute('CREATE TABLE %s (id INTEGER PRIMARY KEY, label TEXT, data BLOB)' % q(s['blobTable']))
db.execute('INSERT INTO %s VALUES (1, ?, ?)' % q(s['blobTable']), ['small', s['smallBlob'].encode()])
db.execute('INSERT INTO %s VALUES (2, ?, zeroblob(?))' % q(s['blobTable']), ['huge', s['blobBytes']])
db.commit()
db.close()
`;

/** Writes the hostile database to `file` (replacing it) and returns its path. */
export function makeHostileDb(file: string): string {
  fs.rmSync(file, { force: true });
  const spec = {
    file,
    table: HOSTILE_TABLE,
    columns: HOSTILE_COLUMNS,
    values: HOSTILE_VALUES,
    index: HOSTILE_INDEX,
    view: HOSTILE_VIEW,
    trigger: HOSTILE_TRIGGER,
    scriptTable: SCRIPT_TABLE,
    scriptColumn: SCRIPT_COLUMN,
    scriptValue: SCRIPT_VALUE,
    wideTable: WIDE_TABLE,
    wideColumns: WIDE_COLUMNS,
    wideLast: WIDE_LAST_COLUMN,
    wideRows: WIDE_ROWS,
  };
  execFileSync('python3', ['-c', PYTHON], { input: JSON.stringify(spec), stdio: ['pipe', 'inherit', 'inherit'] });
  return file;
}

/** Writes a database with one table, BLOB_TABLE: a small BLOB of markup and a BLOB of `blobBytes` zeros. */
export function makeBlobDb(file: string, blobBytes = BLOB_BYTES): string {
  fs.rmSync(file, { force: true });
  const spec = { file, blobTable: BLOB_TABLE, blobBytes, smallBlob: SMALL_BLOB_TEXT };
  execFileSync('python3', ['-c', BLOB_PYTHON], { input: JSON.stringify(spec), stdio: ['pipe', 'inherit', 'inherit'] });
  return file;
}
