/**
 * The Containers view's data provider: getChildren / getTreeItem / getParent and the change event.
 * Data comes from DockerService (containers) and SnapshotStore (pulled databases); this class only
 * shapes it into items, and keeps the latest item per id so that commands can reveal them.
 */
import * as vscode from 'vscode';
import type { DockerService } from './dockerService';
import { readSettings } from './settings';
import type { SnapshotStore } from './snapshotStore';
import { ContainerItem, containerItemId } from './treeItems/containerItem';
import type { TreeContext, TreeNode } from './treeItems/treeNode';

export class ContainersTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly byId = new Map<string, TreeNode>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Each listed container's data as last drawn, to redraw only what changed. */
  private seen = new Map<string, string>();
  /** The instance the view was last given per id (getTreeItem is called by the view alone). */
  private readonly inView = new Map<string, TreeNode>();
  /** Hooks that adjust items as they are listed and drawn (the divergence badges of issue 4); they must be idempotent. */
  readonly decorators: ((node: TreeNode) => void)[] = [];

  constructor(
    private readonly docker: DockerService,
    private readonly store: SnapshotStore,
  ) {
    this.subscriptions.push(
      docker.onDidChange(() => this.onContainersChanged()),
      // The view's own instance: it ignores a change event for one it was not given.
      store.onDidChange((containerId) => this.refreshShown(containerItemId(containerId))),
    );
  }

  async getChildren(element?: TreeNode): Promise<TreeNode[]> {
    if (!element) await this.docker.ensureLoaded();
    const ctx: TreeContext = { docker: this.docker, store: this.store, settings: readSettings() };
    const nodes = element ? element.children(ctx) : this.docker.containers().map((c) => new ContainerItem(c));
    for (const n of nodes) {
      if (n.id) this.byId.set(n.id, n);
      for (const decorate of this.decorators) decorate(n);
    }
    return nodes;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    if (element.id) this.inView.set(element.id, element);
    for (const decorate of this.decorators) decorate(element);
    return element;
  }

  /**
   * Redraws the item with this id, and what it holds, as the view holds it: the view ignores a
   * change event for an instance it was not given (resolve() lists fresh ones).
   */
  refreshShown(id: string): boolean {
    const node = this.inView.get(id);
    if (node) this.changed.fire(node);
    return !!node;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.parent;
  }

  /** The item with this id as last handed to the view (undefined if never listed). */
  item(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  /** Lists the path from the root down to `id`, so that the view knows every item before a reveal. */
  async resolve(path: string[]): Promise<TreeNode | undefined> {
    let nodes = await this.getChildren();
    let found: TreeNode | undefined;
    for (const id of path) {
      found = nodes.find((n) => n.id === id);
      if (!found) return undefined;
      nodes = await this.getChildren(found);
    }
    return found;
  }

  /**
   * Redraw only what changed: the same containers in the same order refresh item by item, so that
   * a stopped container does not collapse or reload the rest of the view.
   */
  private onContainersChanged(): void {
    const now = new Map(this.docker.containers().map((c) => [c.id, JSON.stringify(c)]));
    const before = this.seen;
    this.seen = now;
    const sameSet = before.size === now.size && [...now.keys()].every((id) => before.has(id));
    if (!sameSet || this.docker.state.kind !== 'ready') {
      this.changed.fire(undefined);
      return;
    }
    for (const [id, sig] of now) {
      if (before.get(id) === sig) continue;
      const item = this.inView.get(containerItemId(id));
      const info = this.docker.container(id);
      if (!(item instanceof ContainerItem) || !info) {
        this.changed.fire(undefined);
        return;
      }
      item.show(info);
      this.changed.fire(item);
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
