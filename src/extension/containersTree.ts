/**
 * The Containers view's data provider: getChildren / getTreeItem / getParent and the change event.
 * Data comes from the EngineSet (engines, containers) and SnapshotStore (pulled databases); this
 * class only shapes it into nodes. With `containerDb.engines` set, each engine is a root node
 * (EngineItem) with its containers under it; else the containers are the roots, as they always were.
 *
 * Nodes are stable: one object per id for the life of that id, updated in place when it is listed
 * again. VS Code's extension host keys its handles (and the commands of the items it drew) by the
 * element object: handing it a fresh object for an id it holds, or firing a change for an object
 * it was not given, leaves a node spinning. getTreeItem builds a fresh TreeItem from the node each
 * time.
 *
 * A row's click command never carries arguments (see rowCommand): VS Code hands a command's
 * arguments to a click through a handle that the next redraw of that row disposes, and a click
 * landing between that redraw and the workbench repainting the row (the divergence badge arrives
 * just after a pull) failed with "Actual command not found".
 */
import * as vscode from 'vscode';
import type { EngineSet } from './engines/engineSet';
import { readSettings } from './settings';
import type { SnapshotStore } from './snapshotStore';
import { ContainerItem, containerItemId } from './treeItems/containerItem';
import { EngineItem } from './treeItems/engineItem';
import { TreeContext, TreeNode } from './treeItems/treeNode';

const ROOT = Symbol('root');

/** Bursts of changes (a pull, its compare, the badges) become one redraw. */
const COALESCE_MS = 50;

