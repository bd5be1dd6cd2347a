// Shared by the extension tests: the running extension's API (what activate() returns) and small
// waits on its state. Not a test file itself (no .test suffix).
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';

const manifest = require(path.resolve(__dirname, '..', '..', '..', 'package.json')) as { publisher: string; name: string };
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

export async function extensionApi(): Promise<ContainerDbApi> {
  const ext = vscode.extensions.getExtension<ContainerDbApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Resolves once `check` holds, re-checking on every change of the engine state; fails after `ms`. */
export function until(api: ContainerDbApi, what: string, check: () => boolean, ms = 15000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const sub = api.docker.onDidChange(() => {
      if (!check()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

export async function rootItems(api: ContainerDbApi): Promise<TreeNode[]> {
  return api.tree.getChildren();
}

export async function childByLabel(api: ContainerDbApi, parent: TreeNode | undefined, label: string): Promise<TreeNode> {
  const children = await api.tree.getChildren(parent);
  const found = children.find((c) => c.label === label);
  if (!found) throw new Error(`no item "${label}" under ${parent ? String(parent.label) : 'the root'}; saw: ${children.map((c) => String(c.label)).join(', ')}`);
  return found;
}
