/**
 * One webview panel showing the result of a quick query or a console statement: one result set,
 * or the container's and the host's side by side with the differing rows marked and totals per
 * side. It owns the job that produced it, so "Load more" re-runs it with a higher row limit and
 * "Run again" re-reads the data. The whole result stays here; the webview gets one page of it
 * (containerDb.pageSize rows, sorted here first), drawn by the same grid code as tables.
 */
import * as vscode from 'vscode';
import { webviewPage } from '../webviewPage';
import { CdbError, errorLine, isCdbError } from '../../core/errors';
import { cellText, type ExportableResult, type ExportFormat } from '../../core/queries';
import type { QueryRun } from '../../core/queries';
import type { SideBySide, SideTotals } from '../../core/queries';
import { maskResult, maskSideBySide, secretColumns, withoutValues, type SecretPolicy } from '../../core/secrets';
import type { SqlValue } from '../../core/types';
import { HIDE_SECRETS_COMMAND, REVEAL_SECRETS_COMMAND, secretReveal } from '../secretReveal';
import type { ErrorReporter } from '../errorReporter';
import { readSettings } from '../settings';
import { fullText, looksLikeJson, prettyJson, toCell } from '../tableGrid/cellView';
import type { PageMove } from '../tableGrid/gridProtocol';
import type { QueryRunner } from './queryRunner';
import { observedTypes, pageOffset, sortedOrder } from './resultView';
import { parseResultsMessage, type ResultPage, type ResultSort, type ResultsHostMessage, type ResultsWebviewMessage, type SideSummary } from './resultsProtocol';

export const RESULTS_VIEW_TYPE = 'containerDb.queryResults';

export interface SingleContent {
  kind: 'single';
  title: string;
  source: string;
  run: QueryRun;
  ms: number;
}

export interface CompareContent {
  kind: 'compare';
  title: string;
  a: { label: string; run: QueryRun };
  b: { label: string; run: QueryRun };
  cmp: SideBySide;
  ms: number;
}

export type ResultsContent = SingleContent | CompareContent;

/** What a panel shows: re-runnable with another row limit. */
export interface ResultJob {
  title: string;
  source: string;
  execute(limit: number, signal: AbortSignal, report: (message: string) => void): Promise<ResultsContent>;
}

export type Exporter = (panel: ResultsPanel, format: ExportFormat) => Promise<unknown>;

