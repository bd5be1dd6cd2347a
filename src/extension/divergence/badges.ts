/**
 * The short texts that carry a divergence into the tree, the status bar and the compare view.
 * Pure functions: `+` rows only in the container, `−` rows only on the host, `~` rows with the same
 * key and other values.
 */
import type { DatabaseDiff, TableDiff } from '../../core/diff';
import type { Divergence } from './divergence';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** "+1 −160 ~5000" without the zero parts; "" when all are zero. */
export function countsText(c: { inserted: number; deleted: number; updated: number }): string {
  const parts: string[] = [];
  if (c.inserted) parts.push(`+${fmt(c.inserted)}`);
  if (c.deleted) parts.push(`−${fmt(c.deleted)}`);
  if (c.updated) parts.push(`~${fmt(c.updated)}`);
  return parts.join(' ');
}

/** The badge of one table of the container's tree; undefined when it is the same on both sides. */
export function tableBadge(t: TableDiff): string | undefined {
  switch (t.status) {
    case 'same':
      return undefined;
    case 'only-in-b':
      return 'only in container';
    case 'only-in-a':
      return 'only on host';
    case 'schema-changed': {
      const counts = t.rowsCompared ? countsText(t) : '';
      return counts ? `≠ ${counts} · schema` : '≠ schema';
    }
    default:
      return `≠ ${countsText(t) || 'rows'}`;
  }
}

/** Tables that differ in any way (definition or rows). */
export function differingTables(diff: DatabaseDiff): TableDiff[] {
  return diff.tables.filter((t) => t.status !== 'same');
}

export function totals(diff: DatabaseDiff): { inserted: number; deleted: number; updated: number } {
  const sum = { inserted: 0, deleted: 0, updated: 0 };
  for (const t of diff.tables) {
    sum.inserted += t.inserted;
    sum.deleted += t.deleted;
    sum.updated += t.updated;
  }
  return sum;
}

/** The badge of the database node. */
export function databaseBadge(d: Divergence): string {
  switch (d.kind) {
    case 'computing':
      return 'comparing with host…';
    case 'no-host':
      return d.candidates > 1 ? 'host database: choose one' : 'no host database';
    case 'same-file':
      return 'same file: bind mount';
    case 'error':
      return 'host comparison failed';
    case 'diff': {
      if (d.diff.identical) return 'host = container';
      const counts = countsText(totals(d.diff));
      return counts ? `≠ ${counts}` : '≠ schema';
    }
  }
}

/** The status bar's text for the focused container. */
export function statusText(d: Divergence): string {
  switch (d.kind) {
    case 'diff': {
      if (d.diff.identical) return 'host = container';
      const n = differingTables(d.diff).length;
      return n ? `host ≠ container (${n} ${n === 1 ? 'table' : 'tables'})` : 'host ≠ container (schema)';
    }
    case 'same-file':
      return 'same file: bind mount';
    case 'computing':
      return 'host ? container (comparing…)';
    case 'no-host':
      return d.candidates > 1 ? 'host database: choose one' : 'no host database';
    case 'error':
      return 'host ? container (failed)';
  }
}

/** Rows each side holds, from the counts (A = host, B = container). */
export function sideRows(t: TableDiff): { host: number; container: number } {
  return { host: t.unchanged + t.updated + t.deleted, container: t.unchanged + t.updated + t.inserted };
}
