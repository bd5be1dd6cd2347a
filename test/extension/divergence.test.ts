// Divergence between a container's database and the workspace's host database (issue 4), inside a
// real VS Code extension host against the real Docker engine. The host copy is the test
// workspace's backend/data/webui.db (scripts/makeWebuiDb.sh, made by the harness); the container's
// copy is derived from it with Debian's sqlite3 (rows deleted, updated, inserted, an extra table).
// Every expected count comes from `sqldiff --primarykey --summary` on the same two files.
// Fixture objects carry the prefix cdbt-g-ext-.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatabaseDiff } from '../../src/core/diff';
import type { Divergence } from '../../src/extension/divergence/divergence';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';
import { createOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { extensionApi, rootItems } from './extensionApi';
import { sqlite3Text as sqlite3 } from '../support/sqliteFixtures';

const PREFIX = 'cdbt-g-ext-';
const OWUI = `${PREFIX}owui`;
const BIND = `${PREFIX}bind`;

/** The edits that make the container's copy differ from the host's. */
const CONTAINER_EDITS = `
DELETE FROM client_user_daily_usage;
UPDATE chat SET title = title || ' (edited)' WHERE rowid % 4 <> 0;
DELETE FROM chat WHERE rowid % 50 = 1;
CREATE TEMP TABLE m AS SELECT * FROM model LIMIT 1;
UPDATE m SET id = 'only-in-container-model';
INSERT INTO model SELECT * FROM m;
UPDATE user SET name = name || '!' WHERE rowid <= 2;
CREATE TABLE container_only(id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO container_only VALUES (1, 'a'), (2, 'b');
`;

interface SummaryLine {
  changes: number;
  inserts: number;
  deletes: number;
  unchanged: number;
  missing?: 'first' | 'second';
}

/** `sqldiff --primarykey --summary A B`, parsed: the reference for every count. */
function sqldiffSummary(a: string, b: string): Map<string, SummaryLine> {
  const out = execFileSync('sqldiff', ['--primarykey', '--summary', a, b], { encoding: 'utf8' });
  const map = new Map<string, SummaryLine>();
  for (const line of out.split('\n').filter(Boolean)) {
    const counts = /^(.*): (\d+) changes, (\d+) inserts, (\d+) deletes, (\d+) unchanged$/.exec(line);
    const missing = /^(.*): missing from (first|second) database$/.exec(line);
    if (counts) map.set(counts[1], { changes: +counts[2], inserts: +counts[3], deletes: +counts[4], unchanged: +counts[5] });
    else if (missing) map.set(missing[1], { changes: 0, inserts: 0, deletes: 0, unchanged: 0, missing: missing[2] as 'first' | 'second' });
    else throw new Error(`unexpected sqldiff line: ${line}`);
  }
  return map;
}

const fmt = (n: number) => n.toLocaleString('en-US');
/** The badge the issue specifies: `≠ +1 −160 ~5000` (zero parts left out), "only in container". */
function expectedBadge(s: SummaryLine): string | undefined {
  if (s.missing === 'first') return 'only in container';
  if (s.missing === 'second') return 'only on host';
  const parts = [s.inserts ? `+${fmt(s.inserts)}` : '', s.deletes ? `−${fmt(s.deletes)}` : '', s.changes ? `~${fmt(s.changes)}` : ''].filter(Boolean);
  return parts.length ? `≠ ${parts.join(' ')}` : undefined;
}

function waitForDivergence(api: ContainerDbApi, containerId: string, what: string, check: (d: Divergence) => boolean, ms = 30000): Promise<Divergence> {
  const div = api.divergence!;
  const now = div.get(containerId);
  if (now && check(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}; last state ${JSON.stringify(div.get(containerId)?.kind)}`));
    }, ms);
    const sub = div.onDidChange((id) => {
      const d = div.get(id);
      if (id !== containerId || !d || !check(d)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(d);
    });
  });
}

/**
 * The status bar follows the view's selection, whose event arrives after `reveal` resolves and
 * after the comparison settles: poll for the expected text, then assert it (so it still fails).
 */
async function statusText(api: ContainerDbApi, expected: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (api.divergenceStatus!.text !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.strictEqual(api.divergenceStatus!.text, expected, `selection: ${JSON.stringify(api.treeView.selection.map((n) => n.id))} focused ${api.divergenceStatus!.focusedContainer}`);
}

/** Resolves once some tab satisfies `check` (the tab model follows the workbench asynchronously). */
function untilTabs(check: (t: vscode.Tab) => boolean, what: string, ms = 15000): Promise<void> {
  const has = () => vscode.window.tabGroups.all.some((g) => g.tabs.some(check));
  if (has()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      const seen = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${t.label} [${t.input?.constructor?.name}${t.input instanceof vscode.TabInputWebview ? ` ${t.input.viewType}` : ''}]`));
      reject(new Error(`timed out waiting for ${what}; tabs: ${seen.join(', ')}`));
    }, ms);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!has()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

