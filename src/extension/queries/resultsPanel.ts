/**
 * One webview panel showing the result of a quick query or a console statement: one result set,
 * or the container's and the host's side by side with the differing rows marked and totals per
 * side. It owns the job that produced it, so "Load more" re-runs it with a higher row limit and
 * "Run again" re-reads the data. The whole result stays here; the webview gets one page of it
 * (containerDb.pageSize rows, sorted here first), drawn by the same grid code as tables. What the
 * page holds (sort, filter, page, masking) is the ResultView's (resultView.ts); this panel runs the
 * job and carries the messages.
 */
import * as vscode from 'vscode';
import { webviewPage, wireWebview } from '../webviewPage';
import { CdbError, errorLine, isCdbError } from '../../core/errors';
import type { ExportableResult, ExportFormat } from '../../core/queries';
import { withoutValues } from '../../core/secrets';
import { HIDE_SECRETS_COMMAND, REVEAL_SECRETS_COMMAND, secretReveal } from '../secretReveal';
import type { ErrorReporter } from '../errorReporter';
import { readSettings } from '../settings';
import { fullText, looksLikeJson, prettyJson } from '../tableGrid/cellView';
import type { PageMove } from '../tableGrid/gridProtocol';
import type { QueryRunner } from './queryRunner';
import type { ResultsContent } from './resultContent';
import { ResultView, type Landing } from './resultView';
import { parseResultsMessage, type ResultSort, type ResultsHostMessage, type ResultsWebviewMessage } from './resultsProtocol';

export const RESULTS_VIEW_TYPE = 'containerDb.queryResults';

/** What a panel shows: re-runnable with another row limit. */
export interface ResultJob {
  title: string;
  source: string;
  execute(limit: number, signal: AbortSignal, report: (message: string) => void): Promise<ResultsContent>;
}

export type Exporter = (panel: ResultsPanel, format: ExportFormat) => Promise<unknown>;

