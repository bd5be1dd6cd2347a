/**
 * Which statements would change the database, decided from the SQL text so that the refusal names
 * the statement before anything runs. It is a courtesy, not the safety: the engine opens every
 * snapshot with PRAGMA query_only and read-only bytes, so a statement this misses still cannot write.
 */
import { CdbError } from '../errors';
import { splitStatements, type StatementSpan } from '../sqlite';
import { isTrivia, keyword, tokenize } from '../sqlite';

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'UPSERT', 'CREATE', 'DROP', 'ALTER', 'VACUUM', 'REINDEX', 'ANALYZE', 'ATTACH', 'DETACH']);

export interface StatementKind {
  /** The first keyword, upper case ('SELECT', 'WITH', 'PRAGMA', …); '' when the text starts otherwise. */
  verb: string;
  writes: boolean;
  /** Why it writes, for the message: 'INSERT', 'PRAGMA assignment', 'WITH … DELETE'. */
  reason?: string;
}

/** Classifies one statement (as splitStatements returns it). */
export function classifyStatement(text: string): StatementKind {
  const tokens = tokenize(text).filter((t) => !isTrivia(t));
  const verb = keyword(text, tokens[0]);
  if (verb === 'EXPLAIN') return { verb, writes: false };
  if (WRITES.has(verb)) return { verb, writes: true, reason: verb };
  if (verb === 'PRAGMA') {
    // `PRAGMA name = value` and `PRAGMA name(value)` set; `PRAGMA table_info(t)` reads, but the
    // argument form is ambiguous, so only the `=` form is refused here (query_only stops the rest).
    const assigns = tokens.some((t) => t.kind === 'punct' && text[t.start] === '=');
    return assigns ? { verb, writes: true, reason: 'PRAGMA assignment' } : { verb, writes: false };
  }
  if (verb === 'WITH') {
    // The statement after the CTEs is the first DML keyword at parenthesis depth 0.
    let depth = 0;
    for (const t of tokens) {
      if (t.kind === 'punct' && text[t.start] === '(') depth++;
      else if (t.kind === 'punct' && text[t.start] === ')') depth--;
      else if (depth === 0) {
        const k = keyword(text, t);
        if (k === 'SELECT' || k === 'VALUES') return { verb, writes: false };
        if (k === 'INSERT' || k === 'UPDATE' || k === 'DELETE' || k === 'REPLACE') return { verb, writes: true, reason: `WITH … ${k}` };
      }
    }
  }
  return { verb, writes: false };
}

/** The first statement of `sql` that would write, with its position, or undefined. */
export function firstWritingStatement(sql: string): { span: StatementSpan; kind: StatementKind } | undefined {
  for (const span of splitStatements(sql)) {
    const kind = classifyStatement(span.text);
    if (kind.writes) return { span, kind };
  }
  return undefined;
}

/** Throws READ_ONLY naming the statement when `sql` would write. */
export function assertReadOnly(sql: string): void {
  const found = firstWritingStatement(sql);
  if (!found) return;
  const count = splitStatements(sql).length;
  const which = count > 1 ? `Statement ${found.span.index + 1} (${found.kind.reason})` : `This ${found.kind.reason} statement`;
  throw new CdbError('READ_ONLY', `${which} would change the database; queries here are read-only and never modify the container's or the host's file. Nothing was run.`);
}