describe('Divergence: container database vs host database (real Docker engine)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let hostDb: string;
  let containerDb: string;
  let owuiId: string;
  let bindId: string;
  let expected: Map<string, SummaryLine>;

  before(async () => {
    const workspace = process.env.CDB_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(workspace, 'no test workspace');
    hostDb = path.join(workspace, 'backend', 'data', 'webui.db');
    assert.ok(fs.existsSync(hostDb), `${hostDb} is missing: the harness makes it`);
    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    containerDb = path.join(tmp, 'webui.db');
    fs.copyFileSync(hostDb, containerDb);
    execFileSync('sqlite3', ['-bail', containerDb], { input: CONTAINER_EDITS });
    expected = sqldiffSummary(hostDb, containerDb);
    const [owui, bind] = await Promise.all([
      createOpenWebuiContainer({ name: OWUI, volume: `${OWUI}-data`, dbFile: containerDb }),
      // The workspace's own data folder, bind-mounted: the container reads the host file itself.
      createOpenWebuiContainer({ name: BIND, bind: path.dirname(hostDb) }),
    ]);
    owuiId = owui.id;
    bindId = bind.id;
    api = await extensionApi();
    assert.ok(api.divergence, 'the extension did not register the divergence service');
    await vscode.commands.executeCommand('containerDb.refresh');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('containerDb').update('hostDatabasePath', undefined, vscode.ConfigurationTarget.Workspace);
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function databaseItem(name: string): Promise<TreeNode> {
    const container = (await rootItems(api)).find((i) => i.label === name);
    assert.ok(container, `${name} is not listed`);
    const db = (await api.tree.getChildren(container)).find((c) => /^database/.test(c.contextValue ?? ''));
    assert.ok(db, `no database node under ${name}`);
    return db;
  }

  async function diffAfterPull(name: string, id: string): Promise<DatabaseDiff> {
    const entry = await vscode.commands.executeCommand('containerDb.inspect', name);
    assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
    const d = await api.divergence!.settled(id);
    assert.ok(d && d.kind === 'diff', `expected a diff, got ${JSON.stringify(d)}`);
    return d.diff;
  }

  it('after a pull, every table count equals sqldiff --primarykey --summary (host = A, container = B)', async () => {
    const diff = await diffAfterPull(OWUI, owuiId);
    assert.strictEqual(diff.identical, false);
    const names = diff.tables.map((t) => t.name).sort();
    assert.deepStrictEqual(names, [...expected.keys()].sort());
    for (const t of diff.tables) {
      const s = expected.get(t.name)!;
      if (s.missing === 'first') assert.strictEqual(t.status, 'only-in-b', t.name);
      else if (s.missing === 'second') assert.strictEqual(t.status, 'only-in-a', t.name);
      else assert.deepStrictEqual({ i: t.inserted, d: t.deleted, u: t.updated, same: t.unchanged }, { i: s.inserts, d: s.deletes, u: s.changes, same: s.unchanged }, t.name);
    }
  });

  it('the database node and each table carry the divergence badge', async () => {
    const db = await databaseItem(OWUI);
    const extraRows = Number(sqlite3(containerDb, 'SELECT count(*) FROM container_only'));
    let ins = extraRows;
    let del = 0;
    let upd = 0;
    for (const s of expected.values()) {
      ins += s.inserts;
      del += s.deletes;
      upd += s.changes;
    }
    assert.ok(String(db.description).endsWith(` · ≠ +${fmt(ins)} −${fmt(del)} ~${fmt(upd)}`), `database description: ${String(db.description)}`);
    const tables = (await api.tree.getChildren(db)).filter((n) => n.contextValue === 'table');
    assert.ok(tables.length >= expected.size - 1);
    for (const item of tables) {
      const badge = expectedBadge(expected.get(String(item.label))!);
      const desc = String(item.description);
      if (badge) assert.ok(desc.endsWith(` · ${badge}`), `${String(item.label)}: "${desc}" should end with "${badge}"`);
      else assert.doesNotMatch(desc, /≠|only/, `${String(item.label)} is the same on both sides`);
    }
    const usage = tables.find((t) => t.label === 'client_user_daily_usage')!;
    assert.ok(String(usage.description).startsWith('0 rows · ≠ −'), String(usage.description));
    assert.strictEqual(String(tables.find((t) => t.label === 'container_only')!.description), `${extraRows} rows · only in container`);
  });

  it('the status bar follows the selected container: "host ≠ container (N tables)"', async () => {
    await api.treeView.reveal(await databaseItem(OWUI), { select: true, focus: false });
    const differing = [...expected.values()].filter((s) => s.missing || s.changes || s.inserts || s.deletes).length;
    assert.strictEqual(api.divergenceStatus!.focusedContainer, owuiId);
    await statusText(api, `host ≠ container (${differing} tables)`);
  });

  it('Compare with Host Database opens the schema in the diff editor and the table view with the plain-words explanation', async () => {
    const result = await vscode.commands.executeCommand<{ schemaUris?: { host: vscode.Uri; container: vscode.Uri }; panel?: { lastInit?: any; lastRows?: any } }>('containerDb.compareWithHost', OWUI);
    assert.ok(result?.schemaUris && result.panel, `compare failed: ${JSON.stringify(api.errors.lastError)}`);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const diffTab = tabs.find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === 'container-db-schema');
    assert.ok(diffTab, `no schema diff tab; tabs: ${tabs.map((t) => t.label).join(', ')}`);
    const diffInput = diffTab.input as vscode.TabInputTextDiff;
    const hostText = (await vscode.workspace.openTextDocument(diffInput.original)).getText();
    const containerText = (await vscode.workspace.openTextDocument(diffInput.modified)).getText();
    assert.match(containerText, /^CREATE TABLE container_only\($/m);
    assert.doesNotMatch(hostText, /container_only/);
    assert.match(hostText, /^CREATE TABLE client_user_daily_usage\($/m);
    const isCompareTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('containerDb.compare');
    await untilTabs(isCompareTab, 'the compare webview tab');

    const init = result.panel.lastInit;
    const hostUsage = Number(sqlite3(hostDb, 'SELECT count(*) FROM client_user_daily_usage'));
    assert.strictEqual(init.table, 'client_user_daily_usage');
    assert.strictEqual(init.explanation.headline, `client_user_daily_usage: 0 rows in the container, ${fmt(hostUsage)} on the host`);
    assert.match(init.explanation.container, new RegExp(`reads /app/backend/data/webui.db, in the named volume ${OWUI}-data`));
    assert.ok(init.explanation.host.includes(hostDb), init.explanation.host);
    assert.match(init.explanation.relation, /^Separate stores/);
    assert.strictEqual(init.matched, 'Rows paired by PRIMARY KEY (id).');
    // Page one of the rows only on the host, in key order, host side filled and container side absent.
    const rows = result.panel.lastRows;
    const pageSize = vscode.workspace.getConfiguration('containerDb').get<number>('pageSize', 100);
    const ids = sqlite3(hostDb, `SELECT id FROM client_user_daily_usage ORDER BY id LIMIT ${pageSize}`).split('\n');
    assert.strictEqual(rows.kind, 'deleted');
    assert.deepStrictEqual(rows.rows.map((r: { key: string }) => r.key), ids);
    assert.ok(rows.rows.every((r: { left: unknown; right: unknown }) => r.left && r.right === null));
    assert.strictEqual(rows.total, hostUsage);
    assert.strictEqual(rows.hasNext, hostUsage > pageSize);
  });

  it('the table view pages through changed rows with the changed cells named', async () => {
    const result = await vscode.commands.executeCommand<{ panel?: any }>('containerDb.compareWithHost', { containerId: owuiId, table: 'chat' });
    const panel = result?.panel;
    assert.ok(panel, JSON.stringify(api.errors.lastError));
    const total = expected.get('chat')!.changes;
    const first = await panel.showKind('updated');
    const titleAt = panel.lastInit.columns.indexOf('title');
    assert.ok(titleAt >= 0);
    const seen: string[] = [];
    let page = first;
    for (;;) {
      assert.strictEqual(page.type, 'rows', JSON.stringify(page));
      for (const r of page.rows) {
        assert.deepStrictEqual(r.changed, [titleAt], `row ${r.key}`);
        assert.strictEqual(r.right[titleAt].v, `${r.left[titleAt].v} (edited)`);
        seen.push(r.key);
      }
      if (!page.hasNext) break;
      page = await panel.load('next');
    }
    assert.strictEqual(seen.length, total);
    assert.strictEqual(new Set(seen).size, total);
  });

  it('a bind mount whose source is the host file is "same file: bind mount", not diffed', async () => {
    const entry = await vscode.commands.executeCommand('containerDb.inspect', BIND);
    assert.ok(entry, JSON.stringify(api.errors.lastError));
    const d = await api.divergence!.settled(bindId);
    assert.strictEqual(d?.kind, 'same-file', JSON.stringify(d));
    const db = await databaseItem(BIND);
    assert.ok(String(db.description).endsWith(' · same file: bind mount'), String(db.description));
    await api.treeView.reveal(db, { select: true, focus: false });
    await statusText(api, 'same file: bind mount');
  });

  it('recomputes when the host file changes on disk (file watcher)', async () => {
    // A copy of the host file, chosen by the setting, so that the harness's workspace file stays as it was.
    const folder = path.dirname(path.dirname(path.dirname(hostDb)));
    const copy = path.join(folder, 'cdbt-g-host', 'webui.db');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(containerDb, copy);
    await vscode.workspace.getConfiguration('containerDb').update('hostDatabasePath', 'cdbt-g-host/webui.db', vscode.ConfigurationTarget.Workspace);
    const same = await waitForDivergence(api, owuiId, 'the comparison with an identical copy', (d) => d.kind === 'diff' && d.hostPath === copy);
    assert.ok(same.kind === 'diff' && same.diff.identical, 'a copy of the container file should be identical');
    await api.treeView.reveal(await databaseItem(OWUI), { select: true, focus: false });
    await statusText(api, 'host = container');

    sqlite3(copy, 'DELETE FROM container_only WHERE id = 2; UPDATE user SET name = \'changed on host\' WHERE rowid = 5;');
    const after = await waitForDivergence(api, owuiId, 'a new comparison after the host file changed', (d) => d.kind === 'diff' && !d.diff.identical);
    assert.ok(after.kind === 'diff');
    const ref = sqldiffSummary(copy, containerDb);
    const extra = after.diff.tables.find((t) => t.name === 'container_only')!;
    const user = after.diff.tables.find((t) => t.name === 'user')!;
    assert.deepStrictEqual([extra.inserted, extra.deleted, extra.updated], [ref.get('container_only')!.inserts, ref.get('container_only')!.deletes, ref.get('container_only')!.changes]);
    assert.deepStrictEqual([user.inserted, user.deleted, user.updated], [ref.get('user')!.inserts, ref.get('user')!.deletes, ref.get('user')!.changes]);
    await statusText(api, 'host ≠ container (2 tables)');
    await vscode.workspace.getConfiguration('containerDb').update('hostDatabasePath', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  });
});