export class ResultsPanel implements vscode.Disposable {
  private job: ResultJob | undefined;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  lastMessage: ResultsHostMessage | undefined;
  private readonly view = new ResultView(secretReveal, () => readSettings().pageSize);

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly key: string,
    private readonly runner: QueryRunner,
    private readonly errors: ErrorReporter,
    private readonly log: vscode.LogOutputChannel,
    private readonly exporter: Exporter,
    private readonly rowStep: () => number,
    mediaUri: vscode.Uri,
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      wireWebview(panel, mediaUri, resultsHtml, parseResultsMessage, (msg) => void this.handle(msg).catch((err) => this.errors.report(this.job?.title ?? 'Query results', err)), this.log, 'Query results'),
      // Reveal / hide (or a new pattern) re-renders the result already read; nothing runs again.
      secretReveal.onDidChange(() => {
        if (this.view.content && (this.lastMessage?.type === 'result' || this.lastMessage?.type === 'compare')) this.show(this.view.message());
      }),
    );
  }

  get title(): string {
    return this.job?.title ?? 'Query results';
  }

  /** What the query returned, secrets included (tests read it); `shown()` is what the panel shows and exports. */
  get content(): ResultsContent | undefined {
    return this.view.content;
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Runs `job` (progress with Cancel) and shows the first page of its result; rejects with the failure after showing it. */
  async run(job: ResultJob, limit = this.rowStep()): Promise<ResultsContent> {
    return this.execute(job, limit, { kind: 'first' });
  }

  /** Runs the job again with the row limit raised by containerDb.maxResultRows; shows the first new row (unless sorted). */
  async loadMore(): Promise<ResultsContent | undefined> {
    if (!this.job) return undefined;
    return this.execute(this.job, this.view.limit + this.rowStep(), { kind: 'more', loadedBefore: this.view.loaded });
  }

  /** Moves to another page of the result shown; returns what was posted (tests read it). */
  page(move: PageMove): ResultsHostMessage | undefined {
    return this.show(this.view.page(move));
  }

  /** Orders the whole loaded result by a column (null: as returned), then shows its first page. */
  sortBy(sort: ResultSort | null): ResultsHostMessage | undefined {
    return this.show(this.view.sortBy(sort));
  }

  /** Side by side: only the pairs that differ (or all), from the first page. */
  filterPairs(onlyDiff: boolean): ResultsHostMessage | undefined {
    return this.show(this.view.filterPairs(onlyDiff));
  }

  /**
   * The containerDb.pageResults command (tests, other extensions): `{ onlyDiff?, sort?, move? }`
   * applied in that order, as the webview's messages would; returns the page then shown.
   */
  applyView(arg: unknown): ResultsHostMessage | undefined {
    const a = (arg && typeof arg === 'object' ? arg : {}) as Record<string, unknown>;
    const parts = [
      a.onlyDiff !== undefined && parseResultsMessage({ type: 'filter', onlyDiff: a.onlyDiff }),
      a.sort !== undefined && parseResultsMessage({ type: 'sort', sort: a.sort }),
      a.move !== undefined && parseResultsMessage({ type: 'page', move: a.move }),
    ];
    if (parts.some((m) => m === undefined)) throw new CdbError('USAGE', 'containerDb.pageResults takes { move: first|prev|next|last, sort: { col, dir: 1|-1 } | null, onlyDiff: boolean }.');
    for (const m of parts) {
      if (m && m.type === 'filter') this.filterPairs(m.onlyDiff);
      else if (m && m.type === 'sort') this.sortBy(m.sort);
      else if (m && m.type === 'page') this.page(m.move);
    }
    return this.lastMessage;
  }

  /** `landing` places the view (sort, page) on the new content before it is shown. */
  private async execute(job: ResultJob, limit: number, landing: Landing): Promise<ResultsContent> {
    const seq = ++this.seq;
    this.job = job;
    this.panel.title = job.title;
    this.post({ type: 'running', title: job.title, source: job.source });
    try {
      const content = await this.runner.run(`Running ${job.title} on ${job.source}`, (signal, report) => job.execute(limit, signal, report));
      if (seq === this.seq) this.post(this.view.load(content, limit, landing));
      return content;
    } catch (caught) {
      // SQLite can quote a cell value in its message (a column used as a JSON path): not on screen, not in the log.
      const err = withoutValues(caught);
      if (seq === this.seq) {
        const message = isCdbError(err, 'CANCELLED') ? 'The query was cancelled. Run it again with the ↻ button.' : errorLine(err);
        this.view.clear();
        this.post({ type: 'error', title: job.title, source: job.source, message });
      }
      throw err;
    }
  }

  /** The result as a table for export: one result set, or both sides in one table with a status column. */
  exportable(): ExportableResult | undefined {
    return this.view.exportable();
  }

  /** The content as shown and exported: secrets masked unless revealed for the session. */
  shown(): ResultsContent | undefined {
    return this.view.shown();
  }

  dispose(): void {
    this.seq++;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }

  private async handle(msg: ResultsWebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        // A hidden panel's webview is rebuilt when shown again: show the same result.
        if (this.lastMessage) this.post(this.lastMessage);
        return;
      case 'loadMore':
        await this.loadMore();
        return;
      case 'rerun':
        // Same job, same view: the sort and the page are kept (the page clamped if fewer rows came back).
        if (this.job) await this.execute(this.job, this.view.limit || this.rowStep(), { kind: 'kept' });
        return;
      case 'page':
        this.page(msg.move);
        return;
      case 'sort':
        this.sortBy(msg.sort);
        return;
      case 'filter':
        this.filterPairs(msg.onlyDiff);
        return;
      case 'export':
        await this.exporter(this, msg.format);
        return;
      case 'secrets':
        await vscode.commands.executeCommand(msg.reveal ? REVEAL_SECRETS_COMMAND : HIDE_SECRETS_COMMAND);
        return;
      case 'copyCell': {
        const v = this.view.value(msg.row, msg.col, msg.side);
        if (v !== undefined) await vscode.env.clipboard.writeText(fullText(v));
        return;
      }
      case 'openValue': {
        const v = this.view.value(msg.row, msg.col, msg.side);
        if (v === undefined) return;
        const json = typeof v === 'string' && looksLikeJson(v);
        const doc = await vscode.workspace.openTextDocument({ content: json ? prettyJson(v) : fullText(v), language: json ? 'json' : 'plaintext' });
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return;
      }
    }
  }

  /** Posts a page the view made; without one (no content), nothing is posted and the last message stands. */
  private show(msg: ResultsHostMessage | undefined): ResultsHostMessage | undefined {
    if (!msg) return this.lastMessage;
    this.post(msg);
    return msg;
  }

  private post(msg: ResultsHostMessage): void {
    this.lastMessage = msg;
    void this.panel.webview.postMessage(msg);
  }
}

function resultsHtml(webview: vscode.Webview, media: vscode.Uri): string {
  return webviewPage(webview, media, {
    title: 'Query results',
    styles: ['tableGrid.css', 'results.css'],
    libraries: ['gridCore.js'],
    script: 'results.js',
    body: `
<header class="toolbar">
  <div class="title"><span id="title" class="table-name"></span><span id="source" class="source"></span></div>
  <div class="pager">
    <span id="pager" class="pager" hidden>
      <button id="first" title="First page">First</button>
      <button id="prev" title="Previous page">Prev</button>
      <span id="range" class="range" aria-live="polite"></span>
      <button id="next" title="Next page">Next</button>
      <button id="last" title="Last page">Last</button>
    </span>
    <span id="status" class="range status" aria-live="polite"></span>
    <button id="load-more" class="secondary" title="Run again with a higher row limit (containerDb.maxResultRows)" hidden>Load more</button>
    <label id="only-diff-label" class="toggle" hidden><input type="checkbox" id="only-diff"> Only differences</label>
    <button id="rerun" class="secondary" title="Run the query again">↻ Run again</button>
    <button id="secrets" class="secondary" title="Secret values (passwords, API keys, tokens) are masked here and in exports: reveal them for this session">Reveal Secrets</button>
    <button id="export-csv" class="secondary" title="Export as CSV (RFC 4180): copy or save">CSV</button>
    <button id="export-json" class="secondary" title="Export as JSON: copy or save">JSON</button>
    <button id="export-markdown" class="secondary" title="Export as a Markdown table: copy or save">Markdown</button>
  </div>
</header>
<div id="params" class="params"></div>
<div id="notice" class="notice" hidden></div>
<div id="summary" class="summary" hidden></div>
<main id="grid-wrap" class="grid-wrap" tabindex="0"><table id="grid" class="grid"></table><p id="message" class="message"></p></main>
`,
  });
}
