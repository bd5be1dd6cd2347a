// `container-db ls --all-engines` (issue 12 part 3) against real engines: the default Docker engine
// and a second one reached through a Docker context in a temporary DOCKER_CONFIG. The second engine
// is Podman's service (test/support/secondEngine.ts) when it answers or can be started; else the
// Docker engine itself through a loopback TCP proxy (test/support/engineProxy.ts). Fixtures carry
// the prefix cdb12v-cli-.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextDirName } from '../../src/core/docker';
import { createOpenWebuiContainer, ensureFixtureImage, makeWebuiDb, removeByPrefix } from '../support/dockerFixtures';
import { EngineProxy } from '../support/engineProxy';
import { assertOneLineError, runCli, sqlite3Counts } from '../support/cli';
import { createPodmanOwui, ensurePodmanService, PODMAN_HOST, removePodmanByPrefix, stopPodmanService } from '../support/secondEngine';

const PREFIX = 'cdb12v-cli-';
const ON_DOCKER = `${PREFIX}docker`;
const ON_PODMAN = `${PREFIX}podman`;

interface Listing {
  engine: string;
  source: string;
  endpoint: string | null;
  kind: string | null;
  sameAs: string | null;
  containers: { name: string; id: string }[] | null;
  error: { code: string; message: string } | null;
}

/** A context as `docker context create NAME --docker host=HOST` stores it. */
function writeContext(configDir: string, name: string, host: string): void {
  const dir = path.join(configDir, 'contexts', 'meta', contextDirName(name));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
}

