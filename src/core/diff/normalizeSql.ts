/**
 * A canonical spelling of a CREATE statement, so that two definitions compare equal when SQLite
 * would read them the same way: whitespace and comments dropped, keywords (and the common type
 * names, which SQLite also reads case-insensitively) upper-cased, identifiers unquoted when the
 * quotes change nothing ("name", [name], `name` and name are one identifier) and double-quoted
 * when they matter (`we"ird`, `sp ace`, a keyword used as a name). String literals, numbers and
 * the case of identifiers are kept: they can change what the schema means or shows.
 */

// SQLite's keyword list (https://sqlite.org/lang_keywords.html).
const KEYWORDS = new Set(
  (
    'ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN BETWEEN BY ' +
    'CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE ' +
    'CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP ' +
    'EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM ' +
    'FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD ' +
    'INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL ' +
    'NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE ' +
    'RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS ' +
    'SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE ' +
    'USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT'
  ).split(' '),
);

// Not keywords, but read case-insensitively wherever they appear in a definition.
const CASE_FREE_WORDS = new Set(
  'INTEGER INT TEXT REAL BLOB NUMERIC VARCHAR CHAR BOOLEAN BOOL DATETIME DATE FLOAT DOUBLE PRECISION BIGINT SMALLINT TINYINT JSON ROWID STRICT NOCASE RTRIM BINARY'.split(
    ' ',
  ),
);

type Token = { kind: 'word' | 'ident' | 'string' | 'number' | 'blob' | 'punct'; text: string };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  const readQuoted = (close: string, doubled: boolean): string => {
    let out = '';
    i++;
    while (i < n) {
      const c = sql[i];
      if (c === close) {
        if (doubled && sql[i + 1] === close) {
          out += close;
          i += 2;
          continue;
        }
        i++;
        return out;
      }
      out += c;
      i++;
    }
    return out;
  };
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'") {
      tokens.push({ kind: 'string', text: readQuoted("'", true) });
    } else if (c === '"' || c === '`') {
      tokens.push({ kind: 'ident', text: readQuoted(c, true) });
    } else if (c === '[') {
      tokens.push({ kind: 'ident', text: readQuoted(']', false) });
    } else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      i++;
      tokens.push({ kind: 'blob', text: readQuoted("'", false).toUpperCase() });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-f]+|(\d[\d_]*)?(\.\d*)?(e[+-]?\d+)?)/i.exec(sql.slice(i))!;
      const text = m[0] || c;
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (/[\p{L}\p{N}_$]/u.test(c) || c.charCodeAt(0) > 0x7f) {
      let j = i;
      while (j < n && (/[\p{L}\p{N}_$]/u.test(sql[j]) || sql.charCodeAt(j) > 0x7f)) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j) });
      i = j;
    } else {
      const two = sql.slice(i, i + 2);
      const op = ['<=', '>=', '!=', '<>', '==', '||', '<<', '>>', '->'].includes(two) ? (sql.slice(i, i + 3) === '->>' ? '->>' : two) : c;
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** An identifier as written canonically: bare when that reads the same, else double-quoted. */
export function canonicalIdent(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase())) {
    return CASE_FREE_WORDS.has(name.toUpperCase()) ? name.toUpperCase() : name;
  }
  return `"${name.replace(/"/g, '""')}"`;
}

function render(t: Token): string {
  switch (t.kind) {
    case 'word': {
      const upper = t.text.toUpperCase();
      return KEYWORDS.has(upper) ? upper : canonicalIdent(t.text);
    }
    case 'ident':
      return canonicalIdent(t.text);
    case 'string':
      return `'${t.text.replace(/'/g, "''")}'`;
    case 'blob':
      return `X'${t.text}'`;
    default:
      return t.text;
  }
}

/** The canonical text of one statement; a trailing semicolon is dropped. `null` stays `null`. */
export function normalizeSql(sql: string): string;
export function normalizeSql(sql: string | null): string | null;
export function normalizeSql(sql: string | null): string | null {
  if (sql === null) return null;
  const tokens = tokenize(sql);
  while (tokens.length && tokens[tokens.length - 1].text === ';' && tokens[tokens.length - 1].kind === 'punct') tokens.pop();
  let out = '';
  let prev: Token | undefined;
  for (const t of tokens) {
    const text = render(t);
    const tight =
      !prev ||
      (t.kind === 'punct' && [',', ')', '(', '.', ';'].includes(t.text)) ||
      (prev.kind === 'punct' && ['(', '.'].includes(prev.text));
    out += (tight ? '' : ' ') + text;
    prev = t;
  }
  return out;
}
