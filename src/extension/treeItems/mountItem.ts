import * as vscode from 'vscode';
import type { MountInfo } from '../../core/types';
import { TreeNode } from './treeNode';

/** One mount: a named volume is flagged as isolated from the host; a bind mount shows its host path. */
export class MountItem extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    containerId: string,
    index: number,
    readonly mount: MountInfo,
  ) {
    super(mountLabel(mount), vscode.TreeItemCollapsibleState.None);
    this.id = `container:${containerId}/mounts/${index}`;
    const notes: string[] = [];
    if (mount.isolatedFromHost) notes.push('isolated from host');
    if (mount.readOnly) notes.push('read-only');
    this.description = notes.join(' · ') || undefined;
    this.iconPath = mount.isolatedFromHost
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(mount.kind === 'bind' ? 'file-symlink-directory' : 'folder');
    this.tooltip = mountTooltip(mount);
    this.contextValue = `mount.${mount.kind}`;
  }
}

export function mountLabel(m: MountInfo): string {
  if (m.kind === 'volume') return `volume ${m.source} → ${m.destination}`;
  if (m.kind === 'tmpfs') return `tmpfs → ${m.destination}`;
  return `${m.source} → ${m.destination}`;
}

function mountTooltip(m: MountInfo): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(mountLabel(m));
  md.appendMarkdown('\n\n');
  if (m.isolatedFromHost) {
    md.appendText(
      `Named volume: the files under ${m.destination} live in Docker's storage, not in your workspace. A database file in your workspace is a different copy, and changes in one never reach the other.`,
    );
  } else if (m.kind === 'bind') {
    md.appendText(`Bind mount: ${m.destination} in the container is the host folder ${m.source}.`);
  }
  return md;
}