export class ResultsPanel implements vscode.Disposable {
  private job: ResultJob | undefined;
  private limit = 0;
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** What the query returned, secrets included (tests read it); `shown()` is what the panel shows and exports. */
  content: ResultsContent | undefined;
  lastMessage: ResultsHostMessage | undefined;
  private masked: { from: ResultsContent; policy: SecretPolicy; value: ResultsContent } | undefined;
  /** The view of the result: sorted by (one result) or filtered to differing pairs (side by side), and the page. */
  private sort: ResultSort | null = null;
  private onlyDiff = false;
  private offset = 0;
  /** Display order of the content shown (row or pair indexes), for the sort and filter it was made with. */
  private ordered: { from: ResultsContent; sort: ResultSort | null; onlyDiff: boolean; order: number[] } | undefined;

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
    panel.webview.options = { enableScripts: true, localResourceRoots: [mediaUri] };
    panel.webview.html = resultsHtml(panel.webview, mediaUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw) => {
        const msg = parseResultsMessage(raw);
        if (!msg) {
          this.log.warn('Query results: ignored a malformed message from the webview');
          return;
        }
        void this.handle(msg).catch((err) => this.errors.report(this.job?.title ?? 'Query results', err));
      }),
      // Reveal / hide (or a new pattern) re-renders the result already read; nothing runs again.
      secretReveal.onDidChange(() => {
        if (this.content && (this.lastMessage?.type === 'result' || this.lastMessage?.type === 'compare')) this.showPage();
      }),
    );
  }

  get title(): string {
    return this.job?.title ?? 'Query results';
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Runs `job` (progress with Cancel) and shows the first page of its result; rejects with the failure after showing it. */
  async run(job: ResultJob, limit = this.rowStep()): Promise<ResultsContent> {
    return this.execute(job, limit, () => {
      this.sort = null;
      this.offset = 0;
    });
  }

  /** Runs the job again with the row limit raised by containerDb.maxResultRows; shows the first new row (unless sorted). */
  async loadMore(): Promise<ResultsContent | undefined> {
    if (!this.job) return undefined;
    const before = this.content ? loadedLength(this.content) : 0;
    return this.execute(this.job, this.limit + this.rowStep(), (next) => {
      if (!this.sort && !this.onlyDiff && loadedLength(next) > before) this.offset = before;
    });
  }

  /** Moves to another page of the result shown; returns what was posted (tests read it). */
  page(move: PageMove): ResultsHostMessage | undefined {
    const c = this.shown();
    if (!c) return this.lastMessage;
    this.offset = pageOffset(this.offset, this.orderOf(c).length, pageSize(), move);
    return this.showPage();
  }

  /** Orders the whole loaded result by a column (null: as returned), then shows its first page. */
  sortBy(sort: ResultSort | null): ResultsHostMessage | undefined {
    const c = this.shown();
    if (!c || c.kind !== 'single') return this.lastMessage;
    this.sort = sort && sort.col < c.run.result.columns.length ? { col: sort.col, dir: sort.dir } : null;
    this.offset = 0;
    return this.showPage();
  }

  /** Side by side: only the pairs that differ (or all), from the first page. */
  filterPairs(onlyDiff: boolean): ResultsHostMessage | undefined {
    this.onlyDiff = onlyDiff;
    this.offset = 0;
    return this.content ? this.showPage() : this.lastMessage;
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

  /** `place` sets the view (sort, page) for the new content before it is shown. */
  private async execute(job: ResultJob, limit: number, place: (next: ResultsContent) => void): Promise<ResultsContent> {
    const seq = ++this.seq;
    this.job = job;
    this.panel.title = job.title;
    this.post({ type: 'running', title: job.title, source: job.source });
    try {
      const content = await this.runner.run(`Running ${job.title} on ${job.source}`, (signal, report) => job.execute(limit, signal, report));
      if (seq === this.seq) {
        this.limit = limit;
        const sameKind = this.content?.kind === content.kind;
        this.content = content;
        if (!sameKind) (this.sort = null), (this.offset = 0);
        place(content);
        if (this.sort && (content.kind !== 'single' || this.sort.col >= content.run.result.columns.length)) this.sort = null;
        this.showPage();
      }
      return content;
    } catch (caught) {
      // SQLite can quote a cell value in its message (a column used as a JSON path): not on screen, not in the log.
      const err = withoutValues(caught);
      if (seq === this.seq) {
        const message = isCdbError(err, 'CANCELLED') ? 'The query was cancelled. Run it again with the ↻ button.' : errorLine(err);
        this.content = undefined;
        this.post({ type: 'error', title: job.title, source: job.source, message });
      }
      throw err;
    }
  }

  /** The result as a table for export: one result set, or both sides in one table with a status column. */
  exportable(): ExportableResult | undefined {
    const c = this.shown();
    if (!c) return undefined;
    if (c.kind === 'single') return c.run.result;
    const { cmp } = c;
    const columns = ['difference', ...cmp.columnsA.map((n) => `${c.a.label}: ${n}`), ...cmp.columnsB.map((n) => `${c.b.label}: ${n}`)];
    const blankA: SqlValue[] = cmp.columnsA.map(() => null);
    const blankB: SqlValue[] = cmp.columnsB.map(() => null);
    const rows = cmp.pairs.map((p) => [p.status as SqlValue, ...(p.a ?? blankA), ...(p.b ?? blankB)]);
    return { columns, rows };
  }

  /** The content as shown and exported: secrets masked unless revealed for the session. */
  shown(): ResultsContent | undefined {
    const c = this.content;
    const policy = secretReveal.masking();
    if (!c || !policy) return c;
    if (this.masked?.from !== c || this.masked.policy !== policy) this.masked = { from: c, policy, value: maskContent(c, policy) };
    return this.masked.value;
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
        if (this.job) await this.execute(this.job, this.limit || this.rowStep(), () => undefined);
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
        const v = this.value(msg.row, msg.col, msg.side);
        if (v !== undefined) await vscode.env.clipboard.writeText(fullText(v));
        return;
      }
      case 'openValue': {
        const v = this.value(msg.row, msg.col, msg.side);
        if (v === undefined) return;
        const json = typeof v === 'string' && looksLikeJson(v);
        const doc = await vscode.workspace.openTextDocument({ content: json ? prettyJson(v) : fullText(v), language: json ? 'json' : 'plaintext' });
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return;
      }
    }
  }

  /** A cell by its position in the view (as the webview addresses it). */
  private value(position: number, col: number, side: 'a' | 'b'): SqlValue | undefined {
    const c = this.shown();
    if (!c) return undefined;
    const i = this.orderOf(c)[position];
    if (i === undefined) return undefined;
    const r = c.kind === 'single' ? c.run.result.rows[i] : c.cmp.pairs[i]?.[side];
    return r && col < r.length ? r[col] : undefined;
  }

  /** Row (or pair) indexes of `c` in display order: sorted by the chosen column, or the differing pairs only. */
  private orderOf(c: ResultsContent): number[] {
    const o = this.ordered;
    if (o && o.from === c && o.sort === this.sort && o.onlyDiff === this.onlyDiff) return o.order;
    const order =
      c.kind === 'single'
        ? sortedOrder(c.run.result.rows, this.sort)
        : c.cmp.pairs.flatMap((p, i) => (this.onlyDiff && p.status === 'same' ? [] : [i]));
    this.ordered = { from: c, sort: this.sort, onlyDiff: this.onlyDiff, order };
    return order;
  }

  /** Posts the current page of the content as shown (masked unless revealed). */
  private showPage(): ResultsHostMessage | undefined {
    const c = this.shown();
    if (!c) return this.lastMessage;
    const order = this.orderOf(c);
    const size = pageSize();
    this.offset = pageOffset(this.offset, order.length, size, 'reload');
    const at = order.slice(this.offset, this.offset + size);
    const page: ResultPage = { offset: this.offset, total: order.length, pageSize: size, hasPrev: this.offset > 0, hasNext: this.offset + at.length < order.length };
    const msg = toMessage(c, this.limit, page, at, this.sort, this.onlyDiff);
    this.post(msg);
    return msg;
  }

  private post(msg: ResultsHostMessage): void {
    this.lastMessage = msg;
    void this.panel.webview.postMessage(msg);
  }
}

