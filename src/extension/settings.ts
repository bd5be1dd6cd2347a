import * as vscode from 'vscode';

/** The extension's settings, read fresh each time (they change under us; see onDidChange). */
export interface Settings {
  databasePath: string | undefined;
  hostDatabasePath: string;
  dockerHost: string | undefined;
  dockerContext: string | undefined;
  maxDatabaseBytes: number;
  showSystemTables: boolean;
  pageSize: number;
  showAllContainers: boolean;
  freezeWhileCopying: boolean;
  /** `containerDb.engines`: empty = the one engine found from dockerHost / dockerContext / DOCKER_HOST. */
  engines: EngineEntry[];
  /** Entries of `containerDb.engines` that cannot be used, one line each (logged, never silently skipped). */
  engineProblems: string[];
}

/** One entry of `containerDb.engines`: a name for the view, and where the engine is. */
export interface EngineEntry {
  name: string;
  /** A host in DOCKER_HOST's syntax; wins over `context`. */
  host?: string;
  /** A Docker context (see `docker context ls`). Neither: DOCKER_HOST, the current context, the local socket. */
  context?: string;
}

const SECTION = 'containerDb';
const MB = 1024 * 1024;

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const text = (key: string): string | undefined => {
    const v = c.get<string>(key, '').trim();
    return v === '' ? undefined : v;
  };
  return {
    databasePath: text('databasePath'),
    hostDatabasePath: text('hostDatabasePath') ?? 'backend/data/webui.db',
    dockerHost: text('dockerHost'),
    dockerContext: text('dockerContext'),
    maxDatabaseBytes: Math.max(1, c.get<number>('maxDatabaseSize', 1024)) * MB,
    showSystemTables: c.get<boolean>('showSystemTables', false),
    pageSize: clamp(Math.floor(c.get<number>('pageSize', 100)), 10, 5000),
    showAllContainers: c.get<boolean>('showAllContainers', false),
    freezeWhileCopying: c.get<boolean>('freezeWhileCopying', false),
    ...parseEngines(c.get<unknown>('engines', [])),
  };
}

/** The usable entries of `containerDb.engines`, in order, and a line for each one that is not. */
export function parseEngines(value: unknown): { engines: EngineEntry[]; engineProblems: string[] } {
  const engines: EngineEntry[] = [];
  const engineProblems: string[] = [];
  if (!Array.isArray(value)) {
    if (value !== undefined && value !== null) engineProblems.push('containerDb.engines is not a list: it is ignored.');
    return { engines, engineProblems };
  }
  const names = new Set<string>();
  value.forEach((raw: unknown, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    const str = (k: string): string | undefined => (typeof e[k] === 'string' && (e[k] as string).trim() ? (e[k] as string).trim() : undefined);
    if (!name) engineProblems.push(`containerDb.engines[${i}] has no name: it is skipped.`);
    else if (names.has(name)) engineProblems.push(`containerDb.engines[${i}] repeats the name '${name}': it is skipped (names must be unique).`);
    else {
      names.add(name);
      engines.push({ name, host: str('host'), context: str('context') });
    }
  });
  return { engines, engineProblems };
}

/** Settings that change which engine we talk to or what we find in it. */
export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return ['dockerHost', 'dockerContext', 'engines'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}

export function affectsListing(e: vscode.ConfigurationChangeEvent): boolean {
  return ['databasePath', 'showAllContainers'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}

export function affectsTree(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.showSystemTables`);
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
