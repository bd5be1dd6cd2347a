/**
 * Which values are secrets, and how they are shown when they are hidden. Pure: the extension, the
 * CLI and the tests build the same `SecretPolicy` from the same pattern text.
 *
 * A column is secret when it is one of Open WebUI's known secret columns, or its name matches the
 * built-in pattern or the user's own (containerDb.secretColumnPattern, --secret-pattern), which
 * adds names and never takes any away. Inside JSON text (Open WebUI's `config.data`,
 * `user.settings` with direct connections), a property whose name ends in api_key / api_keys or
 * matches the pattern has its string and number leaves masked; the rest of the document stays
 * readable.
 *
 * The mask carries nothing of the value: not its length, not a prefix, not its type. NULL stays
 * NULL, so a person still sees which rows have a secret at all.
 */
import { CdbError } from '../errors';
import type { SideBySide, SideTotals } from '../queries';
import type { SqlValue } from '../types';

export const SECRET_MASK = '••••••••';

/**
 * The built-in pattern, always applied. Matched case-insensitively against a column name or a JSON
 * property name, anchored at the end: `total_tokens` and `token_count` are counts, not tokens.
 */
export const DEFAULT_SECRET_COLUMN_PATTERN =
  '(password|passwd|pwd|passphrase|secret|token|api_?keys?|(private|secret|provisioning|signing|encryption|master|access)_?key|key_?hash|credentials?)$';

/** Open WebUI's own secret columns (table, column): masked even when the pattern is changed. */
export const KNOWN_SECRET_COLUMNS: readonly (readonly [table: string, column: string])[] = [
  ['auth', 'password'],
  ['user', 'api_key'],
  ['oauth_session', 'token'],
  ['client_organizations', 'openrouter_api_key'],
];

/** Open WebUI's config keys ending like this hold provider keys (openai.api_keys, rag.openai_api_key, ...). */
const API_KEY_PROPERTY = /api_?keys?$/i;
/** JSON texts larger than this are not parsed (the grid's JSON sniffing stops at the same size). */
const JSON_SCAN_LIMIT = 4 * 1024 * 1024;

export interface SecretPolicy {
  /** The user's own pattern the policy was built from ('' = the built-in rules only). */
  readonly pattern: string;
  /** `table` undefined: a result column whose origin is unknown (ad-hoc SQL), judged by its name. */
  isSecretColumn(table: string | undefined, column: string): boolean;
  /** A JSON property whose value is a secret. */
  isSecretKey(key: string): boolean;
}

const fold = (s: string) => s.toLowerCase();

const BUILTIN = new RegExp(DEFAULT_SECRET_COLUMN_PATTERN, 'i');

/**
 * The policy: the built-in rules plus `pattern`, the user's own (matched case-insensitively; ''
 * adds nothing). Throws USAGE when `pattern` is not a valid regular expression; `origin` names
 * where it came from, for the message.
 */
export function secretPolicy(pattern = '', origin = 'the containerDb.secretColumnPattern setting'): SecretPolicy {
  let own: RegExp | undefined;
  if (pattern.trim() !== '') {
    try {
      own = new RegExp(pattern, 'i');
    } catch (err) {
      throw new CdbError('USAGE', `The secret column pattern is not a valid regular expression (${(err as Error).message.split('\n')[0]}): fix ${origin}.`);
    }
  }
  const known = new Set(KNOWN_SECRET_COLUMNS.map(([t, c]) => `${fold(t)}\u0000${fold(c)}`));
  const knownNames = new Set(KNOWN_SECRET_COLUMNS.map(([, c]) => fold(c)));
  const byName = (name: string) => BUILTIN.test(name) || (own ? own.test(name) : false);
  return {
    pattern,
    isSecretColumn(table, column) {
      if (table === undefined ? knownNames.has(fold(column)) : known.has(`${fold(table)}\u0000${fold(column)}`)) return true;
      return byName(column);
    },
    isSecretKey(key) {
      return API_KEY_PROPERTY.test(key) || byName(key);
    },
  };
}

/** The hidden form of a secret value: NULL stays NULL, anything else is the same mask. */
export function maskValue(v: SqlValue): SqlValue {
  return v === null || v === undefined ? null : SECRET_MASK;
}

function maskLeaves(v: unknown): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(maskLeaves);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, maskLeaves(x)]));
  return SECRET_MASK;
}

