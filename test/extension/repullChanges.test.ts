// Changes since the last pull (issue 11, part 1), inside a real VS Code extension host against the
// real Docker engine (named to run after containersView.test, which checks that activation loaded
// no sql.js): pull, write rows with the container's own sqlite3 (insert, update, delete),
// re-pull, and check the tree badges, the change view's counts and rows, and the status bar
// against `sqldiff --primarykey` run on the two snapshots as saved by Save Snapshot. Then: the
// previous snapshot is released by the next pull, and one too large to keep is explained.
// Fixture objects carry the prefix cdb11e-ext-.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { ChangesPanel } from '../../src/extension/changes/changesPanel';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';
import { freshOpenWebuiContainer, removeByPrefix, sqliteInContainer } from '../support/dockerFixtures';
import { childByLabel, extensionApi, rootItems } from './extensionApi';

const PREFIX = 'cdb11e-ext-';
const NAME = `${PREFIX}owui`;
const MASK = '••••••••';

/** What the app "does" between the two pulls: 3 chats in, 1 renamed, 2 deleted; one password changed. */
const WRITES = `
INSERT INTO chat SELECT 'new-' || id, user_id, 'new ' || title, chat, created_at, updated_at, NULL, archived, pinned, meta, folder_id FROM chat ORDER BY id LIMIT 3;
UPDATE chat SET title = title || ' (renamed)' WHERE id = (SELECT id FROM chat WHERE id NOT LIKE 'new-%' ORDER BY id LIMIT 1 OFFSET 5);
DELETE FROM chat WHERE id IN (SELECT id FROM chat WHERE id NOT LIKE 'new-%' ORDER BY id DESC LIMIT 2);
UPDATE auth SET password = 'changed-secret-hash' WHERE id = (SELECT id FROM auth ORDER BY id LIMIT 1);
`;

interface Summary {
  changes: number;
  inserts: number;
  deletes: number;
}

function sqldiffSummary(a: string, b: string): Map<string, Summary> {
  const out = execFileSync('sqldiff', ['--primarykey', '--summary', a, b], { encoding: 'utf8' });
  const map = new Map<string, Summary>();
  for (const line of out.split('\n').filter(Boolean)) {
    const m = /^(.*): (\d+) changes, (\d+) inserts, (\d+) deletes, (\d+) unchanged$/.exec(line);
    if (m) map.set(m[1], { changes: +m[2], inserts: +m[3], deletes: +m[4] });
  }
  return map;
}

/** The keys sqldiff's SQL touches in `table`, per statement kind (single-column text keys). */
function sqldiffKeys(a: string, b: string, table: string): { inserted: string[]; deleted: string[]; updated: string[] } {
  const out = execFileSync('sqldiff', ['--primarykey', '--table', table, a, b], { encoding: 'utf8' });
  const keys = { inserted: [] as string[], deleted: [] as string[], updated: [] as string[] };
  for (const line of out.split('\n')) {
    const ins = new RegExp(`^INSERT INTO ${table}\\(.*?\\) VALUES\\('([^']*)'`).exec(line);
    const del = new RegExp(`^DELETE FROM ${table} WHERE id='([^']*)';`).exec(line);
    const upd = new RegExp(`^UPDATE ${table} SET .* WHERE id='([^']*)';$`).exec(line);
    if (ins) keys.inserted.push(ins[1]);
    else if (del) keys.deleted.push(del[1]);
    else if (upd) keys.updated.push(upd[1]);
  }
  for (const k of Object.values(keys)) k.sort();
  return keys;
}

