/**
 * What a person sees when the engine cannot be used, produced by real failures: a socket that is
 * not there, a socket they may not open (as the unprivileged user `nobody`), a closed TCP port, a
 * host that accepts and never answers, a connection dropped mid-stream. The TCP path is proven
 * end to end through a loopback proxy in front of the real engine's unix socket.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { CdbError, ErrorCode, isCdbError } from '../../src/core/errors';
import { connect, DockerConnection, engineError } from '../../src/core/docker';
import { listContainers } from '../../src/core/docker/discovery';
import { watchContainerEvents, ContainerEvent } from '../../src/core/docker/events';
import { createOpenWebuiContainer, docker, ensureFixtureImage, removeByPrefix } from '../support/dockerFixtures';

const P = 'cdbt-b-err-';
const ENGINE_SOCKET = '/var/run/docker.sock';

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, ...mustMention: RegExp[]): Promise<CdbError> {
  let caught: unknown;
  await assert.rejects(p, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(isCdbError(caught, code), `expected ${code}, got ${String(caught)}`);
  for (const re of mustMention) assert.match(caught.message, re);
  assert.doesNotMatch(caught.message, /\n/);
  return caught;
}

/** A free loopback port: bind to 0, note the port, close. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP listener on loopback that forwards every connection to the engine's unix socket. The
 * answer to GET /events is handed on in 5-byte pieces, one per event-loop turn, so that event
 * lines reach the client split across many chunks (the parser must join them).
 */
