/**
 * The CLI when the engine goes away in the middle of a pull, over TCP (a DOCKER_HOST whose
 * connection drops) and over a unix socket: exit 1 with one line, and no file where the snapshot
 * would have been (not even a partial or temporary one); the next run works once the engine is
 * back. The engine is reached through EngineProxy, so the shared engine itself keeps running.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertOneLineError, runCli, sqlite3 } from '../support/cli';
import { createOpenWebuiContainer, docker, ensureFixtureImage, makeWebuiDb, removeByPrefix } from '../support/dockerFixtures';
import { EngineProxy } from '../support/engineProxy';

const PREFIX = 'cdbt-f-cli-';
const NAME = `${PREFIX}owui`;

describe('CLI: the engine stops in the middle of a pull (real engine behind a killable proxy)', function () {
  this.timeout(120_000);
  let tmp: string;
  let dbFile: string;
  const proxies: EngineProxy[] = [];

  before(async () => {
    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    dbFile = await makeWebuiDb(path.join(tmp, 'webui.db'), { users: 5, chats: 30, targetMb: 8 });
    await ensureFixtureImage();
    await createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile });
    proxies.push(await EngineProxy.start({ tcp: true }), await EngineProxy.start({ unix: path.join(tmp, 'engine.sock') }));
  });

  after(async () => {
    for (const p of proxies) await p.stop();
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const [i, via] of (['tcp', 'unix'] as const).entries()) {
    it(`over ${via}: exit 1, one line, nothing written; the next pull writes the whole file`, async () => {
      const proxy = proxies[i];
      const out = fs.mkdtempSync(path.join(tmp, `out-${via}-`));
      const target = path.join(out, 'snapshot.db');
      const env = { DOCKER_HOST: proxy.dockerHost };
      const held = proxy.stallArchiveAfter(1 << 20);
      const run = runCli(['pull', NAME, '-o', target], { env });
      await held;
      await proxy.stop();
      const r = await run;
      assert.equal(r.code, 1, r.stderr); // the CLI's error status (diff alone uses 2, as diff(1) does)
      const line = assertOneLineError(r);
      assert.match(line, /Cannot reach the Docker engine at .*connection reset|Lost the connection/);
      assert.deepEqual(fs.readdirSync(out), [], 'no snapshot, partial or temporary file');

      await proxy.start();
      const again = await runCli(['pull', NAME, '-o', target], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await sqlite3(target, 'PRAGMA integrity_check'), 'ok');
      assert.equal(await sqlite3(target, 'SELECT count(*) FROM chat'), await sqlite3(dbFile, 'SELECT count(*) FROM chat'));
    });
  }
});

describe('CLI --freeze: the container is paused for the copy and running again after it (real engine)', function () {
  this.timeout(120_000);
  const name = `${PREFIX}frozen`;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}frozen-`));
    const db = await makeWebuiDb(path.join(tmp, 'webui.db'), { users: 3, chats: 10 });
    await ensureFixtureImage();
    await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: db });
  });

  after(async () => {
    await removeByPrefix(name);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pulls the whole file, and leaves the container running, not paused', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const target = path.join(tmp, 'out.db');
    const r = await runCli(['pull', name, '--freeze', '-o', target]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await sqlite3(target, 'PRAGMA integrity_check'), 'ok');
    assert.equal(await sqlite3(target, 'SELECT count(*) FROM chat'), await sqlite3(path.join(tmp, 'webui.db'), 'SELECT count(*) FROM chat'));
    const state = (await docker(['inspect', '--format', '{{.State.Running}} {{.State.Paused}}', name], { check: true })).stdout.trim();
    assert.equal(state, 'true false');
    // The engine's record: it was paused, then unpaused (so the flag did something).
    const events = await docker(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${name}`, '--filter', 'event=pause', '--filter', 'event=unpause', '--format', '{{.Action}}'], { check: true });
    assert.deepEqual(events.stdout.trim().split('\n'), ['pause', 'unpause']);
  });
});
