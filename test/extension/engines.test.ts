// Several engines in one view (issue 12 part 3), inside a real VS Code extension host: the Docker
// engine and Podman's service (test/support/secondEngine.ts), both configured in
// containerDb.engines. Each engine is a root node with its own containers; a container of each is
// pulled through its own engine; one engine unreachable leaves the other working; the same engine
// configured twice is listed once. Fixtures carry the prefix cdb12v-ext-.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { ResultsContent } from '../../src/extension/queries/resultContent';
import type { DatabaseEntry } from '../../src/extension/snapshotStore';
import type { TreeNode } from '../../src/extension/treeItems/treeNode';
import { createOpenWebuiContainer, ensureFixtureImage, makeWebuiDb, removeByPrefix } from '../support/dockerFixtures';
import { EngineProxy } from '../support/engineProxy';
import { createPodmanOwui, ensurePodmanService, PODMAN_HOST, removePodmanByPrefix, stopPodmanService } from '../support/secondEngine';
import { extensionApi, rootItems, until } from './extensionApi';

const PREFIX = 'cdb12v-ext-';
const ON_DOCKER = `${PREFIX}docker-owui`;
const ON_PODMAN = `${PREFIX}podman-owui`;

function sqlite3(db: string, sql: string): string {
  return execFileSync('sqlite3', ['-batch', '-noheader', db, sql], { encoding: 'utf8' }).trim();
}