export function paramsText(run: QueryRun): string {
  return Object.entries(run.params.values)
    .map(([k, v]) => `${k} = ${v === '' ? "''" : cellText(v, 'NULL')}${run.params.sources[k] === 'default' ? ' (default)' : ''}`)
    .join(' · ');
}

/** Observed column types per result, worked out once (a page move must not rescan every row). */
const observed = new WeakMap<object, string[]>();
function typesOf(r: { columns: string[]; rows: SqlValue[][] }): string[] {
  let t = observed.get(r);
  if (!t) observed.set(r, (t = observedTypes(r.rows, r.columns.length)));
  return t;
}

function sideSummary(label: string, run: QueryRun, totals: SideTotals): SideSummary {
  const { columns, truncated } = run.result;
  return {
    label,
    columns,
    types: typesOf(run.result),
    secret: secretColumns(secretReveal.policy(), undefined, columns),
    rows: totals.rows,
    truncated,
    sums: totals.sums.map((s) => (s === null ? null : String(s))),
  };
}

/** containerDb.pageSize: rows per page, as in the table grid. */
function pageSize(): number {
  return readSettings().pageSize;
}

/** Rows (one result) or pairs (side by side) loaded. */
function loadedLength(c: ResultsContent): number {
  return c.kind === 'single' ? c.run.result.rows.length : c.cmp.pairs.length;
}

/**
 * A result with its secrets masked. Result columns have no table (ad-hoc SQL), so they are judged
 * by name; a secret column's total is dropped too, as a sum is derived from the values.
 */
export function maskContent(c: ResultsContent, policy: SecretPolicy): ResultsContent {
  const maskRun = (run: QueryRun): QueryRun => ({ ...run, result: maskResult(policy, undefined, run.result) });
  if (c.kind === 'single') return { ...c, run: maskRun(c.run) };
  return { ...c, a: { ...c.a, run: maskRun(c.a.run) }, b: { ...c.b, run: maskRun(c.b.run) }, cmp: maskSideBySide(c.cmp, policy) };
}

/** One page of `c`: `at` are the row (or pair) indexes on it, in display order. */
function toMessage(c: ResultsContent, limit: number, page: ResultPage, at: number[], sort: ResultSort | null, onlyDiff: boolean): ResultsHostMessage {
  if (c.kind === 'single') {
    const r = c.run.result;
    const types = typesOf(r);
    return {
      type: 'result',
      title: c.title,
      source: c.source,
      params: paramsText(c.run),
      notice: c.run.notice,
      columns: r.columns.map((name, i) => ({ name, type: types[i], pk: false, notNull: false })),
      rows: at.map((i) => r.rows[i].map(toCell)),
      ...page,
      sort,
      secretColumns: secretColumns(secretReveal.policy(), undefined, r.columns),
      truncated: r.truncated,
      limit,
      ms: c.ms,
      secretsRevealed: secretReveal.revealed,
    };
  }
  const { cmp } = c;
  const indexInB = cmp.columnsA.map((n, i) => (cmp.columnsA.length === cmp.columnsB.length && cmp.columnsB[i] === n ? i : cmp.columnsB.indexOf(n)));
  const notices = [c.a.run.notice && `${c.a.label}: ${c.a.run.notice}`, c.b.run.notice && `${c.b.label}: ${c.b.run.notice}`].filter(Boolean);
  return {
    type: 'compare',
    title: c.title,
    params: paramsText(c.a.run),
    notice: notices.length ? notices.join(' ') : undefined,
    a: sideSummary(c.a.label, c.a.run, cmp.totals.a),
    b: sideSummary(c.b.label, c.b.run, cmp.totals.b),
    pairedBy: cmp.pairedBy,
    counts: cmp.counts,
    pairs: at.map((n) => {
      const p = cmp.pairs[n];
      return { n: n + 1, s: p.status, a: p.a?.map(toCell), b: p.b?.map(toCell), ca: p.changed, cb: p.changed.map((i) => indexInB[i]).filter((j) => j >= 0) };
    }),
    onlyDiff,
    ...page,
    limit,
    ms: c.ms,
    secretsRevealed: secretReveal.revealed,
  };
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
