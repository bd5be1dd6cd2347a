/**
 * Statements in a script, as SQLite would split them: a `;` ends a statement only outside string
 * literals, quoted identifiers and comments, and not inside the BEGIN … END body of a CREATE
 * TRIGGER (whose statements end with their own `;`). The console runs "the statement under the
 * cursor" with statementAt.
 */
import { isTrivia, keyword, tokenize, type SqlToken } from './sqlTokens';

export interface StatementSpan {
  /** 0-based position in the script. */
  index: number;
  /** Offset of the statement's first token (leading whitespace and comments are not part of it). */
  start: number;
  /** Offset just past its last token, the terminating `;` excluded. */
  end: number;
  /** Offset of the terminating `;`, or -1 for a last statement without one. */
  terminator: number;
  /** sql.slice(start, end) */
  text: string;
}

/** Tracks CREATE [TEMP] TRIGGER … BEGIN … END, where `;` does not end the statement. */
class TriggerState {
  private words: string[] = [];
  private inBody = false;
  /** CASE … END nesting inside the body: its END is not the body's. */
  private caseDepth = 0;

  get holdsSemicolons(): boolean {
    return this.inBody;
  }

  word(w: string): void {
    if (this.words.length < 3) this.words.push(w);
    if (!this.isTrigger()) return;
    if (!this.inBody) {
      if (w === 'BEGIN') this.inBody = true;
    } else if (w === 'CASE') {
      this.caseDepth++;
    } else if (w === 'END') {
      if (this.caseDepth > 0) this.caseDepth--;
      else this.inBody = false;
    }
  }

  private isTrigger(): boolean {
    const [a, b, c] = this.words;
    return a === 'CREATE' && (b === 'TRIGGER' || ((b === 'TEMP' || b === 'TEMPORARY') && c === 'TRIGGER'));
  }
}

export function splitStatements(sql: string): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let first: SqlToken | undefined;
  let last: SqlToken | undefined;
  let trigger = new TriggerState();
  const close = (terminator: number) => {
    if (first && last) {
      spans.push({ index: spans.length, start: first.start, end: last.end, terminator, text: sql.slice(first.start, last.end) });
    }
    first = last = undefined;
    trigger = new TriggerState();
  };
  for (const t of tokenize(sql)) {
    if (isTrivia(t)) continue;
    if (t.kind === 'semicolon' && !trigger.holdsSemicolons) {
      close(t.start);
      continue;
    }
    first ??= t;
    last = t;
    if (t.kind === 'word') trigger.word(keyword(sql, t));
  }
  close(-1);
  return spans;
}

/**
 * The statement the cursor is in: the one whose text or terminating `;` holds `offset`; between
 * statements, the one before (the cursor usually rests just after a `;`); before the first, the
 * first. Undefined only for a script without statements.
 */
export function statementAt(sql: string, offset: number): StatementSpan | undefined {
  const spans = splitStatements(sql);
  let found = spans[0];
  for (const s of spans) {
    if (s.start <= offset) found = s;
    else break;
  }
  return found;
}