const userTables = (db: string): string[] => sqlite3(db, "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n');

describe('Several engines in one view (Docker + Podman)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let dockerDb: string;
  let podmanDb: string;
  let proxy: EngineProxy | undefined;
  const config = () => vscode.workspace.getConfiguration('containerDb');

  /** Applies containerDb.engines and lists every engine afresh. */
  async function useEngines(engines: unknown[] | undefined): Promise<void> {
    await config().update('engines', engines, vscode.ConfigurationTarget.Global);
    api.docker.reset();
    await api.docker.refresh();
  }

  const engineRoot = async (name: string): Promise<TreeNode> => {
    const roots = await rootItems(api);
    const root = roots.find((r) => r.label === name);
    assert.ok(root, `no root node ${name}; saw ${roots.map((r) => `${String(r.label)} [${r.contextValue}]`).join(', ')}`);
    return root;
  };
  const labelsUnder = async (node: TreeNode): Promise<string[]> => (await api.tree.getChildren(node)).map((c) => String(c.label));

  before(async function () {
    const why = await ensurePodmanService();
    if (why) {
      console.log(`skipped: ${why}`);
      this.skip();
    }
    await removeByPrefix(PREFIX);
    await removePodmanByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    dockerDb = await makeWebuiDb(path.join(tmp, 'docker.db'), { users: 4, chats: 10 });
    podmanDb = await makeWebuiDb(path.join(tmp, 'podman.db'), { users: 9, chats: 3 });
    await ensureFixtureImage();
    await createOpenWebuiContainer({ name: ON_DOCKER, volume: `${ON_DOCKER}-data`, dbFile: dockerDb });
    await createPodmanOwui(ON_PODMAN, podmanDb);
    api = await extensionApi();
    // The Podman container is created, not started: listed with showAllContainers.
    await config().update('showAllContainers', true, vscode.ConfigurationTarget.Global);
    await useEngines([{ name: 'docker' }, { name: 'podman', host: PODMAN_HOST }]);
  });

  after(async () => {
    if (!api) return;
    await config().update('engines', undefined, vscode.ConfigurationTarget.Global);
    await config().update('showAllContainers', undefined, vscode.ConfigurationTarget.Global);
    api.docker.reset();
    await api.docker.refresh();
    await proxy?.stop();
    await removeByPrefix(PREFIX);
    await removePodmanByPrefix(PREFIX);
    stopPodmanService();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows each engine as a root node with its kind, version and address, and its own containers under it', async () => {
    const roots = await rootItems(api);
    assert.deepStrictEqual(
      roots.map((r) => [r.label, r.contextValue, r.id]),
      [
        ['docker', 'engine', 'engine:docker'],
        ['podman', 'engine', 'engine:podman'],
      ],
    );
    for (const r of roots) {
      assert.match(String(r.description), /^(docker|podman) \S+ · \d+ containers?$/, `${String(r.label)}: ${String(r.description)}`);
      assert.ok(r.iconPath instanceof vscode.ThemeIcon && !/^vm/.test(r.iconPath.id), 'an engine has its own icon, not a container one');
    }
    assert.match((roots[1].tooltip as vscode.MarkdownString).value, /podman\.sock/);
    const underDocker = await labelsUnder(roots[0]);
    const underPodman = await labelsUnder(roots[1]);
    assert.ok(underDocker.includes(ON_DOCKER) && !underDocker.includes(ON_PODMAN), `docker lists ${underDocker.join(', ')}`);
    assert.ok(underPodman.includes(ON_PODMAN) && !underPodman.includes(ON_DOCKER), `podman lists ${underPodman.join(', ')}`);
    const podmanContainer = (await api.tree.getChildren(roots[1])).find((c) => c.label === ON_PODMAN)!;
    assert.strictEqual(api.tree.getParent(podmanContainer), roots[1]);
    assert.match((podmanContainer.tooltip as vscode.MarkdownString).value, /\*\*Engine:\*\* podman/);
  });

  it('pulls a container of each engine through its own engine: tables as sqlite3 lists them, the engine named with the container', async () => {
    for (const [name, engine, file] of [
      [ON_DOCKER, 'docker', dockerDb],
      [ON_PODMAN, 'podman', podmanDb],
    ] as const) {
      const entry = await vscode.commands.executeCommand<DatabaseEntry | undefined>('containerDb.inspect', name);
      assert.ok(entry, `inspect of ${name} failed: ${JSON.stringify(api.errors.lastError)}`);
      assert.strictEqual(entry.engineName, engine);
      assert.strictEqual(entry.containerLabel, `${name} on ${engine}`);
      const container = (await api.tree.getChildren(await engineRoot(engine))).find((c) => c.label === name)!;
      const db = (await api.tree.getChildren(container)).find((c) => /^database/.test(c.contextValue ?? ''))!;
      assert.strictEqual(db.contextValue, 'database.pulled');
      const tables = (await api.tree.getChildren(db)).filter((c) => c.contextValue === 'table').map((c) => String(c.label));
      assert.deepStrictEqual(tables, userTables(file));
    }
    // Different databases: each pull really went to its own engine.
    const users = (name: string) => api.store.get(api.docker.containers().find((c) => c.name === name)!.id)!.schema.tables.find((t) => t.name === 'user')!.rows;
    assert.strictEqual(users(ON_DOCKER), 4);
    assert.strictEqual(users(ON_PODMAN), 9);
  });

  it('a quick query names the engine with the container', async () => {
    const id = api.docker.containers().find((c) => c.name === ON_PODMAN)!.id;
    const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { containerId: id, queryId: 'users-by-role', target: 'container', useDefaults: true });
    assert.ok(content && content.kind === 'single', `no result: ${JSON.stringify(api.errors.lastError)}`);
    assert.strictEqual(content.source, `${ON_PODMAN} on podman:/app/backend/data/webui.db`);
    assert.strictEqual(content.run.result.rows.length, 9);
  });

  it('one name on both engines: each listed under its own engine, and "NAME on ENGINE" picks which one to pull', async () => {
    const twin = `${PREFIX}twin`;
    await createOpenWebuiContainer({ name: twin, volume: `${twin}-data`, dbFile: dockerDb });
    await createPodmanOwui(twin, podmanDb);
    await api.docker.refresh();
    assert.ok((await labelsUnder(await engineRoot('docker'))).includes(twin));
    assert.ok((await labelsUnder(await engineRoot('podman'))).includes(twin));
    for (const [engine, users] of [
      ['podman', 9],
      ['docker', 4],
    ] as const) {
      const entry = await vscode.commands.executeCommand<DatabaseEntry | undefined>('containerDb.inspect', `${twin} on ${engine}`);
      assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
      assert.strictEqual(entry.engineName, engine);
      assert.strictEqual(entry.schema.tables.find((t) => t.name === 'user')?.rows, users);
    }
  });

  it('an unreachable engine is a root node saying why, with Retry; the other engine keeps working', async () => {
    const missing = path.join(tmp, 'no-engine.sock');
    await useEngines([{ name: 'docker' }, { name: 'podman', host: `unix://${missing}` }]);
    const podman = await engineRoot('podman');
    assert.strictEqual(podman.contextValue, 'engine.unreachable');
    assert.match(String(podman.description), /^unreachable: /);
    assert.ok(String(podman.description).includes(missing), `the reason names the socket: ${String(podman.description)}`);
    assert.deepStrictEqual(await api.tree.getChildren(podman), []);
    assert.strictEqual(api.docker.state.kind, 'ready');
    const docker = await engineRoot('docker');
    assert.strictEqual(docker.contextValue, 'engine');
    assert.ok((await labelsUnder(docker)).includes(ON_DOCKER));
    // The docker side still pulls.
    const entry = await vscode.commands.executeCommand<DatabaseEntry | undefined>('containerDb.inspect', ON_DOCKER);
    assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
    // Retry of the one engine: still unreachable, the docker engine untouched.
    await vscode.commands.executeCommand('containerDb.retryEngine', podman);
    assert.strictEqual((await engineRoot('podman')).contextValue, 'engine.unreachable');
    assert.strictEqual(api.docker.byName('docker')?.state.kind, 'ready');

    await useEngines([{ name: 'docker' }, { name: 'podman', host: PODMAN_HOST }]);
    await until(api, 'podman to be listed again', () => api.docker.byName('podman')?.state.kind === 'ready');
    assert.ok((await labelsUnder(await engineRoot('podman'))).includes(ON_PODMAN));
  });

  it('the same engine configured twice is listed once: the later entry names the one it repeats', async () => {
    proxy = await EngineProxy.start({ tcp: true });
    await useEngines([{ name: 'docker' }, { name: 'again', host: proxy.dockerHost }]);
    const again = await engineRoot('again');
    assert.strictEqual(again.contextValue, 'engine.duplicate');
    assert.strictEqual(again.description, "same engine as 'docker'");
    assert.deepStrictEqual(await api.tree.getChildren(again), []);
    assert.strictEqual(api.docker.containers().filter((c) => c.name === ON_DOCKER).length, 1);
    const id = api.docker.containers().find((c) => c.name === ON_DOCKER)!.id;
    assert.strictEqual(api.docker.engineOf(id)?.name, 'docker');
  });

  it('with containerDb.engines empty the view is as it was: containers at the root', async () => {
    await useEngines(undefined);
    const roots = await rootItems(api);
    assert.ok(roots.length > 0 && roots.every((r) => /^container/.test(r.contextValue ?? '')), roots.map((r) => `${String(r.label)} [${r.contextValue}]`).join(', '));
    assert.ok(roots.some((r) => r.label === ON_DOCKER));
    assert.strictEqual(api.docker.multi, false);
    assert.strictEqual(api.docker.label('x', ON_DOCKER), ON_DOCKER);
  });
});
