/**
 * The short texts that carry the changes since the last pull into the tree, the status bar and the
 * change view. Pure functions. The order is the issue's: `+` inserted, `~` updated, `−` deleted.
 */
import type { DatabaseDiff, TableDiff } from '../../core/diff';
import type { Changes } from './changes';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** "+3 ~1 −2" without the zero parts; "" when nothing changed. */
export function changeCounts(c: { inserted: number; deleted: number; updated: number }): string {
  const parts: string[] = [];
  if (c.inserted) parts.push(`+${fmt(c.inserted)}`);
  if (c.updated) parts.push(`~${fmt(c.updated)}`);
  if (c.deleted) parts.push(`−${fmt(c.deleted)}`);
  return parts.join(' ');
}

/** Tables whose rows or definition changed between the two pulls. */
export function changedTables(diff: DatabaseDiff): TableDiff[] {
  return diff.tables.filter((t) => t.status !== 'same' && (t.status !== 'changed' || t.inserted + t.deleted + t.updated > 0));
}

/** What changed in one table; undefined when nothing did. */
export function tableChange(t: TableDiff): string | undefined {
  switch (t.status) {
    case 'same':
      return undefined;
    case 'only-in-b':
      return 'new';
    case 'only-in-a':
      return 'dropped';
    case 'schema-changed': {
      const counts = t.rowsCompared ? changeCounts(t) : '';
      return counts ? `${counts} · schema` : 'schema';
    }
    default:
      return changeCounts(t) || undefined;
  }
}

/**
 * A table row's badge: `+3 ~1 −2 since last pull` alone; beside the host divergence badge
 * (`≠ +1 −160`) it says `since pull` first, so that the two sets of signs never read as one.
 */
export function tableChangeBadge(t: TableDiff, besideDivergence: boolean): string | undefined {
  const change = tableChange(t);
  if (!change) return undefined;
  return besideDivergence ? `since pull ${change}` : `${change} since last pull`;
}

/** "2 tables changed", "no changes": the database node's badge and the status bar's start. */
export function tablesChangedText(diff: DatabaseDiff): string {
  const n = changedTables(diff).length;
  return n ? `${n} ${n === 1 ? 'table' : 'tables'} changed` : 'no changes';
}

/** The database node's badge; undefined when there is nothing to say (a first pull, computing). */
export function databaseChangeBadge(c: Changes): string | undefined {
  switch (c.kind) {
    case 'diff':
      return `${tablesChangedText(c.diff)} since last pull`;
    case 'unavailable':
      return 'changes: previous not kept';
    case 'error':
      return 'changes: failed';
    default:
      return undefined;
  }
}

/** "4 s ago", "3 min ago", "2 h ago": coarse on purpose, the status bar redraws it at most once a second. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}