/** Masks the values under secret keys; `found` is set when one was seen. */
function maskTree(v: unknown, policy: SecretPolicy, found: { any: boolean }): unknown {
  if (Array.isArray(v)) return v.map((x) => maskTree(x, policy, found));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (policy.isSecretKey(k) && x !== null) {
      found.any = true;
      out[k] = maskLeaves(x);
    } else out[k] = maskTree(x, policy, found);
  }
  return out;
}

/**
 * JSON text (an object or array) with the values under secret keys masked, or undefined when the
 * text is not such JSON or holds no secret key. Masked text is re-serialised (compact); a text
 * without secrets is left as it is, byte for byte.
 */
export function maskJsonText(text: string, policy: SecretPolicy): string | undefined {
  if (text.length > JSON_SCAN_LIMIT) return undefined;
  const t = text.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const found = { any: false };
  const masked = maskTree(parsed, policy, found);
  return found.any ? JSON.stringify(masked) : undefined;
}

/** One value as shown when secrets are hidden: the whole value of a secret column, the secret parts of JSON text. */
export function maskCell(secretColumn: boolean, v: SqlValue, policy: SecretPolicy): SqlValue {
  if (secretColumn) return maskValue(v);
  if (typeof v === 'string') return maskJsonText(v, policy) ?? v;
  return v;
}

/** Per column: secret or not. */
export function secretColumns(policy: SecretPolicy, table: string | undefined, columns: readonly string[]): boolean[] {
  return columns.map((c) => policy.isSecretColumn(table, c));
}

/** Rows with their secrets masked (new arrays; the input is not touched). */
export function maskRows(policy: SecretPolicy, table: string | undefined, columns: readonly string[], rows: readonly SqlValue[][]): SqlValue[][] {
  const secret = secretColumns(policy, table, columns);
  return rows.map((r) => r.map((v, i) => maskCell(secret[i] ?? false, v, policy)));
}

/** A result (columns + rows) with its secrets masked; other fields are kept. */
export function maskResult<R extends { columns: string[]; rows: SqlValue[][] }>(policy: SecretPolicy, table: string | undefined, result: R): R {
  return { ...result, rows: maskRows(policy, table, result.columns, result.rows) };
}

/**
 * Two results side by side with their secrets masked. Pairing and the changed marks come from the
 * real values (a changed secret still shows as changed); a secret column's totals are dropped,
 * since a sum is derived from the values.
 */
export function maskSideBySide(cmp: SideBySide, policy: SecretPolicy): SideBySide {
  const secretA = secretColumns(policy, undefined, cmp.columnsA);
  const secretB = secretColumns(policy, undefined, cmp.columnsB);
  const one = (cols: string[], row: SqlValue[] | undefined) => (row ? maskRows(policy, undefined, cols, [row])[0] : undefined);
  const sums = (t: SideTotals, secret: boolean[]): SideTotals => ({ ...t, sums: t.sums.map((s, i) => (secret[i] ? null : s)) });
  return {
    ...cmp,
    pairs: cmp.pairs.map((p) => ({ ...p, a: one(cmp.columnsA, p.a), b: one(cmp.columnsB, p.b) })),
    totals: { a: sums(cmp.totals.a, secretA), b: sums(cmp.totals.b, secretB) },
  };
}

/** The prefix workerProtocol.toSerializedError puts before SQLite's own message. */
const SQLITE_REJECTED = 'SQLite rejected the statement: ';

/**
 * An error without the values SQLite quotes in its message. SQLite puts a value it complains about
 * in single quotes (`bad JSON path: '<the value>'`, which a query using a column as a JSON path
 * turns into a cell value); identifiers and SQL tokens come bare or in double quotes (`near "FROM"`)
 * and stay, as they are what a person needs to fix the statement. Other errors are returned as they are.
 */
export function withoutValues(err: unknown): unknown {
  if (!(err instanceof CdbError) || err.code !== 'QUERY_ERROR' || !err.message.startsWith(SQLITE_REJECTED)) return err;
  const sqlite = err.message.slice(SQLITE_REJECTED.length);
  const redacted = sqlite.replace(/'(?:[^']|'')*'/g, "'…'");
  return redacted === sqlite ? err : new CdbError(err.code, SQLITE_REJECTED + redacted);
}
