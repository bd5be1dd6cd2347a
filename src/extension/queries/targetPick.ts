import * as vscode from 'vscode';
import { hostLabel, type HostDatabaseFinder } from './hostDatabaseFile';

/** Where a quick query runs: the container's snapshot, the host copy, or both side by side. */
export type RunTarget = 'container' | 'host' | 'both';

export function isRunTarget(v: unknown): v is RunTarget {
  return v === 'container' || v === 'host' || v === 'both';
}

export async function pickRunTarget(containerName: string, title: string, hosts: HostDatabaseFinder): Promise<RunTarget | undefined> {
  const host = await hosts.find();
  const hostDetail = host ? hostLabel(host) : 'not found yet: you will be asked to choose (or set containerDb.hostDatabasePath)';
  const items: Array<vscode.QuickPickItem & { target: RunTarget }> = [
    { label: '$(vm) Container', description: `${containerName}'s database, as pulled`, target: 'container' },
    { label: '$(file) Host', description: hostDetail, target: 'host' },
    { label: '$(split-horizontal) Both, side by side', description: 'differing rows highlighted, totals per side', target: 'both' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Run on which database?' });
  return picked?.target;
}