describe('Changes since the last pull (real Docker engine)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let id: string;

  before(async () => {
    ({ tmp } = await freshOpenWebuiContainer(PREFIX, NAME, { users: 9, chats: 60 }));
    api = await extensionApi();
    await vscode.commands.executeCommand('containerDb.refresh');
  });

  after(async () => {
    for (const p of api?.changes?.panels.all() ?? []) p.dispose();
    await vscode.workspace.getConfiguration('containerDb').update('maxDatabaseSize', undefined, vscode.ConfigurationTarget.Global);
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function databaseItem(): Promise<TreeNode> {
    const container = (await rootItems(api)).find((i) => i.label === NAME);
    assert.ok(container, `${NAME} is not listed`);
    const db = (await api.tree.getChildren(container)).find((c) => /^database/.test(c.contextValue ?? ''));
    assert.ok(db, `no database node under ${NAME}`);
    return db;
  }

  async function save(file: string): Promise<string> {
    const saved = await vscode.commands.executeCommand<string>('containerDb.saveSnapshot', NAME, vscode.Uri.file(file));
    assert.strictEqual(saved, file, JSON.stringify(api.errors.lastError));
    return file;
  }

  async function repull(): Promise<void> {
    assert.ok(await vscode.commands.executeCommand('containerDb.repull', await databaseItem()), JSON.stringify(api.errors.lastError));
    await api.changes!.service.settled(id);
  }

  /** The status bar's relative time ticks: poll for a text matching `re`. */
  async function statusMatches(re: RegExp): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!re.test(api.changes!.status.text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(api.changes!.status.text, re);
  }

  it('a first pull has no changes; a re-pull after writes reports exactly what sqldiff --primarykey reports', async () => {
    const first = await vscode.commands.executeCommand<{ containerId: string } | undefined>('containerDb.inspect', NAME);
    assert.ok(first, JSON.stringify(api.errors.lastError));
    id = first.containerId;
    assert.strictEqual(api.store.previousOf(id), undefined);
    assert.strictEqual(api.changes!.service.get(id), undefined);
    const a = await save(path.join(tmp, 'a.db'));

    await sqliteInContainer(NAME, WRITES);
    await repull();
    const prev = api.store.previousOf(id);
    assert.strictEqual(prev?.kind, 'kept');
    assert.strictEqual(prev.entry, first, 'the snapshot the re-pull replaced is kept');
    const b = await save(path.join(tmp, 'b.db'));

    const c = api.changes!.service.get(id);
    assert.strictEqual(c?.kind, 'diff', JSON.stringify(c));
    const expected = sqldiffSummary(a, b);
    for (const t of c.diff.tables) {
      const e = expected.get(t.name) ?? { changes: 0, inserts: 0, deletes: 0 };
      assert.deepStrictEqual({ name: t.name, inserted: t.inserted, deleted: t.deleted, updated: t.updated }, { name: t.name, inserted: e.inserts, deleted: e.deletes, updated: e.changes });
    }
    assert.deepStrictEqual(expected.get('chat'), { changes: 1, inserts: 3, deletes: 2 }, 'the writes did what the test means');

    // The tree: each changed table's badge, after the host divergence badge when there is one.
    const db = await databaseItem();
    assert.match(String(api.tree.getTreeItem(db).description), /2 tables changed since last pull$/);
    for (const [table, badge] of [
      ['chat', '+3 ~1 −2'],
      ['auth', '~1'],
    ]) {
      const desc = String(api.tree.getTreeItem(await childByLabel(api, db, table)).description);
      assert.ok(desc.endsWith(`· since pull ${badge}`) || desc.endsWith(`${badge} since last pull`), `${table}: ${desc}`);
      if (desc.includes('≠')) assert.ok(desc.indexOf('≠') < desc.indexOf('since pull'), `the divergence badge comes first: ${desc}`);
    }
    const user = String(api.tree.getTreeItem(await childByLabel(api, db, 'user')).description ?? '');
    assert.ok(!user.includes('pull'), `an unchanged table has no changes badge: ${user}`);

    await statusMatches(/^2 tables changed \d+ s ago$/);
  });

  it('Show Changes lists the rows themselves: inserted, deleted, updated with the changed cells, secrets masked', async () => {
    const keys = sqldiffKeys(path.join(tmp, 'a.db'), path.join(tmp, 'b.db'), 'chat');
    const panel = await vscode.commands.executeCommand<ChangesPanel>('containerDb.showChanges', { containerId: id, table: 'chat' });
    assert.ok(panel?.lastInit, JSON.stringify(api.errors.lastError ?? panel?.lastError));
    assert.deepStrictEqual(panel.lastInit.counts, { inserted: 3, deleted: 2, updated: 1, unchanged: panel.lastInit.counts.unchanged });
    assert.strictEqual(panel.lastInit.kind, 'inserted');
    const keyOf = (r: { key: string }) => r.key.replace(/^'|'$/g, '');
    assert.deepStrictEqual(panel.lastRows!.rows.map(keyOf).sort(), keys.inserted);
    assert.ok(panel.lastRows!.rows.every((r) => r.left === null && r.right), 'inserted rows are on the right only');

    await panel.showKind('deleted');
    assert.deepStrictEqual(panel.lastRows!.rows.map(keyOf).sort(), keys.deleted);
    assert.ok(panel.lastRows!.rows.every((r) => r.right === null && r.left));

    await panel.showKind('updated');
    const rows = panel.lastRows!.rows;
    assert.deepStrictEqual(rows.map(keyOf), keys.updated);
    const title = panel.lastInit.columns.indexOf('title');
    assert.deepStrictEqual(rows[0].changed, [title]);
    const text = (c: { k: string; v?: string }) => c.v;
    assert.strictEqual(text(rows[0].right![title] as { k: string; v?: string }), `${text(rows[0].left![title] as { k: string; v?: string })} (renamed)`);

    // A secret column: shown changed, with both values masked.
    await panel.show('auth');
    assert.strictEqual(panel.lastInit!.kind, 'updated');
    const pw = panel.lastInit!.columns.indexOf('password');
    const r = panel.lastRows!.rows[0];
    assert.deepStrictEqual(r.changed, [pw]);
    assert.deepStrictEqual([(r.left![pw] as { v?: string }).v, (r.right![pw] as { v?: string }).v], [MASK, MASK]);
    assert.ok(!JSON.stringify(panel.lastRows).includes('changed-secret-hash'));
    assert.match(panel.panel.title, /^Changes: /);
  });

  it('the next pull releases the previous snapshot and keeps the one it replaces', async () => {
    const previous = api.store.previousOf(id);
    assert.strictEqual(previous?.kind, 'kept');
    const replaced = api.store.get(id)!;
    await repull();
    const now = api.store.previousOf(id);
    assert.strictEqual(now?.kind === 'kept' && now.entry, replaced);
    // The release waits for work on the pair, then closes the handle in the worker.
    await api.store.withPair(id, async () => undefined);
    await assert.rejects(api.store.query(previous.entry, 'SELECT 1'));
    const c = api.changes!.service.get(id);
    assert.ok(c?.kind === 'diff' && c.diff.identical, 'nothing was written since');
    await statusMatches(/^no changes \d+ s ago$/);
    // The open change view follows: its table has no rows changed now.
    const panel = api.changes!.panels.all()[0];
    assert.deepStrictEqual(panel?.lastInit && { i: panel.lastInit.counts.inserted, d: panel.lastInit.counts.deleted, u: panel.lastInit.counts.updated }, { i: 0, d: 0, u: 0 });
  });

  it('a re-pull that fails keeps everything as it was: the snapshot, the previous one, the changes', async () => {
    const entry = api.store.get(id)!;
    const previous = api.store.previousOf(id);
    const changes = api.changes!.service.get(id);
    assert.ok(entry.snapshot.bytes.byteLength > 1024 * 1024, 'the fixture is over 1 MB');
    // 1 MB, the setting's minimum: the pull is refused before any byte is copied.
    await vscode.workspace.getConfiguration('containerDb').update('maxDatabaseSize', 1, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual(await vscode.commands.executeCommand('containerDb.repull', await databaseItem()), undefined);
      assert.strictEqual(api.errors.lastError?.code, 'TOO_LARGE', JSON.stringify(api.errors.lastError));
    } finally {
      await vscode.workspace.getConfiguration('containerDb').update('maxDatabaseSize', undefined, vscode.ConfigurationTarget.Global);
    }
    await api.changes!.service.settled(id);
    assert.strictEqual(api.store.get(id), entry);
    assert.strictEqual(api.store.previousOf(id), previous);
    assert.strictEqual(api.changes!.service.get(id), changes);
    assert.ok(previous?.kind === 'kept');
    assert.deepStrictEqual((await api.store.query(previous.entry, 'SELECT 1')).rows, [[1]], 'the previous snapshot is still open');
  });

  it('a previous snapshot that does not fit containerDb.maxDatabaseSize beside the new one is not kept, and the view says why', async () => {
    const size = api.store.get(id)!.snapshot.bytes.byteLength;
    // Room for one snapshot, not for two.
    const mb = Math.ceil((size * 1.5) / (1024 * 1024) * 10) / 10;
    assert.ok(size * 2 > mb * 1024 * 1024 && size <= mb * 1024 * 1024, `fixture of ${size} bytes`);
    await vscode.workspace.getConfiguration('containerDb').update('maxDatabaseSize', mb, vscode.ConfigurationTarget.Global);
    const kept = api.store.previousOf(id);
    await sqliteInContainer(NAME, "UPDATE chat SET title = title || '!' WHERE id = (SELECT min(id) FROM chat);");
    await repull();
    const prev = api.store.previousOf(id);
    assert.strictEqual(prev?.kind, 'too-large');
    assert.match(prev.reason, /would not fit containerDb\.maxDatabaseSize/);
    assert.strictEqual(api.changes!.service.get(id)?.kind, 'unavailable');
    await api.store.withPair(id, async () => undefined).catch(() => undefined);
    if (kept?.kind === 'kept') await assert.rejects(api.store.query(kept.entry, 'SELECT 1'), 'the older previous is released');
    const panel = await vscode.commands.executeCommand<ChangesPanel>('containerDb.showChanges', { containerId: id });
    assert.match(String(panel?.lastError), /The previous snapshot was not kept: both snapshots \(.+\) would not fit containerDb\.maxDatabaseSize/);
    await statusMatches(/^changes: previous pull not kept$/);
    assert.match(String(api.tree.getTreeItem(await databaseItem()).description), /changes: previous not kept$/);
    await vscode.workspace.getConfiguration('containerDb').update('maxDatabaseSize', undefined, vscode.ConfigurationTarget.Global);
  });
});