async function startProxy(): Promise<{ port: number; sockets: Set<net.Socket>; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(ENGINE_SOCKET);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    let chop: boolean | undefined;
    client.on('data', (b: Buffer) => {
      chop ??= /^GET \/[^ ]*events/.test(b.toString('latin1'));
      upstream.write(b);
    });
    let queue = Promise.resolve();
    upstream.on('data', (b: Buffer) => {
      if (!chop) {
        client.write(b);
        return;
      }
      queue = queue.then(async () => {
        for (let i = 0; i < b.length; i += 5) {
          if (client.destroyed) return;
          client.write(b.subarray(i, i + 5));
          await new Promise((r) => setImmediate(r));
        }
      });
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe('engine errors (real failures)', function () {
  this.timeout(60_000);
  const servers: net.Server[] = [];

  after(async () => {
    for (const s of servers) s.close();
    await removeByPrefix(P);
  });

  it('a socket path that does not exist: ENGINE_SOCKET_MISSING naming it and what to do', async () => {
    await rejectsWith(
      connect({ dockerHost: 'unix:///tmp/cdbt-b-nope.sock', env: {} }),
      'ENGINE_SOCKET_MISSING',
      /^Docker engine socket \/tmp\/cdbt-b-nope\.sock does not exist: is Docker running\?/,
      /DOCKER_HOST \/ containerDb\.dockerHost/,
    );
  });

  it('a socket the user may not open: ENGINE_PERMISSION (as the user nobody)', function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
      // Dropping to another user needs root; as a normal user the engine socket may well be ours.
      this.skip();
    }
    // The engine socket is root:docker 0660, so `nobody` gets a real EACCES from connect(2).
    const script = `
      const { connect } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/docker/connection.js'))});
      connect({ dockerHost: 'unix://${ENGINE_SOCKET}', env: {} }).then(
        () => console.log(JSON.stringify({ code: 'CONNECTED' })),
        (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
    const child = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, cwd: '/', encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim()) as { code: string; message: string };
    assert.equal(result.code, 'ENGINE_PERMISSION');
    assert.match(result.message, /^Permission denied opening the Docker engine socket \/var\/run\/docker\.sock: add your user to the docker group/);
  });

  it('a closed TCP port: ENGINE_UNREACHABLE naming the endpoint', async () => {
    const port = await closedPort();
    await rejectsWith(
      connect({ dockerHost: `tcp://127.0.0.1:${port}`, env: {}, timeoutMs: 5000 }),
      'ENGINE_UNREACHABLE',
      new RegExp(`tcp://127\\.0\\.0\\.1:${port} \\(containerDb\\.dockerHost\\): connection refused`),
    );
  });

  it('a host that accepts but never answers: ENGINE_UNREACHABLE after the timeout', async () => {
    const silent = net.createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    await rejectsWith(connect({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` }, timeoutMs: 300 }), 'ENGINE_UNREACHABLE', /did not answer within 0\.3 s/, /\(DOCKER_HOST\)/);
  });

  it('DOCKER_HOST in the process environment does not override the endpoint we resolved', async () => {
    // docker-modem reads process.env.DOCKER_HOST in its constructor; resolveEndpoint must win.
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${await closedPort()}`;
    try {
      const conn = await connect({ dockerHost: `unix://${ENGINE_SOCKET}` });
      assert.equal(conn.endpoint.kind, 'unix');
      await conn.docker.ping();
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  describe('API version negotiation', () => {
    it('uses min(engine, ours), and requests work at that version', async () => {
      const [engineApi, engineMin] = (await docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}}'], { check: true })).stdout.trim().split(' ');
      const minor = (v: string): number => Number(v.split('.')[1]);
      const conn = await connect();
      assert.equal(conn.apiVersion, minor(engineApi) <= 41 ? engineApi : '1.41');
      const older = await connect({ maxApiVersion: '1.40' });
      assert.equal(older.apiVersion, '1.40');
      assert.ok(Array.isArray(await older.docker.listContainers()));
      const newer = await connect({ maxApiVersion: '1.99' });
      assert.equal(newer.apiVersion, engineApi);
      const ancient = await connect({ maxApiVersion: '1.5' });
      assert.equal(ancient.apiVersion, engineMin);
    });
  });

  describe('answers from the engine', () => {
    let conn: DockerConnection;
    let stoppedId: string;
    before(async () => {
      await ensureFixtureImage();
      conn = await connect();
      stoppedId = (await createOpenWebuiContainer({ name: `${P}stopped`, running: false })).id;
    });

    it('404 No such container: CONTAINER_NOT_FOUND', async () => {
      const err = await conn.docker.getContainer(`${P}gone`).inspect().catch((e: unknown) => e);
      const mapped = engineError(err, conn.endpoint);
      assert.equal(mapped.code, 'CONTAINER_NOT_FOUND');
      assert.match(mapped.message, /^No such container: cdbt-b-err-gone/);
    });

    it('another refusal: ENGINE_ERROR with the engine\'s own first line', async () => {
      const err = await conn.docker
        .getContainer(stoppedId)
        .exec({ Cmd: ['true'] })
        .catch((e: unknown) => e);
      const mapped = engineError(err, conn.endpoint);
      assert.equal(mapped.code, 'ENGINE_ERROR');
      assert.match(mapped.message, /answered HTTP 409: Container [0-9a-f]+ is not running$/);
    });
  });

  describe('through a loopback TCP proxy (DOCKER_HOST=tcp://127.0.0.1:PORT)', () => {
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let conn: DockerConnection;

    before(async () => {
      await ensureFixtureImage();
      await createOpenWebuiContainer({ name: `${P}proxied`, volume: `${P}proxied-data` });
      proxy = await startProxy();
      conn = await connect({ env: { DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}` } });
    });
    after(async () => {
      await proxy?.stop();
    });

    it('connects over TCP and lists containers with their mounts', async () => {
      assert.equal(conn.endpoint.kind, 'tcp');
      assert.equal(conn.endpoint.description, `tcp://127.0.0.1:${proxy.port} (DOCKER_HOST)`);
      const c = (await listContainers(conn)).find((x) => x.name === `${P}proxied`);
      assert.ok(c, 'container not listed over TCP');
      assert.equal(c.database.mount?.source, `${P}proxied-data`);
    });

    it('streams events (lines split across chunks), and reports when the connection drops mid-stream', async () => {
      const events: ContainerEvent[] = [];
      let sawCreate!: () => void;
      const created = new Promise<void>((resolve) => (sawCreate = resolve));
      let reportError!: (e: CdbError) => void;
      const failed = new Promise<CdbError>((resolve) => (reportError = resolve));
      let streamReady!: () => void;
      const connected = new Promise<void>((resolve) => (streamReady = resolve));
      const watch = watchContainerEvents(
        conn,
        (e) => {
          events.push(e);
          if (e.action === 'create' && e.name === `${P}evented`) sawCreate();
        },
        { onError: reportError, onConnected: streamReady },
      );
      try {
        // Events from before the engine subscribed us are not sent: create only once it has.
        await connected;
        await docker(['create', '--network', 'none', '--name', `${P}evented`, 'cdb-fixture/openwebui:test'], { check: true });
        await created;
        assert.ok(events.every((e) => /^[0-9a-f]{64}$/.test(e.id)));

        await proxy.stop();
        const err = await failed;
        assert.equal(err.code, 'ENGINE_UNREACHABLE');
        assert.match(err.message, new RegExp(`^Lost the event stream from the Docker engine at tcp://127\\.0\\.0\\.1:${proxy.port}`));
      } finally {
        watch.dispose();
      }
    });
  });

  describe('watchContainerEvents lifecycle', () => {
    it('dispose() ends the stream without reporting an error', async () => {
      const conn = await connect();
      let errors = 0;
      let watch!: { dispose(): void };
      await new Promise<void>((resolve) => (watch = watchContainerEvents(conn, () => undefined, { onError: () => errors++, onConnected: resolve })));
      watch.dispose();
      // A ping round trip gives a late 'close' from the destroyed stream the chance to be (wrongly) reported.
      await conn.docker.ping();
      await new Promise((r) => setImmediate(r));
      assert.equal(errors, 0);
    });

    it('an aborted signal stops it the same way', async () => {
      const conn = await connect();
      const abort = new AbortController();
      let errors = 0;
      await new Promise<void>((resolve) => watchContainerEvents(conn, () => undefined, { signal: abort.signal, onError: () => errors++, onConnected: resolve }));
      abort.abort();
      await conn.docker.ping();
      await new Promise((r) => setImmediate(r));
      assert.equal(errors, 0);
    });
  });
});
