/**
 * Named parameters: finding `:name`, `@name`, `$name` in SQL (never inside strings, quoted
 * identifiers or comments), turning the text a person typed into the value to bind, and the
 * date defaults "first of the current month" and "today".
 */
import { CdbError } from '../errors';
import type { SqlValue } from '../types';
import type { ParamContext, QuickParam, QuickParamType } from './quickQuery';
import { tokenize } from '../sqlite';

export interface ParamRef {
  /** Without the prefix. */
  name: string;
  prefix: ':' | '@' | '$';
  start: number;
  end: number;
}

export interface SqlParamScan {
  named: ParamRef[];
  /** Offsets of `?` / `?NNN` parameters, which cannot be given by name. */
  positional: number[];
}

export function scanParams(sql: string): SqlParamScan {
  const named: ParamRef[] = [];
  const positional: number[] = [];
  for (const t of tokenize(sql)) {
    if (t.kind !== 'param') continue;
    const prefix = sql[t.start];
    if (prefix === '?') positional.push(t.start);
    else named.push({ name: sql.slice(t.start + 1, t.end), prefix: prefix as ParamRef['prefix'], start: t.start, end: t.end });
  }
  return { named, positional };
}

/** Distinct parameter names in order of first use. */
export function paramNames(sql: string): string[] {
  return [...new Set(scanParams(sql).named.map((p) => p.name))];
}

/** The clock, in UTC: the usage tables' dates are the server's `date.today()`, and containers run in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function firstOfMonth(ctx: ParamContext): string {
  return isoDate(ctx.now).slice(0, 8) + '01';
}

export function today(ctx: ParamContext): string {
  return isoDate(ctx.now);
}

function realDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function integerValue(text: string): number | bigint {
  const n = BigInt(text);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** A typed value from text; throws USAGE naming the parameter when it does not fit the type. */
export function coerceParam(name: string, type: QuickParamType, text: string): SqlValue {
  const t = text.trim();
  switch (type) {
    case 'date':
      if (!realDate(t)) throw new CdbError('USAGE', `Parameter '${name}': '${text}' is not a date (expected YYYY-MM-DD, e.g. 2025-07-01).`);
      return t;
    case 'integer':
      if (!/^[-+]?\d+$/.test(t)) throw new CdbError('USAGE', `Parameter '${name}': '${text}' is not an integer.`);
      return integerValue(t.replace(/^\+/, ''));
    case 'text':
      return text;
  }
}

/**
 * A parameter nobody declared (ad-hoc SQL): like the sqlite3 shell's `.parameter set`, a value
 * written as a plain number binds as a number, anything else as text. "007" and "1e3" stay text,
 * so leading zeros and codes are never lost.
 */
export function inferParam(text: string): SqlValue {
  if (/^-?(0|[1-9]\d*)$/.test(text)) return integerValue(text);
  if (/^-?(0|[1-9]\d*)\.\d+$/.test(text)) return Number(text);
  return text;
}

/** `k=v` from the command line. The first '=' separates, so values may contain '='. */
export function parseAssignment(text: string): [name: string, value: string] {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim().replace(/^[:@$]/, '');
  if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new CdbError('USAGE', `--param '${text}': expected name=value (e.g. --param from=2025-07-01).`);
  }
  return [name, text.slice(eq + 1)];
}

export interface ResolvedParams {
  /** Bare names: the engine binds `x` to `:x`, `@x` and `$x`. */
  values: Record<string, SqlValue>;
  /** Which value came from where, for display ("from = 2025-07-01 (default)"). */
  sources: Record<string, 'given' | 'default'>;
}

/**
 * Values for every named parameter `sql` uses: given text first, then the declared default.
 * Throws USAGE naming every parameter that has neither, every given one the SQL does not use,
 * and positional `?` parameters (they cannot be given by name).
 */
export function resolveParams(sql: string, declared: QuickParam[], given: Record<string, string>, ctx: ParamContext): ResolvedParams {
  const scan = scanParams(sql);
  if (scan.positional.length > 0) {
    throw new CdbError('USAGE', `The SQL uses ${scan.positional.length} positional parameter(s) (?): name them instead (:name) and pass --param name=value.`);
  }
  const inSql = new Set(scan.named.map((p) => p.name));
  // Declared order first (from, to, org reads better than the SQL's order), then the SQL's.
  const used = [...new Set([...declared.map((p) => p.name).filter((n) => inSql.has(n)), ...inSql])];
  const unknown = Object.keys(given).filter((k) => !inSql.has(k));
  if (unknown.length > 0) {
    throw new CdbError('USAGE', `Unknown parameter(s) ${unknown.map((k) => `'${k}'`).join(', ')}: the SQL uses ${used.length ? used.map((k) => `:${k}`).join(', ') : 'no named parameters'}.`);
  }
  const values: Record<string, SqlValue> = {};
  const sources: Record<string, 'given' | 'default'> = {};
  const missing: string[] = [];
  for (const name of used) {
    const decl = declared.find((p) => p.name === name);
    if (name in given) {
      values[name] = decl ? coerceParam(name, decl.type, given[name]) : inferParam(given[name]);
      sources[name] = 'given';
    } else if (decl?.default !== undefined) {
      const text = typeof decl.default === 'function' ? decl.default(ctx) : decl.default;
      values[name] = coerceParam(name, decl.type, text);
      sources[name] = 'default';
    } else {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new CdbError('USAGE', `Missing value for parameter(s) ${missing.map((m) => `:${m}`).join(', ')}: pass ${missing.map((m) => `--param ${m}=…`).join(' ')}.`);
  }
  return { values, sources };
}
