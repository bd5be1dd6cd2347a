/**
 * A lexer for SQLite's SQL, just enough to tell code from text: string literals, quoted
 * identifiers, comments and parameters are single tokens, so a `;` or `:name` inside them is never
 * mistaken for a statement end or a parameter. It never fails: unterminated strings and comments
 * run to the end of the text, as SQLite would report them only when the statement is prepared.
 */

export type TokenKind =
  | 'space'
  | 'comment'
  /** '…' */
  | 'string'
  /** "…", `…`, […] */
  | 'quotedIdent'
  /** A keyword or a bare identifier. */
  | 'word'
  | 'number'
  /** ?, ?NNN, :name, @name, $name */
  | 'param'
  | 'semicolon'
  /** Any other single character (operators, parentheses, commas). */
  | 'punct';

export interface SqlToken {
  kind: TokenKind;
  start: number;
  /** Offset just past the token. */
  end: number;
}

// SQLite's identifier characters: letters, digits, '_', '$' and every code unit >= 0x80 (sqlite3IsIdChar).
function isIdChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c >= 0x80;
}

function isIdStart(c: number): boolean {
  return isIdChar(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x24;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;
}

/** Index just past the closing `quote` (a doubled quote is an escaped one), or text.length. */
function skipQuoted(sql: string, i: number, quote: string, doubledEscapes: boolean): number {
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] !== quote) continue;
    if (doubledEscapes && sql[j + 1] === quote) {
      j++;
      continue;
    }
    return j + 1;
  }
  return sql.length;
}

function skipIdChars(sql: string, i: number): number {
  while (i < sql.length && isIdChar(sql.charCodeAt(i))) i++;
  return i;
}

/** `$name` may carry TCL-style `::` parts and one `(…)` suffix (SQLite's tokenizer accepts both). */
function skipDollarParam(sql: string, i: number): number {
  for (;;) {
    i = skipIdChars(sql, i);
    if (sql[i] === ':' && sql[i + 1] === ':') {
      i += 2;
      continue;
    }
    break;
  }
  if (sql[i] === '(') {
    const close = sql.indexOf(')', i);
    if (close >= 0) return close + 1;
  }
  return i;
}

export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const start = i;
    const ch = sql[i];
    const c = sql.charCodeAt(i);
    let kind: TokenKind;
    if (isSpace(c)) {
      while (i < sql.length && isSpace(sql.charCodeAt(i))) i++;
      kind = 'space';
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      kind = 'comment';
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
      kind = 'comment';
    } else if (ch === "'") {
      i = skipQuoted(sql, i, "'", true);
      kind = 'string';
    } else if (ch === '"' || ch === '`') {
      i = skipQuoted(sql, i, ch, true);
      kind = 'quotedIdent';
    } else if (ch === '[') {
      i = skipQuoted(sql, i, ']', false);
      kind = 'quotedIdent';
    } else if (ch === ';') {
      i++;
      kind = 'semicolon';
    } else if (ch === '?') {
      i++;
      while (i < sql.length && sql.charCodeAt(i) >= 0x30 && sql.charCodeAt(i) <= 0x39) i++;
      kind = 'param';
    } else if ((ch === ':' || ch === '@') && i + 1 < sql.length && isIdChar(sql.charCodeAt(i + 1))) {
      i = skipIdChars(sql, i + 1);
      kind = 'param';
    } else if (ch === '$' && i + 1 < sql.length && isIdChar(sql.charCodeAt(i + 1))) {
      i = skipDollarParam(sql, i + 1);
      kind = 'param';
    } else if ((c >= 0x30 && c <= 0x39) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      i++;
      while (i < sql.length && (isIdChar(sql.charCodeAt(i)) || sql[i] === '.')) i++;
      kind = 'number';
    } else if (isIdStart(c)) {
      i = skipIdChars(sql, i + 1);
      kind = 'word';
    } else {
      i++;
      kind = 'punct';
    }
    tokens.push({ kind, start, end: i });
  }
  return tokens;
}

/** A word token's text in upper case, for keyword tests; '' for any other token. */
export function keyword(sql: string, t: SqlToken | undefined): string {
  return t && t.kind === 'word' ? sql.slice(t.start, t.end).toUpperCase() : '';
}

export function isTrivia(t: SqlToken): boolean {
  return t.kind === 'space' || t.kind === 'comment';
}
