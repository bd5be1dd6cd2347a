/**
 * What a quick query is, and the validation of the ones users write in the setting
 * `containerDb.queries`. A bad entry is reported with its index and the field at fault; it is not
 * silently dropped, and the good entries still load.
 */
import type { SchemaInfo } from '../types';

export type QuickParamType = 'date' | 'text' | 'integer';

/** What a default may depend on: the clock (injected, so tests fix "today"). */
export interface ParamContext {
  now: Date;
}

export interface QuickParam {
  /** Bare name: `from` binds `:from`, `@from` and `$from`. */
  name: string;
  label: string;
  type: QuickParamType;
  /** Omitted: the parameter must be given. A function is evaluated when the query runs. */
  default?: string | ((ctx: ParamContext) => string);
  /** Shown next to the input, e.g. what an empty value means. */
  hint?: string;
}

export interface QuickQuery {
  id: string;
  title: string;
  description: string;
  /** Tables that must exist (case-insensitive) for the query to be offered. */
  requires: string[];
  params: QuickParam[];
  /** Static SQL, or SQL built from the schema (identifiers quoted), e.g. one count(*) per table. */
  sql: string | ((schema: SchemaInfo) => string);
  /**
   * Checked before the query runs: when `sql` returns no row, `message` is reported with the
   * (then empty) result, e.g. "no active organization" rather than a silent empty table.
   */
  precondition?: { sql: string; message: string };
  source: 'builtin' | 'user';
}

/** The setting's name, for messages. */
export const userQueriesSetting = 'containerDb.queries';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES: QuickParamType[] = ['date', 'text', 'integer'];

export interface UserQueriesResult {
  queries: QuickQuery[];
  /** One line per problem, e.g. "containerDb.queries[2]: 'sql' is missing." */
  problems: string[];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function nonEmptyString(entry: Record<string, unknown>, key: string, where: string, problems: string[], required: boolean): string | undefined {
  const v = entry[key];
  if (v === undefined) {
    if (required) problems.push(`${where}: '${key}' is missing.`);
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(`${where}: '${key}' must be a non-empty string (found ${describe(v)}).`);
    return undefined;
  }
  return v;
}

function validateParam(raw: unknown, where: string, problems: string[]): QuickParam | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${where}: expected an object {"name", "type"?, "default"?, "label"?} (found ${describe(raw)}).`);
    return undefined;
  }
  const p = raw as Record<string, unknown>;
  const before = problems.length;
  let name = nonEmptyString(p, 'name', where, problems, true);
  if (name !== undefined) {
    name = name.replace(/^[:@$]/, '');
    if (!NAME.test(name)) problems.push(`${where}: 'name' ${JSON.stringify(name)} is not a parameter name (letters, digits, _; e.g. "from").`);
  }
  const type = p.type ?? 'text';
  if (!TYPES.includes(type as QuickParamType)) problems.push(`${where}: 'type' must be one of ${TYPES.join(', ')} (found ${describe(type)}).`);
  let def: string | undefined;
  if (p.default !== undefined) {
    if (typeof p.default === 'string') def = p.default;
    else if (typeof p.default === 'number' && Number.isFinite(p.default)) def = String(p.default);
    else problems.push(`${where}: 'default' must be a string or a number (found ${describe(p.default)}).`);
  }
  const label = p.label === undefined ? name : nonEmptyString(p, 'label', where, problems, false);
  for (const key of Object.keys(p)) {
    if (!['name', 'type', 'default', 'label', 'hint'].includes(key)) problems.push(`${where}: unknown field '${key}'.`);
  }
  if (problems.length > before || name === undefined) return undefined;
  return { name, label: label ?? name, type: type as QuickParamType, default: def, hint: typeof p.hint === 'string' ? p.hint : undefined };
}

/**
 * Validates the setting's value: an array of {id, title, sql, params?, description?, requires?}.
 * `takenIds` are the built-in ids a user entry may not reuse.
 */
export function validateUserQueries(value: unknown, takenIds: Iterable<string> = []): UserQueriesResult {
  const problems: string[] = [];
  const queries: QuickQuery[] = [];
  if (value === undefined || value === null) return { queries, problems };
  if (!Array.isArray(value)) {
    return { queries, problems: [`${userQueriesSetting}: expected an array of queries (found ${describe(value)}).`] };
  }
  const seen = new Set(takenIds);
  value.forEach((raw, i) => {
    const where = `${userQueriesSetting}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${where}: expected an object {"id", "title", "sql"} (found ${describe(raw)}).`);
      return;
    }
    const entry = raw as Record<string, unknown>;
    const before = problems.length;
    const id = nonEmptyString(entry, 'id', where, problems, true);
    if (id !== undefined) {
      if (!ID.test(id)) problems.push(`${where}: 'id' ${JSON.stringify(id)} may hold only letters, digits, '_', '.', '-'.`);
      else if (seen.has(id)) problems.push(`${where}: 'id' ${JSON.stringify(id)} is already used by another query.`);
    }
    const title = nonEmptyString(entry, 'title', where, problems, true);
    const sql = nonEmptyString(entry, 'sql', where, problems, true);
    const description = nonEmptyString(entry, 'description', where, problems, false) ?? '';
    const params: QuickParam[] = [];
    if (entry.params !== undefined) {
      if (!Array.isArray(entry.params)) problems.push(`${where}: 'params' must be an array (found ${describe(entry.params)}).`);
      else entry.params.forEach((p, j) => {
        const param = validateParam(p, `${where}.params[${j}]`, problems);
        if (param && params.some((q) => q.name === param.name)) problems.push(`${where}.params[${j}]: parameter '${param.name}' is declared twice.`);
        else if (param) params.push(param);
      });
    }
    const requires: string[] = [];
    if (entry.requires !== undefined) {
      if (!Array.isArray(entry.requires) || entry.requires.some((t) => typeof t !== 'string' || t === '')) {
        problems.push(`${where}: 'requires' must be an array of table names.`);
      } else requires.push(...(entry.requires as string[]));
    }
    for (const key of Object.keys(entry)) {
      if (!['id', 'title', 'sql', 'params', 'description', 'requires'].includes(key)) problems.push(`${where}: unknown field '${key}'.`);
    }
    if (problems.length > before || !id || !title || !sql) return;
    seen.add(id);
    queries.push({ id, title, description, requires, params, sql, source: 'user' });
  });
  return { queries, problems };
}

/** Lower-cased names of the tables and views a schema has. */
export function tableNames(schema: SchemaInfo): Set<string> {
  return new Set([...schema.tables, ...schema.views].map((t) => t.name.toLowerCase()));
}

/** The tables `query` needs that `names` (from tableNames) lacks; empty when it can run. */
export function missingTables(query: Pick<QuickQuery, 'requires'>, names: Set<string>): string[] {
  return query.requires.filter((t) => !names.has(t.toLowerCase()));
}