export class ContainersTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listed = new vscode.EventEmitter<void>();
  /**
   * Fires once the view has taken a listing (a tick after getChildren returns). A selection event
   * that arrives while the view re-lists a node carries no element; the view's selection is
   * readable again after this.
   */
  readonly onDidList = this.listed.event;
  /** The one node per id. */
  private readonly byId = new Map<string, TreeNode>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Each listed container's data as last drawn, to redraw only what changed. */
  private seen = new Map<string, string>();
  /** Each engine's root node as last drawn (name, state, kind, count), to redraw the roots when one moved. */
  private seenEngines = '';
  /** Ids of the nodes the view has drawn (getTreeItem is called by the view alone). */
  private readonly drawnIds = new Set<string>();
  /** Expanded / collapsed as the user left it, by id: a node's own state is only its default. */
  private readonly expanded = new Map<string, boolean>();
  /** The argument-free click command of each row that has one, by node id (see rowCommand). */
  private readonly rowCommands = new Map<string, string>();
  /** Hooks that adjust nodes as they are listed and drawn (the divergence badges of issue 4); they must be idempotent. */
  readonly decorators: ((node: TreeNode) => void)[] = [];

  /** Changes waiting for the coalescing timer; `root` means redraw everything. */
  private pendingRoot = false;
  private readonly pendingNodes = new Set<TreeNode>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** getChildren calls in flight per node (ROOT for the root): VS Code can lose a node's load if it is changed meanwhile. */
  private readonly loading = new Map<TreeNode | typeof ROOT, number>();

  constructor(
    private readonly docker: EngineSet,
    private readonly store: SnapshotStore,
  ) {
    this.subscriptions.push(
      docker.onDidChange(() => this.onContainersChanged()),
      store.onDidChange((containerId) => this.refreshShown(containerItemId(containerId))),
    );
  }

  /** Keeps the expanded state by id (call once with the view of this provider). */
  trackExpansion(view: vscode.TreeView<TreeNode>): vscode.Disposable {
    return vscode.Disposable.from(
      view.onDidExpandElement((e) => e.element.id && this.expanded.set(e.element.id, true)),
      view.onDidCollapseElement((e) => e.element.id && this.expanded.set(e.element.id, false)),
    );
  }

  async getChildren(element?: TreeNode): Promise<TreeNode[]> {
    const key = element ?? ROOT;
    this.loading.set(key, (this.loading.get(key) ?? 0) + 1);
    try {
      if (!element) await this.docker.ensureLoaded();
      const ctx: TreeContext = { docker: this.docker, store: this.store, settings: readSettings() };
      const fresh = element ? element.children(ctx) : this.roots();
      const nodes = fresh.map((n) => this.stable(n));
      for (const n of nodes) for (const decorate of this.decorators) decorate(n);
      return nodes;
    } finally {
      const left = (this.loading.get(key) ?? 1) - 1;
      if (left) this.loading.set(key, left);
      else this.loading.delete(key);
      if (this.hasPending()) this.schedule();
      setTimeout(() => this.listed.fire(), 0);
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.id) this.drawnIds.add(node.id);
    for (const decorate of this.decorators) decorate(node);
    const item = drawn(node, this.collapsibleState(node));
    item.command = this.rowCommand(node);
    return item;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.parent;
  }

  /** Redraws the node with this id and what it holds; false when the view has not drawn it. */
  refreshShown(id: string): boolean {
    const node = this.drawnIds.has(id) ? this.byId.get(id) : undefined;
    if (node) this.queue(node);
    return !!node;
  }

  /** The node with this id (undefined if never listed). */
  item(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  /**
   * Lists the path from the root down to `id`, so that the view knows every node before a reveal.
   * With engine root nodes, a path that starts at a container starts under its engine.
   */
  async resolve(path: string[]): Promise<TreeNode | undefined> {
    let nodes = await this.getChildren();
    let found: TreeNode | undefined;
    if (path.length && !nodes.some((n) => n.id === path[0])) {
      for (const root of nodes.filter((n) => n instanceof EngineItem)) {
        const under = await this.getChildren(root);
        if (under.some((n) => n.id === path[0])) {
          nodes = under;
          break;
        }
      }
    }
    for (const id of path) {
      found = nodes.find((n) => n.id === id);
      if (!found) return undefined;
      nodes = await this.getChildren(found);
    }
    return found;
  }

  refresh(): void {
    this.queue(undefined);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.listed.dispose();
  }

  /**
   * The node's click command as drawn: one command id per node id, registered on first draw and
   * valid for the life of the view, which runs what the node's command is at click time. A click on
   * a row drawn before the latest redraw therefore still reaches its node.
   */
  private rowCommand(node: TreeNode): vscode.Command | undefined {
    const own = node.command;
    if (!own?.arguments?.length || !node.id) return own;
    const nodeId = node.id;
    let command = this.rowCommands.get(nodeId);
    if (!command) {
      command = `containerDb.row.${this.rowCommands.size + 1}`;
      this.subscriptions.push(vscode.commands.registerCommand(command, () => this.runRowCommand(nodeId)));
      this.rowCommands.set(nodeId, command);
    }
    return { command, title: own.title, tooltip: own.tooltip };
  }

  /** A click on a row whose node was since removed (a dropped table) does nothing: the redraw under way removes the row. */
  private runRowCommand(nodeId: string): Thenable<unknown> | undefined {
    const own = this.byId.get(nodeId)?.command;
    return own ? vscode.commands.executeCommand(own.command, ...(own.arguments ?? [])) : undefined;
  }

  /** The root nodes: one per engine when several are configured, else the one engine's containers. */
  private roots(): TreeNode[] {
    if (!this.docker.multi) return this.docker.containers().map((c) => new ContainerItem(c));
    return this.docker.all.map((e) => new EngineItem(e, this.docker.duplicateOf(e)));
  }

  /** The node already known for this id, updated from `fresh`; else `fresh` becomes that node. */
  private stable(fresh: TreeNode): TreeNode {
    if (!fresh.id) return fresh;
    const known = this.byId.get(fresh.id);
    if (known && known !== fresh && known.constructor === fresh.constructor) {
      known.adopt(fresh);
      return known;
    }
    this.byId.set(fresh.id, fresh);
    return fresh;
  }

  private collapsibleState(node: TreeNode): vscode.TreeItemCollapsibleState | undefined {
    const state = node.collapsibleState;
    if (state === undefined || state === vscode.TreeItemCollapsibleState.None || !node.id) return state;
    const open = this.expanded.get(node.id);
    if (open === undefined) return state;
    return open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  }

  /**
   * Redraw only what changed: the same containers in the same order refresh node by node, so that
   * a stopped container does not collapse or reload the rest of the view.
   */
  private onContainersChanged(): void {
    const now = new Map(this.docker.containers().map((c) => [c.id, JSON.stringify(c)]));
    const before = this.seen;
    this.seen = now;
    const sameSet = before.size === now.size && [...now.keys()].every((id) => before.has(id));
    const engines = this.docker.multi ? this.engineSignature() : '';
    const enginesMoved = engines !== this.seenEngines;
    this.seenEngines = engines;
    if (!sameSet || enginesMoved || this.docker.state.kind !== 'ready') {
      this.queue(undefined);
      return;
    }
    for (const [id, sig] of now) {
      if (before.get(id) === sig) continue;
      const node = this.byId.get(containerItemId(id));
      const info = this.docker.container(id);
      if (!(node instanceof ContainerItem) || !info) {
        this.queue(undefined);
        return;
      }
      node.show(info);
      this.queue(node);
    }
  }

  private engineSignature(): string {
    return JSON.stringify(
      this.docker.all.map((e) => {
        const st = e.state;
        return [e.name, st.kind, st.kind === 'unreachable' ? st.error.message : '', e.engine?.description, e.engine?.version, this.docker.duplicateOf(e)];
      }),
    );
  }

  private queue(node: TreeNode | undefined): void {
    if (node) this.pendingNodes.add(node);
    else this.pendingRoot = true;
    this.schedule();
  }

  private hasPending(): boolean {
    return this.pendingRoot || this.pendingNodes.size > 0;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, COALESCE_MS);
  }

  /**
   * Fires the queued changes, except those for a node whose children (or an ancestor's) are still
   * loading: they stay queued, and the end of that getChildren schedules them again.
   */
  private flush(): void {
    if (this.pendingRoot) {
      if (this.loading.has(ROOT)) return;
      this.pendingRoot = false;
      this.pendingNodes.clear();
      this.changed.fire(undefined);
      return;
    }
    const ready = [...this.pendingNodes].filter((n) => !this.isLoading(n));
    for (const n of ready) this.pendingNodes.delete(n);
    const top = ready.filter((n) => !hasAncestorIn(n, new Set(ready)));
    if (top.length) this.changed.fire(top);
  }

  private isLoading(node: TreeNode): boolean {
    if (this.loading.has(ROOT)) return true;
    for (let n: TreeNode | undefined = node; n; n = n.parent) if (this.loading.has(n)) return true;
    return false;
  }
}

function hasAncestorIn(node: TreeNode, set: Set<TreeNode>): boolean {
  for (let p = node.parent; p; p = p.parent) if (set.has(p)) return true;
  return false;
}

/** A fresh item from the node's current state (its command is set by the tree: rowCommand). */
function drawn(node: TreeNode, state: vscode.TreeItemCollapsibleState | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label ?? '', state);
  item.id = node.id;
  item.description = node.description;
  item.tooltip = node.tooltip;
  item.iconPath = node.iconPath;
  item.contextValue = node.contextValue;
  item.resourceUri = node.resourceUri;
  item.accessibilityInformation = node.accessibilityInformation;
  return item;
}
