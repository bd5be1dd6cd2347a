/**
 * Quoting for SQL text we build ourselves. Names read from a database are untrusted: a table may be
 * called `we"ird`, `[br]`, `select` or anything else SQLite accepts, so every identifier we put in
 * SQL goes through quoteIdent. Values go in as bound parameters; quoteString is for the few places
 * where SQLite accepts only a literal (ATTACH's file name in some tools, generated SQL shown to people).
 */

/** `name` as an SQL identifier: wrapped in double quotes, inner double quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `text` as an SQL string literal: wrapped in single quotes, inner single quotes doubled. */
export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `"schema"."name"`; the bare quoted name when schema is empty or undefined. */
export function qualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}