describe('container-db ls --all-engines (default engine + Docker contexts + Podman)', function () {
  this.timeout(120_000);
  let tmp: string;
  let configDir: string;
  let dbFile: string;
  let podmanDb: string;
  let secondKind: 'podman' | 'docker through a TCP proxy';
  let proxy: EngineProxy | undefined;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    configDir = path.join(tmp, 'docker-config');
    fs.mkdirSync(configDir);
    dbFile = await makeWebuiDb(path.join(tmp, 'webui.db'), { users: 3 });
    podmanDb = await makeWebuiDb(path.join(tmp, 'podman.db'), { users: 6, chats: 2 });
    await ensureFixtureImage();
    await createOpenWebuiContainer({ name: ON_DOCKER, volume: `${ON_DOCKER}-data`, dbFile });

    let second: string;
    const why = await ensurePodmanService();
    if (!why) {
      await removePodmanByPrefix(PREFIX);
      await createPodmanOwui(ON_PODMAN, podmanDb);
      second = PODMAN_HOST;
      secondKind = 'podman';
    } else {
      console.log(`      (Podman unavailable: ${why}; the second engine is Docker through a TCP proxy)`);
      proxy = await EngineProxy.start({ tcp: true });
      second = proxy.dockerHost;
      secondKind = 'docker through a TCP proxy';
    }
    writeContext(configDir, 'second', second);
    writeContext(configDir, 'gone', `unix://${path.join(tmp, 'no-engine.sock')}`);
    writeContext(configDir, 'alias', 'unix:///var/run/docker.sock');
    // Not a context of the docker CLI's (its directory is not the SHA-256 of its name): ignored.
    fs.mkdirSync(path.join(configDir, 'contexts', 'meta', 'junk'), { recursive: true });
    fs.writeFileSync(path.join(configDir, 'contexts', 'meta', 'junk', 'meta.json'), '{"Name":"junk"}');
    env = { DOCKER_CONFIG: configDir, DOCKER_HOST: '', DOCKER_CONTEXT: '' };
  });

  after(async () => {
    await proxy?.stop();
    await removeByPrefix(PREFIX);
    if (secondKind === 'podman') await removePodmanByPrefix(PREFIX);
    stopPodmanService();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('--json: one result per engine, in order default, contexts by name, then Podman; each engine its own containers', async () => {
    const run = await runCli(['ls', '--all-engines', '--all', '--json'], { env });
    assert.equal(run.code, 0, run.stderr);
    const list = JSON.parse(run.stdout) as Listing[];
    // Podman's rootful socket is found on disk (as root, when its service runs), after the contexts.
    const podmanFound = fs.existsSync(PODMAN_HOST.replace(/^unix:\/\//, ''));
    assert.deepEqual(
      list.map((l) => [l.engine, l.source]),
      [
        ['default', 'default'],
        ['alias', 'context'],
        ['gone', 'context'],
        ['second', 'context'],
        ...(podmanFound ? [['podman', 'podman']] : []),
      ],
    );
    if (podmanFound && secondKind === 'podman') assert.equal(list[4].sameAs, 'second', 'the socket found on disk is the engine the context names: listed once');
    const [def, alias, gone, second] = list;
    assert.ok(def.containers?.some((c) => c.name === ON_DOCKER), 'the default engine lists the Docker fixture');
    assert.equal(alias.sameAs, 'default', 'a context at the default address is not listed twice');
    assert.equal(alias.containers, null);
    assert.equal(gone.error?.code, 'ENGINE_SOCKET_MISSING');
    assert.equal(gone.containers, null);
    assert.match(String(second.endpoint), /Docker context 'second'/);
    if (secondKind === 'podman') {
      assert.ok(second.containers?.some((c) => c.name === ON_PODMAN), `second (${secondKind}) lists ${second.containers?.map((c) => c.name).join(', ')}`);
      assert.ok(!second.containers?.some((c) => c.name === ON_DOCKER), 'Podman does not list the Docker container');
      assert.ok(!def.containers?.some((c) => c.name === ON_PODMAN), 'Docker does not list the Podman container');
    } else {
      assert.ok(second.containers?.some((c) => c.name === ON_DOCKER));
    }
  });

  it('text: every container row names its engine; the unreachable engine is one line saying why', async () => {
    const run = await runCli(['ls', '--all-engines', '--all'], { env });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    const goneLines = lines.filter((l) => l.includes('gone'));
    assert.equal(goneLines.length, 1, run.stdout);
    assert.match(goneLines[0], /^engine gone: unreachable: .*no-engine\.sock/);
    assert.ok(lines.some((l) => /^engine alias: .*the same engine as default/.test(l)), run.stdout);
    assert.ok(lines.some((l) => new RegExp(`^default\\s+${ON_DOCKER}\\s`).test(l)), run.stdout);
    if (secondKind === 'podman') assert.ok(lines.some((l) => new RegExp(`^second\\s+${ON_PODMAN}\\s`).test(l)), run.stdout);
  });

  it('the context reaches the second engine for a pull too: inspect --context second, counts as sqlite3 reports', async function () {
    if (secondKind !== 'podman') this.skip();
    const run = await runCli(['inspect', ON_PODMAN, '--context', 'second', '--json'], { env });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { tables: { name: string; rows: number }[] };
    assert.deepEqual(Object.fromEntries(out.tables.map((t) => [t.name, t.rows])), await sqlite3Counts(podmanDb));
  });

  it('no engine answers: each says why, exit 1', async () => {
    const empty = path.join(tmp, 'empty-config');
    fs.mkdirSync(empty, { recursive: true });
    const none = (name: string) => `unix://${path.join(tmp, name)}`;
    // CONTAINER_HOST is Podman's one engine when set, as for Podman itself.
    const run = await runCli(['ls', '--all-engines', '--json'], { env: { DOCKER_CONFIG: empty, DOCKER_HOST: none('none.sock'), DOCKER_CONTEXT: '', CONTAINER_HOST: none('no-podman.sock') } });
    assert.equal(run.code, 1);
    const list = JSON.parse(run.stdout) as Listing[];
    assert.deepEqual(list.map((l) => [l.engine, l.error?.code]), [['default', 'ENGINE_SOCKET_MISSING'], ['podman', 'ENGINE_SOCKET_MISSING']]);
  });

  it('--all-engines with --host is a usage error', async () => {
    const run = await runCli(['ls', '--all-engines', '--host', 'unix:///var/run/docker.sock'], { env });
    assert.equal(run.code, 2);
    assert.match(assertOneLineError(run), /--all-engines lists every engine/);
  });
});
