// The Containers view and its commands, inside a real VS Code extension host, against the real
// Docker engine and fixture containers made here (prefix cdbt-d2-ext-). Expected values come from
// Debian's sqlite3 on the same file that was copied into the container.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
// Types only: the running extension is the bundle (dist/extension.js), so its classes are not the
// ones tsc compiled under out/src; items are told apart by their contextValue, as menus do.
import type { ContainerItem } from '../../src/extension/treeItems/containerItem';
import type { DatabaseItem } from '../../src/extension/treeItems/databaseItem';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';
import { createOpenWebuiContainer, dockerExec, ensureFixtureImage, FIXTURE_IMAGE, makeWebuiDb, removeByPrefix, docker } from '../support/dockerFixtures';
import { childByLabel, extensionApi, rootItems, until } from './extensionApi';

const PREFIX = 'cdbt-d2-ext-';
const OWUI = `${PREFIX}owui`;
const NODB = `${PREFIX}nodb`;
const NOTSQLITE = `${PREFIX}notsqlite`;
const BIND = `${PREFIX}bind`;

function sqlite3(db: string, sql: string): string {
  return execFileSync('sqlite3', ['-batch', '-noheader', db, sql], { encoding: 'utf8' }).trim();
}

describe('Containers view (real Docker engine)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let dbFile: string;
  let bindDir: string;
  let engineLoadedAtStart: boolean | undefined;
  let stateAtStart: string | undefined;

  before(async () => {
    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    dbFile = await makeWebuiDb(path.join(tmp, 'webui.db'), { users: 7, chats: 40 });
    const junk = path.join(tmp, 'junk', 'webui.db');
    fs.mkdirSync(path.dirname(junk));
    fs.writeFileSync(junk, 'this is a text file where the database should be\n'.repeat(200));
    bindDir = path.join(tmp, 'bind-data');
    fs.mkdirSync(bindDir);
    fs.copyFileSync(dbFile, path.join(bindDir, 'webui.db'));
    await ensureFixtureImage();
    await Promise.all([
      createOpenWebuiContainer({ name: OWUI, volume: `${OWUI}-data`, dbFile }),
      createOpenWebuiContainer({ name: NODB, volume: `${NODB}-data` }),
      createOpenWebuiContainer({ name: NOTSQLITE, volume: `${NOTSQLITE}-data`, dbFile: junk }),
      createOpenWebuiContainer({ name: BIND, bind: bindDir }),
    ]);
    api = await extensionApi();
    engineLoadedAtStart = api.store.engineLoaded;
    stateAtStart = api.docker.state.kind;
    await vscode.commands.executeCommand('containerDb.refresh');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('containerDb').update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function containerItem(name: string): Promise<ContainerItem> {
    const item = (await rootItems(api)).find((i) => i.label === name);
    assert.ok(item && /^container/.test(item.contextValue ?? ''), `${name} is not listed; saw ${(await rootItems(api)).map((i) => String(i.label)).join(', ')}`);
    return item as ContainerItem;
  }

  async function databaseItem(name: string): Promise<DatabaseItem> {
    const children = await api.tree.getChildren(await containerItem(name));
    const db = children.find((c) => /^database/.test(c.contextValue ?? ''));
    assert.ok(db, `no database node under ${name}`);
    return db as DatabaseItem;
  }

  it('activation loaded neither sql.js nor the Docker client', () => {
    assert.strictEqual(engineLoadedAtStart, false);
    assert.strictEqual(stateAtStart, 'idle');
    assert.ok(api.activationMs >= 0);
  });

  it('lists the fixture container with image and state, and its volume flagged as isolated from the host', async () => {
    const item = await containerItem(OWUI);
    assert.strictEqual(item.description, `${FIXTURE_IMAGE} · running`);
    assert.strictEqual(item.contextValue, 'container.db');
    assert.ok(item.id && item.id.startsWith('container:'));
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /ID/);

    const mounts = await childByLabel(api, item, 'Mounts');
    const [mount] = await api.tree.getChildren(mounts);
    assert.strictEqual(mount.label, `volume ${OWUI}-data → /app/backend/data`);
    assert.match(String(mount.description), /isolated from host/);

    const db = await databaseItem(OWUI);
    assert.strictEqual(db.label, '/app/backend/data/webui.db');
    assert.strictEqual(db.description, `in volume ${OWUI}-data · not pulled`);
    assert.strictEqual(db.contextValue, 'database');
  });

  it('shows a bind mount with its host path, not flagged', async () => {
    const item = await containerItem(BIND);
    const [mount] = await api.tree.getChildren(await childByLabel(api, item, 'Mounts'));
    assert.strictEqual(mount.label, `${bindDir} → /app/backend/data`);
    assert.doesNotMatch(String(mount.description ?? ''), /isolated/);
    assert.strictEqual((await databaseItem(BIND)).description, `in bind mount ${bindDir} · not pulled`);
  });

  it('Inspect Container DB (by name) adds the tables with the row counts sqlite3 reports', async () => {
    const entry = await vscode.commands.executeCommand<{ schema: unknown } | undefined>('containerDb.inspect', OWUI);
    assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
    const db = await databaseItem(OWUI);
    assert.strictEqual(db.contextValue, 'database.pulled');
    assert.match(String(db.description), /^pulled \d\d:\d\d · [\d.]+ (KB|MB)/);

    const names = sqlite3(dbFile, "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n');
    const tables = (await api.tree.getChildren(db)).filter((n) => n.contextValue === 'table');
    assert.deepStrictEqual(tables.map((t) => t.label).sort(), [...names].sort());
    for (const t of tables) {
      const count = Number(sqlite3(dbFile, `SELECT count(*) FROM "${String(t.label).replace(/"/g, '""')}"`));
      // The row count leads the description; a divergence badge (" · ≠ −8") may follow it.
      const rows = `${count.toLocaleString('en-US')} ${count === 1 ? 'row' : 'rows'}`;
      assert.ok(String(t.description) === rows || String(t.description).startsWith(`${rows} · `), `row count of ${String(t.label)}: ${String(t.description)}`);
    }
  });

  it('expands a table to its columns with type and PK / NOT NULL badges, and its indexes', async () => {
    const db = await databaseItem(OWUI);
    const user = await childByLabel(api, db, 'user');
    const columns = (await api.tree.getChildren(user)).filter((n) => n.contextValue === 'column');
    const info = sqlite3(dbFile, "SELECT name, type, pk, \"notnull\" FROM pragma_table_info('user') ORDER BY cid").split('\n').map((l) => l.split('|'));
    assert.deepStrictEqual(
      columns.map((c) => [c.label, c.description]),
      info.map(([name, type, pk, notnull]) => [name, [type || 'ANY', ...(pk !== '0' ? ['PK'] : []), ...(notnull === '1' ? ['NOT NULL'] : [])].join(' · ')]),
    );
    const indexCount = Number(sqlite3(dbFile, "SELECT count(*) FROM pragma_index_list('user')"));
    const groups = (await api.tree.getChildren(user)).filter((n) => n.label === 'Indexes');
    assert.strictEqual(groups.length, indexCount > 0 ? 1 : 0);
    if (indexCount) assert.strictEqual((await api.tree.getChildren(groups[0])).length, indexCount);
  });

  it('Inspect from the container item (the inline button) pulls the same database', async () => {
    const entry = await vscode.commands.executeCommand<{ snapshot: { stamp: { sha256: string } } } | undefined>('containerDb.inspect', await containerItem(BIND));
    assert.ok(entry, JSON.stringify(api.errors.lastError));
    const sha = execFileSync('sha256sum', [dbFile], { encoding: 'utf8' }).split(' ')[0];
    assert.strictEqual(entry.snapshot.stamp.sha256, sha);
  });

  it('hides sqlite_* tables unless containerDb.showSystemTables is on', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    const labels = async () => (await api.tree.getChildren(await databaseItem(OWUI))).map((n) => String(n.label));
    assert.ok(!(await labels()).includes('System tables'));
    const hasSystem = sqlite3(dbFile, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_%' AND type = 'table'") !== '0';
    await config.update('showSystemTables', true, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual((await labels()).includes('System tables'), hasSystem);
    } finally {
      await config.update('showSystemTables', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a container without the database file: one clear error, and the view keeps working', async () => {
    const result = await vscode.commands.executeCommand('containerDb.inspect', NODB);
    assert.strictEqual(result, undefined);
    assert.strictEqual(api.errors.lastError?.code, 'FILE_NOT_FOUND');
    assert.match(api.errors.lastError.message, /\/app\/backend\/data\/webui\.db does not exist/);
    assert.doesNotMatch(api.errors.lastError.message, /\n|at .*\.js:\d+/);
    await vscode.commands.executeCommand('containerDb.refresh');
    assert.ok((await rootItems(api)).some((i) => i.label === OWUI));
    assert.strictEqual((await databaseItem(NODB)).description, `in volume ${NODB}-data · not pulled`);
  });

  it('a file that is not SQLite at the path: a clear error', async () => {
    const result = await vscode.commands.executeCommand('containerDb.inspect', NOTSQLITE);
    assert.strictEqual(result, undefined);
    assert.strictEqual(api.errors.lastError?.code, 'NOT_SQLITE');
    assert.match(api.errors.lastError.message, /webui\.db/);
  });

  it('a failed or cancelled re-pull keeps the previous snapshot', async () => {
    const before = api.store.get((await containerItem(OWUI)).container.id);
    assert.ok(before);
    const container = (await containerItem(OWUI)).container;
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(api.store.pull(container, { signal: aborted.signal }), (err: { code?: string }) => err.code === 'CANCELLED');
    assert.strictEqual(api.store.get(container.id), before);

    await dockerExec(OWUI, ['mv', '/app/backend/data/webui.db', '/app/backend/data/moved.db']);
    try {
      assert.strictEqual(await vscode.commands.executeCommand('containerDb.repull', await databaseItem(OWUI)), undefined);
      assert.strictEqual(api.errors.lastError?.code, 'FILE_NOT_FOUND');
      assert.strictEqual(api.store.get(container.id), before);
      assert.strictEqual((await databaseItem(OWUI)).contextValue, 'database.pulled');
    } finally {
      await dockerExec(OWUI, ['mv', '/app/backend/data/moved.db', '/app/backend/data/webui.db']);
    }
  });

  it('Copy Path and Show Container Mounts act on the database node', async () => {
    const copied = await vscode.commands.executeCommand<string>('containerDb.copyPath', await databaseItem(OWUI));
    assert.strictEqual(copied, '/app/backend/data/webui.db');
    const mounts = await vscode.commands.executeCommand<string[]>('containerDb.showMounts', await databaseItem(OWUI));
    assert.deepStrictEqual(mounts, [`volume ${OWUI}-data → /app/backend/data`]);
  });

  it('opens a table grid, one panel per table, and pages to the last rows', async () => {
    const db = await databaseItem(OWUI);
    const chat = await childByLabel(api, db, 'chat');
    const grid = await vscode.commands.executeCommand<{ lastPage?: { offset: number; total: number; rows: unknown[] }; load(m: string): Promise<unknown>; panel: vscode.WebviewPanel }>(
      'containerDb.openTable',
      chat,
    );
    assert.ok(grid?.lastPage, JSON.stringify(api.errors.lastError));
    const total = Number(sqlite3(dbFile, 'SELECT count(*) FROM chat'));
    assert.strictEqual(grid.lastPage.total, total);
    assert.strictEqual(grid.lastPage.offset, 0);
    const again = await vscode.commands.executeCommand('containerDb.openTable', chat);
    assert.strictEqual(again, grid, 'the same table reuses its panel');
    await grid.load('last');
    const pageSize = vscode.workspace.getConfiguration('containerDb').get<number>('pageSize', 100);
    const expectedRows = Math.min(pageSize, total);
    assert.strictEqual(grid.lastPage.rows.length, expectedRows);
    assert.strictEqual(grid.lastPage.offset, total - expectedRows);
    grid.panel.dispose();
  });

  it('a table row\'s click command carries no argument a redraw could dispose, and still opens its table after redraws', async () => {
    const db = await databaseItem(OWUI);
    const chat = await childByLabel(api, db, 'chat');
    const before = api.tree.getTreeItem(chat).command;
    assert.ok(before, 'a table row opens on click');
    // VS Code hands a command's arguments to a click through a handle that a redraw disposes
    // ("Actual command not found"): the row's command must carry none.
    assert.deepStrictEqual(before.arguments ?? [], []);
    assert.notStrictEqual(before.command, 'containerDb.openTable');
    // Redraw the database node and its tables, as the divergence badge does after a pull, and re-pull.
    api.tree.refreshShown(String(db.id));
    assert.ok(await vscode.commands.executeCommand('containerDb.repull', await databaseItem(OWUI)), JSON.stringify(api.errors.lastError));
    const after = api.tree.getTreeItem(await childByLabel(api, await databaseItem(OWUI), 'chat')).command;
    assert.strictEqual(after?.command, before.command, 'the row keeps its command across redraws');
    // A click on the row as drawn before the redraws: its command runs Open Table on that table.
    const grid = await vscode.commands.executeCommand<{ lastPage?: { total: number }; panel: vscode.WebviewPanel }>(before.command);
    assert.ok(grid?.lastPage, JSON.stringify(api.errors.lastError));
    assert.strictEqual(grid.lastPage.total, Number(sqlite3(dbFile, 'SELECT count(*) FROM chat')));
    assert.match(grid.panel.title, /^chat — /);
    // Another table's row has a command of its own.
    const user = api.tree.getTreeItem(await childByLabel(api, await databaseItem(OWUI), 'user')).command!;
    assert.notStrictEqual(user.command, before.command);
    const userGrid = await vscode.commands.executeCommand<{ lastPage?: { total: number }; panel: vscode.WebviewPanel }>(user.command);
    assert.strictEqual(userGrid?.lastPage?.total, Number(sqlite3(dbFile, 'SELECT count(*) FROM "user"')));
    grid.panel.dispose();
    userGrid!.panel.dispose();
  });

  it('refreshes on Docker events, without polling', async () => {
    const name = `${PREFIX}late`;
    const listed = () => api.docker.containers().some((c) => c.name === name);
    assert.ok(!listed());
    const appeared = until(api, `${name} to appear`, listed);
    await docker(['run', '-d', '--network', 'none', '--name', name, FIXTURE_IMAGE, '/bin/sleep', '1000000'], { check: true });
    await appeared;
    const gone = until(api, `${name} to disappear`, () => !listed());
    await docker(['rm', '-f', name], { check: true });
    await gone;
  });

  it('an unreachable engine empties the view with the reason, and Retry recovers', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    const socket = path.join(tmp, 'no-engine.sock');
    await config.update('dockerHost', `unix://${socket}`, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('containerDb.refresh');
    assert.strictEqual(api.docker.state.kind, 'unreachable');
    assert.deepStrictEqual(await rootItems(api), []);
    assert.strictEqual(api.docker.state.kind === 'unreachable' && api.docker.state.error.code, 'ENGINE_SOCKET_MISSING');
    assert.ok(api.docker.state.kind === 'unreachable' && api.docker.state.error.message.includes(socket), 'the reason names the socket');
    const inspect = await vscode.commands.executeCommand('containerDb.inspect', OWUI);
    assert.strictEqual(inspect, undefined);
    assert.strictEqual(api.errors.lastError?.code, 'ENGINE_SOCKET_MISSING');

    await config.update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('containerDb.refresh');
    assert.strictEqual(api.docker.state.kind, 'ready');
    assert.strictEqual(api.treeView.description, undefined);
    assert.ok((await rootItems(api)).some((i) => i.label === OWUI));
  });
});

export type { TreeNode };
