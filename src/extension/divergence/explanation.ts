/**
 * The plain words at the top of the comparison: which file the app in the container reads, which
 * file is the host's, how the two relate (one file through a bind mount, or separate stores), and
 * the one difference most likely to explain "the UI shows nothing". Pure: tests read it as data.
 */
import type { TableDiff } from '../../core/diff';
import type { ContainerInfo } from '../../core/types';
import { sideRows } from './badges';
import type { Divergence } from './divergence';

export interface Explanation {
  /** "The app in open-webui reads /app/backend/data/webui.db, in the named volume open-webui." */
  container: string;
  /** "Your workspace's copy is /home/me/app/backend/data/webui.db." */
  host: string;
  /** "Separate stores: ..." or "Same file: ..." */
  relation: string;
  /** "client_user_daily_usage: 0 rows in the container, 120 on the host" (absent when identical or not compared). */
  headline?: string;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const rows = (n: number): string => `${fmt(n)} ${n === 1 ? 'row' : 'rows'}`;

/** `label`: the container as the view names it ("open-webui on podman" with several engines). */
export function explain(c: ContainerInfo, hostPath: string | undefined, d: Divergence, label = c.name): Explanation {
  const loc = c.database;
  const m = loc.mount;
  const where = !m
    ? "in the container's own file system (no volume: it is lost when the container is removed)"
    : m.kind === 'volume'
      ? `in the named volume ${m.source} (mounted at ${m.destination})`
      : m.kind === 'bind'
        ? `in the bind mount of the host folder ${m.source} (at ${m.destination})`
        : `in a ${m.kind} mount at ${m.destination}`;
  const container = `The app in ${label} reads ${loc.path}, ${where}.`;
  const host = hostPath ? `Your workspace's copy is ${hostPath}.` : 'No host copy was found in your workspace (set containerDb.hostDatabasePath, or choose one).';
  let relation: string;
  if (d.kind === 'same-file') {
    relation = `Same file: the bind mount ${d.mountSource} makes the container read your host file itself, so there is nothing to compare.`;
  } else if (m?.kind === 'volume') {
    relation = 'Separate stores: a named volume lives in Docker\'s storage, not in your workspace. A change to one file never reaches the other.';
  } else if (m?.kind === 'bind') {
    relation = `Separate files: the bind mount ${m.source} is not where your host copy lives.`;
  } else {
    relation = "Separate stores: the container's file is not your workspace file. A change to one never reaches the other.";
  }
  return { container, host, relation, headline: d.kind === 'diff' ? headline(d.diff.tables) : undefined };
}

/**
 * The table whose row counts differ most between the sides (an empty side first: that is the
 * "UI shows nothing" case), else the one with the most changed rows.
 */
export function headlineTable(tables: TableDiff[]): TableDiff | undefined {
  const differing = tables.filter((t) => t.status !== 'same');
  const gap = (t: TableDiff) => {
    const r = sideRows(t);
    return Math.abs(r.host - r.container);
  };
  const emptySide = (t: TableDiff) => {
    const r = sideRows(t);
    return (r.host === 0) !== (r.container === 0) ? 1 : 0;
  };
  const changes = (t: TableDiff) => t.inserted + t.deleted + t.updated;
  return [...differing].sort((x, y) => emptySide(y) - emptySide(x) || gap(y) - gap(x) || changes(y) - changes(x) || (x.name < y.name ? -1 : 1))[0];
}

export function headline(tables: TableDiff[]): string | undefined {
  const t = headlineTable(tables);
  if (!t) return undefined;
  const r = sideRows(t);
  if (t.status === 'only-in-a') return `${t.name}: only on the host (${rows(r.host)}); the container has no such table`;
  if (t.status === 'only-in-b') return `${t.name}: only in the container (${rows(r.container)}); the host has no such table`;
  if (r.host !== r.container) return `${t.name}: ${rows(r.container)} in the container, ${fmt(r.host)} on the host`;
  if (t.updated) return `${t.name}: ${rows(t.updated)} of ${fmt(r.host)} differ in value`;
  return `${t.name}: its definition differs`;
}

/** How the rows of a table were paired, in words. */
export function matchedText(t: TableDiff): string {
  if (!t.rowsCompared) return t.note ?? 'Rows were not compared.';
  const how =
    t.matchedBy === 'primary-key'
      ? `Rows paired by PRIMARY KEY (${t.keyColumns.join(', ')}).`
      : t.matchedBy === 'rowid'
        ? 'Rows paired by rowid (no PRIMARY KEY declared).'
        : 'Rows compared as whole rows (no key; duplicates counted).';
  return t.note ? `${how} ${t.note}` : how;
}
