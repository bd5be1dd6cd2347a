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
  };
}

/** Settings that change which engine we talk to or what we find in it. */
export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return ['dockerHost', 'dockerContext'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
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
