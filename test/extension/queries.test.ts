// Quick queries, the SQL console, results and export (issue 5) inside a real VS Code extension
// host, against a real Docker fixture container (prefix cdbt-h-ext-). The container holds one set
// of generated usage rows and the host file another; expected numbers are summed here from the
// generated rows (test/support/usageData.ts), and exports are compared with Debian's sqlite3.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConsoleRunOutcome } from '../../src/extension/console/consoleCommands';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { ResultsContent } from '../../src/extension/queries/resultContent';
import type { ResultsHostMessage } from '../../src/extension/queries/resultsProtocol';
import type { Cell } from '../../src/extension/tableGrid/gridProtocol';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';
import { maiFork } from '../../src/core/queries/maiFork';
import { createOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { generateUsageData, writeUsageDb, type UsageData } from '../support/usageData';
import { childByLabel, extensionApi, rootItems } from './extensionApi';

const PREFIX = 'cdbt-h-ext-';
const NAME = `${PREFIX}owui`;
/** A result of a few hundred rows (> containerDb.pageSize below): text and integer columns, rowid order. */
const DAILY = 'SELECT id, user_id, usage_date, total_tokens FROM client_user_daily_usage';
const SLOW = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c';

/** What the usage endpoints compute for this month (first of the month to today, UTC), summed from the generated rows. */
function expectedThisMonth(d: UsageData): { tokens: number; markup: number; people: number } {
  const from = d.today.slice(0, 8) + '01';
  const rows = d.userDaily.filter((r) => r.client_org_id === d.mainOrgId && r.usage_date >= from && r.usage_date <= d.today);
  return {
    tokens: rows.reduce((s, r) => s + r.total_tokens, 0),
    markup: rows.reduce((s, r) => s + r.markup_cost, 0),
    people: new Set([...d.users.map((u) => u.id), ...rows.map((r) => r.user_id)]).size,
  };
}

function column(content: ResultsContent & { kind: 'single' }, name: string): unknown[] {
  const i = content.run.result.columns.indexOf(name);
  assert.ok(i >= 0, `no column ${name} in ${content.run.result.columns.join(', ')}`);
  return content.run.result.rows.map((r) => r[i]);
}

/** RFC 4180 records (sqlite3 quotes more fields than it must, e.g. any with a space: compare records, not bytes). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field), records.push(record), (field = ''), (record = []);
    } else field += ch;
  }
  if (field || record.length) record.push(field), records.push(record);
  return records;
}

const sum = (values: unknown[]) => values.reduce<number>((s, v) => s + Number(v), 0);

/** A result page, as the results webview receives it. */
type ResultPage = Extract<ResultsHostMessage, { type: 'result' }>;
type ComparePage = Extract<ResultsHostMessage, { type: 'compare' }>;

/** A display cell back to the value sqlite3 -json prints (the test data has no BLOBs and no text over the cell limit). */
function plain(c: Cell): unknown {
  assert.ok(c.k !== 'blob' && !(c.k === 'text' && c.more > 0), `unexpected cell ${JSON.stringify(c)}`);
  return c.k === 'null' ? null : c.k === 'text' ? c.v : Number(c.v);
}

/** Rows as sqlite3 returns them for `sql` (-json keeps the column order). */
function sqliteRows(file: string, sql: string): unknown[][] {
  const out = execFileSync('sqlite3', ['-json', file, sql], { encoding: 'utf8' }).trim();
  return out ? (JSON.parse(out) as Record<string, unknown>[]).map((r) => Object.values(r)) : [];
}

/** The results panel's pager / sort / filter, as its buttons use them; returns the page then shown. */
async function pageResults<T extends ResultsHostMessage = ResultPage>(arg: { move?: string; sort?: { col: number; dir: 1 | -1 } | null; onlyDiff?: boolean } = {}): Promise<T> {
  const m = await vscode.commands.executeCommand<ResultsHostMessage>('containerDb.pageResults', arg);
  assert.ok(m && (m.type === 'result' || m.type === 'compare'), `no page: ${JSON.stringify(m)}`);
  return m as T;
}

describe('Quick queries and the SQL console (real Docker engine)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let containerFile: string;
  let hostFile: string;
  let inContainer: UsageData;
  let onHost: UsageData;
  let dbItem: TreeNode;
  let containerId: string;
  let editor: vscode.TextEditor;

  before(async () => {
    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const today = new Date().toISOString().slice(0, 10);
    inContainer = generateUsageData({ today, seed: 11 });
    onHost = generateUsageData({ today, seed: 12 });
    containerFile = writeUsageDb(path.join(tmp, 'container-webui.db'), inContainer);
    hostFile = writeUsageDb(path.join(tmp, 'host-webui.db'), onHost);
    const fx = await createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: containerFile });
    containerId = fx.id;
    api = await extensionApi();
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('hostDatabasePath', hostFile, vscode.ConfigurationTarget.Global);
    await config.update(
      'queries',
      [
        { id: 'my-chat-count', title: 'My chat count', sql: 'SELECT count(*) AS chats FROM chat WHERE user_id = :uid', params: [{ name: 'uid', default: 'u-001' }], requires: ['chat'] },
        { id: 'needs-missing', title: 'Needs a missing table', sql: 'SELECT * FROM nowhere', requires: ['nowhere'] },
        { id: 'broken', title: 'No SQL here' },
        { id: 'daily-rows', title: 'Daily usage rows', sql: 'SELECT id, total_tokens FROM client_user_daily_usage ORDER BY id', requires: ['client_user_daily_usage'] },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await vscode.commands.executeCommand('containerDb.refresh');
    const entry = await vscode.commands.executeCommand('containerDb.inspect', NAME);
    assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
    const container = (await rootItems(api)).find((i) => i.label === NAME);
    assert.ok(container, `${NAME} is not listed`);
    dbItem = (await api.tree.getChildren(container)).find((c) => c.contextValue === 'database.pulled')!;
    assert.ok(dbItem, 'no pulled database node');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('hostDatabasePath', undefined, vscode.ConfigurationTarget.Global);
    await config.update('queries', undefined, vscode.ConfigurationTarget.Global);
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists Quick queries under the database: built-ins and valid user queries whose tables exist, and the bad entry as a problem', async () => {
    const group = await childByLabel(api, dbItem, 'Quick queries');
    const labels = (await api.tree.getChildren(group)).map((c) => String(c.label));
    for (const title of ['Usage by user', 'Usage by model', 'My chat count']) assert.ok(labels.includes(title), `missing ${title}: ${labels.join(', ')}`);
    assert.ok(!labels.includes('Needs a missing table'), 'a query whose table is missing is listed');
    assert.ok(labels.includes('1 problem in containerDb.queries'), `the bad entry is not reported: ${labels.join(', ')}`);
    const problem = (await api.tree.getChildren(group)).find((c) => c.contextValue === 'quickQueries.problems')!;
    assert.match(String(problem.tooltip), /containerDb\.queries\[2\]: 'sql' is missing/);
  });

  it('runs Usage by user on the container with the default range: totals equal the generated rows of this month', async () => {
    const group = await childByLabel(api, dbItem, 'Quick queries');
    const item = await childByLabel(api, group, 'Usage by user');
    const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { ...item, target: 'container', useDefaults: true });
    assert.ok(content && content.kind === 'single', `no result: ${JSON.stringify(api.errors.lastError)}`);
    const expected = expectedThisMonth(inContainer);
    assert.strictEqual(content.run.result.rows.length, expected.people);
    assert.strictEqual(sum(column(content, 'total_tokens')), expected.tokens);
    assert.strictEqual(sum(column(content, 'markup_cost')), expected.markup);
    assert.strictEqual(content.run.params.sources.from, 'default');
    assert.strictEqual(content.run.params.values.from, inContainer.today.slice(0, 8) + '01');
  });

  it('runs it on both: two result sets paired by user, totals per side from each database', async () => {
    const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { containerId, queryId: 'usage-by-user', target: 'both', useDefaults: true });
    assert.ok(content && content.kind === 'compare', `no comparison: ${JSON.stringify(api.errors.lastError)}`);
    const tokensAt = content.cmp.columnsA.indexOf('total_tokens');
    assert.strictEqual(Number(content.cmp.totals.a.sums[tokensAt]), expectedThisMonth(inContainer).tokens);
    assert.strictEqual(Number(content.cmp.totals.b.sums[tokensAt]), expectedThisMonth(onHost).tokens);
    assert.strictEqual(content.cmp.pairedBy, 'firstColumn');
    assert.ok(content.cmp.counts.changed > 0, 'different usage rows on each side, yet no row differs');
    assert.strictEqual(content.b.label, 'host');
  });

  it("runs Usage by model: the fork's 12 models as the tab rows, the generated data's other models only as hidden rows", async () => {
    const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { containerId, queryId: 'usage-by-model', target: 'container', useDefaults: true });
    assert.ok(content && content.kind === 'single', `no result: ${JSON.stringify(api.errors.lastError)}`);
    const names = column(content, 'model_name');
    const inTab = column(content, 'in_tab');
    const listed = maiFork.supportedModels.map((m) => m.id);
    assert.deepStrictEqual(names.filter((_, i) => inTab[i] === 1).sort(), [...listed].sort());
    const offList = [...new Set(inContainer.modelDaily.map((r) => r.model_name))].filter((m) => !listed.includes(m)).sort();
    assert.deepStrictEqual(names.filter((_, i) => inTab[i] === 0).sort(), offList);
    const from = inContainer.today.slice(0, 8) + '01';
    const mini = inContainer.modelDaily.filter((r) => r.model_name === 'openai/gpt-4o-mini' && r.client_org_id === inContainer.mainOrgId && r.usage_date >= from && r.usage_date <= inContainer.today);
    assert.strictEqual(sum(column(content, 'total_tokens')), mini.reduce((s, r) => s + r.total_tokens, 0), 'only the listed model counts in the tab');
    assert.ok(column(content, 'hidden_why').some((w) => /not on the fork's model list/.test(String(w))));
  });

  it('a user query with a parameter given runs and counts what sqlite3 counts', async () => {
    const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { containerId, queryId: 'my-chat-count', target: 'container', params: { uid: 'u-002' } });
    assert.ok(content && content.kind === 'single', `no result: ${JSON.stringify(api.errors.lastError)}`);
    const expected = execFileSync('sqlite3', [containerFile, "SELECT count(*) FROM chat WHERE user_id = 'u-002'"], { encoding: 'utf8' }).trim();
    assert.deepStrictEqual(content.run.result.rows, [[Number(expected)]]);
  });

  const statements = [
    'SELECT id, name, email, role FROM "user" ORDER BY id;',
    'SELECT count(*) AS n FROM nope;',
    'DELETE FROM chat WHERE 1;',
    'SELECT id FROM "user" WHERE role = :role ORDER BY id;',
    `${SLOW};`,
    'SELECT count(*) AS n FROM client_user_daily_usage;',
    `${DAILY} ORDER BY rowid;`,
  ];

  async function runStatement(index: number, arg?: unknown): Promise<ConsoleRunOutcome> {
    const doc = editor.document;
    const line = doc.lineAt(index);
    // A panel opened over the console (a quick query's result) retires its editor: use the one shown now.
    editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(line.range.start.translate(0, 3), line.range.start.translate(0, 3));
    const out = await vscode.commands.executeCommand<ConsoleRunOutcome>('containerDb.runConsoleQuery', arg);
    assert.ok(out, `nothing ran: ${JSON.stringify(api.errors.lastError)}`);
    return out;
  }

  it('New SQL Query opens a sql document bound to the container; Run Query runs the statement under the cursor', async () => {
    const opened = await vscode.commands.executeCommand<vscode.TextEditor>('containerDb.newSqlQuery', { containerName: NAME, content: statements.join('\n') + '\n' });
    assert.ok(opened, `no console: ${JSON.stringify(api.errors.lastError)}`);
    editor = opened;
    assert.strictEqual(editor.document.languageId, 'sql');
    const out = await runStatement(0);
    assert.strictEqual(out.status, 'ok', JSON.stringify(out));
    if (out.status !== 'ok') return;
    const expected = execFileSync('sqlite3', ['-json', containerFile, statements[0]], { encoding: 'utf8' });
    assert.deepStrictEqual(out.result.rows, (JSON.parse(expected) as Record<string, unknown>[]).map((r) => [r.id, r.name, r.email, r.role]));
    // The status bar names the database the console is bound to (and switches it on click).
    assert.match(api.consoles!.statusText ?? '', new RegExp(NAME.replace(/[-]/g, '\\-')));
  });

  it('copies a result to the clipboard as a Markdown table, one line per row', async () => {
    const out = await vscode.commands.executeCommand('containerDb.exportResult', { format: 'markdown', to: 'clipboard' });
    assert.ok(out, `export failed: ${JSON.stringify(api.errors.lastError)}`);
    const text = await vscode.env.clipboard.readText();
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^\| id \| name \| email \| role \|$/);
    assert.strictEqual(lines.length, inContainer.users.length + 2, text.slice(0, 500));
    assert.ok(text.includes('Zoë, "the" tester'), 'the value with a comma and quotes is there as text');
  });

  it('exports that result as CSV to a file, equal to what sqlite3 -csv writes', async () => {
    const file = path.join(tmp, 'users.csv');
    const where = await vscode.commands.executeCommand<vscode.Uri>('containerDb.exportResult', { format: 'csv', to: file });
    assert.ok(where, `export failed: ${JSON.stringify(api.errors.lastError)}`);
    const ours = fs.readFileSync(file, 'utf8');
    const reference = execFileSync('sqlite3', ['-csv', '-header', containerFile, statements[0]], { encoding: 'utf8' });
    assert.ok(ours.includes('"Zoë, ""the"" tester"'), 'the name with a comma and quotes is not quoted as RFC 4180 says');
    assert.deepStrictEqual(parseCsv(ours), parseCsv(reference));
    assert.strictEqual(parseCsv(ours).length, inContainer.users.length + 1);
    assert.ok(ours.endsWith('\r\n'), 'RFC 4180 records end with CRLF');
  });

  it('the row limit (containerDb.maxResultRows) cuts a result, and Load More Rows raises it', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('maxResultRows', 4, vscode.ConfigurationTarget.Global);
    try {
      const first = await runStatement(0);
      assert.ok(first.status === 'ok' && first.result.truncated && first.result.rows.length === 4, JSON.stringify(first.status === 'ok' && first.result.rows.length));
      const more = await vscode.commands.executeCommand<ResultsContent>('containerDb.loadMoreResults');
      assert.ok(more && more.kind === 'single');
      assert.strictEqual(more.run.result.rows.length, 8);
      const all = await vscode.commands.executeCommand<ResultsContent>('containerDb.loadMoreResults');
      assert.ok(all && all.kind === 'single');
      assert.strictEqual(all.run.result.rows.length, inContainer.users.length);
      assert.strictEqual(all.run.result.truncated, false);
    } finally {
      await config.update('maxResultRows', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('pages a result larger than containerDb.pageSize: First / Next / Last / Prev show what sqlite3 gives with LIMIT / OFFSET', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('pageSize', 50, vscode.ConfigurationTarget.Global);
    try {
      const out = await runStatement(6);
      assert.strictEqual(out.status, 'ok', JSON.stringify(out));
      const n = inContainer.userDaily.length;
      assert.ok(n > 150 && n < 1000, `the fixture has ${n} daily rows: want several pages under the row limit`);
      const expect = (offset: number) => sqliteRows(containerFile, `${DAILY} ORDER BY rowid LIMIT 50 OFFSET ${offset}`);
      const first = await pageResults();
      assert.deepStrictEqual([first.offset, first.total, first.pageSize, first.rows.length, first.hasPrev, first.hasNext], [0, n, 50, 50, false, true]);
      assert.deepStrictEqual(first.rows.map((r) => r.map(plain)), expect(0));
      assert.deepStrictEqual(first.columns.map((c) => [c.name, c.type]), [['id', 'TEXT'], ['user_id', 'TEXT'], ['usage_date', 'TEXT'], ['total_tokens', 'INTEGER']]);
      const next = await pageResults({ move: 'next' });
      assert.deepStrictEqual([next.offset, next.hasPrev, next.hasNext], [50, true, true]);
      assert.deepStrictEqual(next.rows.map((r) => r.map(plain)), expect(50));
      const last = await pageResults({ move: 'last' });
      assert.deepStrictEqual([last.offset, last.rows.length, last.hasNext], [n - 50, 50, false]);
      assert.deepStrictEqual(last.rows.map((r) => r.map(plain)), expect(n - 50));
      assert.deepStrictEqual(last.rows[49].map(plain), sqliteRows(containerFile, `${DAILY} ORDER BY rowid DESC LIMIT 1`)[0]);
      const prev = await pageResults({ move: 'prev' });
      assert.deepStrictEqual(prev.rows.map((r) => r.map(plain)), expect(n - 100));
      assert.strictEqual((await pageResults({ move: 'first' })).offset, 0);
    } finally {
      await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('sorts the whole loaded result by a column, then pages it: as ORDER BY col (ties in returned order) with LIMIT / OFFSET', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('pageSize', 50, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual((await runStatement(6)).status, 'ok');
      const n = inContainer.userDaily.length;
      const expect = (order: string, offset: number) => sqliteRows(containerFile, `${DAILY} ORDER BY ${order}, rowid LIMIT 50 OFFSET ${offset}`);
      await pageResults({ move: 'next' });
      const tokensDesc = await pageResults({ sort: { col: 3, dir: -1 } });
      assert.deepStrictEqual([tokensDesc.offset, tokensDesc.sort], [0, { col: 3, dir: -1 }], 'a sort starts again from the first page');
      assert.deepStrictEqual(tokensDesc.rows.map((r) => r.map(plain)), expect('total_tokens DESC', 0));
      assert.deepStrictEqual((await pageResults({ move: 'next' })).rows.map((r) => r.map(plain)), expect('total_tokens DESC', 50));
      assert.deepStrictEqual((await pageResults({ move: 'last' })).rows.map((r) => r.map(plain)), expect('total_tokens DESC', n - 50));
      // Text, with many ties (a user has a row on most days): ties keep the order the query returned.
      await pageResults({ sort: { col: 1, dir: 1 } });
      const byUser = await pageResults({ move: 'next' });
      assert.deepStrictEqual(byUser.rows.map((r) => r.map(plain)), expect('user_id', 50));
      assert.deepStrictEqual((await pageResults({ move: 'last' })).rows.map((r) => r.map(plain)), expect('user_id', n - 50));
      const unsorted = await pageResults({ sort: null });
      assert.deepStrictEqual(unsorted.rows.map((r) => r.map(plain)), sqliteRows(containerFile, `${DAILY} ORDER BY rowid LIMIT 50`));
    } finally {
      await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Load more still extends a result cut at containerDb.maxResultRows; the page then shows the first new row', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('pageSize', 50, vscode.ConfigurationTarget.Global);
    await config.update('maxResultRows', 120, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual((await runStatement(6)).status, 'ok');
      const cut = await pageResults({ move: 'last' });
      assert.deepStrictEqual([cut.truncated, cut.total, cut.offset], [true, 120, 70]);
      const more = await vscode.commands.executeCommand<ResultsContent>('containerDb.loadMoreResults');
      assert.ok(more && more.kind === 'single' && more.run.result.rows.length === 240);
      const page = await pageResults();
      assert.deepStrictEqual([page.total, page.offset, page.truncated], [240, 120, true]);
      assert.deepStrictEqual(page.rows.map((r) => r.map(plain)), sqliteRows(containerFile, `${DAILY} ORDER BY rowid LIMIT 50 OFFSET 120`));
    } finally {
      await config.update('maxResultRows', undefined, vscode.ConfigurationTarget.Global);
      await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('side by side pages both sides together, pair by pair; "only differences" pages the differing pairs', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    await config.update('pageSize', 50, vscode.ConfigurationTarget.Global);
    try {
      const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { containerId, queryId: 'daily-rows', target: 'both' });
      assert.ok(content && content.kind === 'compare', `no comparison: ${JSON.stringify(api.errors.lastError)}`);
      const pairs = content.cmp.pairs;
      const key = (p: { a?: unknown[]; b?: unknown[] }) => (p.a ?? p.b)![0];
      const shownKeys = (m: ComparePage) => m.pairs.map((p) => plain((p.a ?? p.b)![0]));
      const first = await pageResults<ComparePage>({ onlyDiff: false });
      assert.deepStrictEqual([first.offset, first.total, first.pairs.length], [0, pairs.length, 50]);
      assert.deepStrictEqual(shownKeys(first), pairs.slice(0, 50).map(key));
      const next = await pageResults<ComparePage>({ move: 'next' });
      assert.deepStrictEqual(next.pairs.map((p) => p.n), pairs.slice(50, 100).map((_, i) => 51 + i));
      assert.deepStrictEqual(shownKeys(next), pairs.slice(50, 100).map(key));
      // Totals stay those of each whole side on every page.
      assert.deepStrictEqual(next.a.sums, first.a.sums);
      const differing = pairs.map((p, i) => ({ p, i })).filter(({ p }) => p.status !== 'same');
      assert.ok(differing.length > 50, `only ${differing.length} pairs differ`);
      const onlyDiff = await pageResults<ComparePage>({ onlyDiff: true, move: 'last' });
      assert.deepStrictEqual([onlyDiff.total, onlyDiff.offset, onlyDiff.onlyDiff], [differing.length, differing.length - 50, true]);
      assert.deepStrictEqual(onlyDiff.pairs.map((p) => p.n), differing.slice(-50).map(({ i }) => i + 1));
      assert.ok(onlyDiff.pairs.every((p) => p.s !== 'same'));
      await pageResults<ComparePage>({ onlyDiff: false });
    } finally {
      await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a bad statement: SQLite\'s message as a diagnostic on that statement', async () => {
    const out = await runStatement(1);
    assert.strictEqual(out.status, 'error');
    if (out.status !== 'error') return;
    assert.match(out.message, /no such table: nope/);
    const diags = vscode.languages.getDiagnostics(editor.document.uri);
    assert.strictEqual(diags.length, 1);
    assert.match(diags[0].message, /no such table: nope/);
    assert.strictEqual(diags[0].range.start.line, 1);
    assert.strictEqual(editor.document.getText(diags[0].range), statements[1].replace(/;$/, ''));
    assert.strictEqual(api.errors.lastError?.code, 'QUERY_ERROR');
  });

  it('a write statement is refused with the READ_ONLY message, and nothing changed', async () => {
    const out = await runStatement(2);
    assert.strictEqual(out.status, 'refused');
    if (out.status !== 'refused') return;
    assert.strictEqual(out.code, 'READ_ONLY');
    assert.match(out.message, /read-only/);
    const diags = vscode.languages.getDiagnostics(editor.document.uri);
    assert.strictEqual(diags[0].range.start.line, 2);
    const count = await runStatement(0);
    assert.strictEqual(count.status === 'ok' && count.result.rows.length, inContainer.users.length);
  });

  it('named parameters are bound (:role given)', async () => {
    const out = await runStatement(3, { params: { role: 'admin' } });
    assert.strictEqual(out.status, 'ok', JSON.stringify(out));
    if (out.status !== 'ok') return;
    assert.deepStrictEqual(out.result.rows, inContainer.users.filter((u) => u.role === 'admin').map((u) => [u.id]));
  });

  it('cancels a never-ending query while the tree keeps answering; the next query runs', async () => {
    let settled = false;
    const running = runStatement(4).finally(() => (settled = true));
    while ((await vscode.commands.executeCommand<number>('containerDb.runningQueries')) < 1) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // let the statement reach the worker
    const children = await api.tree.getChildren(dbItem);
    assert.ok(children.length > 0);
    assert.strictEqual(settled, false, 'the query ended by itself: it was meant to run until cancelled');
    assert.strictEqual(await vscode.commands.executeCommand<number>('containerDb.cancelQueries'), 1);
    const out = await running;
    assert.strictEqual(out.status, 'cancelled');
    const again = await runStatement(0);
    assert.strictEqual(again.status, 'ok');
  });

  it('Switch Console Database rebinds the document: the same statement then reads the host file', async () => {
    const onContainer = await runStatement(5);
    assert.deepStrictEqual(onContainer.status === 'ok' && onContainer.result.rows, [[inContainer.userDaily.length]]);
    const binding = await vscode.commands.executeCommand<{ label: string }>('containerDb.switchConsoleDatabase', { hostPath: hostFile });
    assert.ok(binding && /^host: /.test(binding.label), JSON.stringify(binding));
    const onHostRun = await runStatement(5);
    assert.deepStrictEqual(onHostRun.status === 'ok' && onHostRun.result.rows, [[onHost.userDaily.length]]);
    assert.notStrictEqual(inContainer.userDaily.length, onHost.userDaily.length);
  });

  it('exports a whole table as JSON', async () => {
    const file = path.join(tmp, 'orgs.json');
    await vscode.commands.executeCommand('containerDb.exportTable', { containerId, table: { name: 'client_organizations' } }, { format: 'json', to: file });
    const rows = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ id: string; is_active: number }>;
    assert.deepStrictEqual(rows.map((r) => [r.id, r.is_active]), inContainer.orgs.map((o) => [o.id, o.is_active]));
  });
});
