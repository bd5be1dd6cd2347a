/** A container's mounts, as `docker inspect` lists them, reduced to what tells a person where data lives. */
import * as path from 'path';
import type { MountInfo } from '../types';

/** The fields of an inspect `Mounts[]` entry that we read; all optional because engines differ. */
export interface InspectMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  RW?: boolean;
}

export function classifyMounts(mounts: InspectMount[] | null | undefined): MountInfo[] {
  return (mounts ?? []).filter((m) => typeof m.Destination === 'string' && m.Destination !== '').map(classifyMount);
}

function classifyMount(m: InspectMount): MountInfo {
  const destination = normalizeDir(m.Destination ?? '');
  // RW is absent on some engines' tmpfs entries; a missing RW is not evidence of read-only.
  const readOnly = m.RW === false;
  switch (m.Type) {
    case 'volume':
      // A named volume lives under the engine's data root (often inside a VM): not a workspace file.
      return { kind: 'volume', source: m.Name || m.Source || '', destination, readOnly, isolatedFromHost: true };
    case 'bind':
      return { kind: 'bind', source: m.Source ?? '', destination, readOnly, isolatedFromHost: false };
    case 'tmpfs':
      return { kind: 'tmpfs', source: m.Source ?? '', destination, readOnly, isolatedFromHost: true };
    default:
      return { kind: 'other', source: m.Name || m.Source || '', destination, readOnly, isolatedFromHost: true };
  }
}

/**
 * The mount that holds `filePath`: the one whose destination is the path itself or its nearest
 * parent directory. Compared by path segment, so /app/data does not hold /app/database/x.db.
 */
export function mountFor(filePath: string, mounts: MountInfo[]): MountInfo | undefined {
  const target = normalizeDir(filePath);
  let best: MountInfo | undefined;
  for (const m of mounts) {
    const dest = normalizeDir(m.destination);
    const holds = dest === '/' || target === dest || target.startsWith(dest + '/');
    if (holds && (!best || dest.length > normalizeDir(best.destination).length)) best = m;
  }
  return best;
}

/** Container paths are POSIX: collapse "//", "/./", "..", and drop a trailing slash. */
function normalizeDir(p: string): string {
  if (p === '') return p;
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
