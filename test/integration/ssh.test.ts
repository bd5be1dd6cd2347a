/**
 * The engine through a real sshd on loopback (test/support/sshd.ts, set up and torn down here), as
 * `docker -H ssh://` reaches it: DOCKER_HOST=ssh://, a Docker context of that kind, and the
 * setting; each pulls (SHA-256 equal to the local pull), lists and watches events. Then what ssh
 * users meet: an unknown or changed host key, a key refused, no docker on the far side, the
 * session cut mid-pull, nothing listening: each one CdbError line, none hanging.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, contextDirName, dockerEngine, type ContainerEngine, type ContainerEvent } from '../../src/core/docker';
import { directSocketPath } from '../../src/core/docker/connection';
import { pullSnapshot } from '../../src/core/snapshot';
import { CdbError } from '../../src/core/errors';
import { OPENWEBUI_DATA_DIR, createOpenWebuiContainer, dockerExec, freshOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { runCli, assertOneLineError } from '../support/cli';
import { sshdSkipReason, startSshd, type Sshd } from '../support/sshd';

const P = 'cdbt-e12-ssh-';
const OWUI = `${P}owui`;
const DB = `${OPENWEBUI_DATA_DIR}/webui.db`;
const ref = { id: OWUI, name: OWUI, image: 'cdb-fixture/openwebui:test' };
const skip = sshdSkipReason();

(skip ? describe.skip : describe)(`the engine over ssh (real sshd on 127.0.0.1)${skip ? ` (skipped: ${skip})` : ''}`, function () {
  this.timeout(120_000);
  let sshd: Sshd;
  let tmp: string;
  let localSha: string;
  let url: string;

  /** Resolves with the CdbError `p` rejects with, within `ms` (nothing may hang). */
  const failure = async (p: Promise<unknown>, ms = 30_000): Promise<CdbError> => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref());
    try {
      await Promise.race([p, timeout]);
    } catch (err) {
      assert.ok(err instanceof CdbError, `expected a CdbError, got ${String(err)}`);
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      return err;
    }
    throw new Error('expected a failure');
  };
  const viaHome = (home: string, host = url) => connect({ dockerHost: host, env: {}, homeDir: home });

  before(async () => {
    await removeByPrefix(P);
    ({ tmp } = await freshOpenWebuiContainer(P, OWUI, { users: 3, chats: 20 }));
    const big = await dockerExec(OWUI, ['sh', '-c', `dd if=/dev/zero of=${OPENWEBUI_DATA_DIR}/big.bin bs=1048576 count=200 2>/dev/null`]);
    assert.equal(big.exitCode, 0, big.stderr);
    localSha = (await pullSnapshot(dockerEngine(await connect({ env: {} })), ref, DB, { hash: true })).stamp.sha256!;
    sshd = await startSshd();
    url = `ssh://root@127.0.0.1:${sshd.port}`;
  });

  after(async () => {
    await sshd?.stop();
    await removeByPrefix(P);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** List, pull and watch through `engine`: what every route below must do. */
  async function listPullWatch(engine: ContainerEngine): Promise<void> {
    assert.ok((await engine.listContainers()).some((c) => c.name === OWUI), 'listed through ssh');
    const snap = await pullSnapshot(engine, ref, DB, { hash: true });
    assert.equal(snap.stamp.sha256, localSha, 'the pull through ssh is the local pull, byte for byte');
    const seen: ContainerEvent[] = [];
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    const name = `${P}ev-${Math.random().toString(36).slice(2, 8)}`;
    const watch = engine.watchEvents((e) => e.name === name && seen.push(e), { onConnected: () => connected() });
    try {
      await ready;
      const c = await createOpenWebuiContainer({ name });
      await c.remove();
      for (let i = 0; i < 200 && !seen.some((e) => e.action === 'destroy'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(seen.map((e) => e.action).filter((a) => a === 'create' || a === 'start' || a === 'destroy'), ['create', 'start', 'destroy']);
    } finally {
      watch.dispose();
    }
  }

  it('DOCKER_HOST=ssh://root@127.0.0.1:PORT: list, pull (same SHA-256 as local), events; not the direct socket', async () => {
    const conn = await connect({ env: { DOCKER_HOST: url }, homeDir: sshd.homes.ok });
    assert.equal(conn.endpoint.kind, 'ssh');
    assert.equal(directSocketPath(conn), undefined);
    assert.equal(conn.kind, 'docker');
    await listPullWatch(dockerEngine(conn));
  });

  it('a Docker context whose host is ssh://', async () => {
    const config = path.join(tmp, 'docker-config');
    const meta = path.join(config, 'contexts', 'meta', contextDirName('viassh'));
    fs.mkdirSync(meta, { recursive: true });
    fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: 'viassh', Metadata: {}, Endpoints: { docker: { Host: url, SkipTLSVerify: false } } }));
    const conn = await connect({ context: 'viassh', env: { DOCKER_CONFIG: config }, homeDir: sshd.homes.ok });
    assert.match(conn.endpoint.description, /^ssh:\/\/root@127\.0\.0\.1:\d+ \(Docker context 'viassh'\)$/);
    await listPullWatch(dockerEngine(conn));
  });

  it('the setting (containerDb.dockerHost / --host), and the CLI through it', async () => {
    await listPullWatch(dockerEngine(await viaHome(sshd.homes.ok)));
    const run = await runCli(['inspect', OWUI, '--json', '--host', url], { env: { HOME: sshd.homes.ok, SSH_AUTH_SOCK: '' }, timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(localSha));
  });

  it('an unknown host key: one line with the fingerprint, saying to accept it with ssh', async () => {
    const err = await failure(viaHome(sshd.homes.unknownhost));
    assert.equal(err.code, 'ENGINE_CONFIG');
    assert.match(err.message, new RegExp(`^The ssh host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} is not known \\(ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}, not in ~/\\.ssh/known_hosts\\): run \`ssh -p ${sshd.port} root@127\\.0\\.0\\.1\` once`));
    const cli = await runCli(['ls', '--host', url], { env: { HOME: sshd.homes.unknownhost, SSH_AUTH_SOCK: '' }, timeoutMs: 30_000 });
    assert.equal(cli.code, 1);
    assert.match(assertOneLineError(cli), /is not known/);
  });

  it('a changed host key: refused, saying how to replace it', async () => {
    const err = await failure(viaHome(sshd.homes.changedhost));
    assert.match(err.message, /has CHANGED .*: it may be an attack\. .*ssh-keygen -R '\[127\.0\.0\.1\]:\d+'/);
  });

  it('a key the server refuses', async () => {
    const err = await failure(viaHome(sshd.homes.stranger));
    assert.equal(err.code, 'ENGINE_CONFIG');
    assert.match(err.message, /^root@127\.0\.0\.1:\d+ refused our ssh keys \(tried ~\/\.ssh\/id_ed25519\): add your public key to that user's ~\/\.ssh\/authorized_keys/);
  });

  it('no docker on the far side', async () => {
    const err = await failure(viaHome(sshd.homes.nodocker));
    assert.equal(err.code, 'ENGINE_UNREACHABLE');
    assert.match(err.message, /^`docker system dial-stdio` does not run on root@127\.0\.0\.1:\d+ \(.*not found\): install the docker CLI there/);
  });

  it('the ssh session cut mid-pull: ENGINE_UNREACHABLE, at once', async () => {
    const engine = dockerEngine(await viaHome(sshd.homes.ok));
    let cut = false;
    const err = await failure(
      engine.readFile(OWUI, `${OPENWEBUI_DATA_DIR}/big.bin`, {
        onProgress: () => {
          if (cut) return;
          cut = true;
          for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
        },
      }),
      20_000,
    );
    assert.ok(cut, 'the pull had started');
    assert.equal(err.code, 'ENGINE_UNREACHABLE');
    assert.match(err.message, /^Lost the ssh connection to (root@127\.0\.0\.1:\d+|the Docker engine at ssh:\/\/root@127\.0\.0\.1:\d+)/);
  });

  it('nothing listening on the port: connection refused, in one line', async () => {
    const err = await failure(viaHome(sshd.homes.ok, 'ssh://root@127.0.0.1:1'));
    assert.equal(err.code, 'ENGINE_UNREACHABLE');
    assert.match(err.message, /^Cannot reach \[127\.0\.0\.1\]:1 over ssh \(connection refused\)/);
  });
});

