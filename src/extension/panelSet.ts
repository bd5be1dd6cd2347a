import type * as vscode from 'vscode';

/** What a panel kept in a PanelSet has: it can be brought forward, closed, and says when it closed. */
export interface KeptPanel {
  reveal(): void;
  dispose(): void;
  readonly onDidClose: vscode.Event<void>;
}

/**
 * Open panels by what they show (a table, a comparison, a query's result): showing the same thing
 * again brings its panel forward instead of opening a second one. A panel leaves the set when it
 * closes.
 */
export class PanelSet<P extends KeptPanel> implements vscode.Disposable {
  private readonly panels = new Map<string, P>();

  /** The panel open for `key`, revealed; else the one `create` makes, kept until it closes. */
  open(key: string, create: () => P): { panel: P; created: boolean } {
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return { panel: existing, created: false };
    }
    const panel = create();
    this.panels.set(key, panel);
    panel.onDidClose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return { panel, created: true };
  }

  get(key: string): P | undefined {
    return this.panels.get(key);
  }

  all(): P[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const p of this.all()) p.dispose();
    this.panels.clear();
  }
}
