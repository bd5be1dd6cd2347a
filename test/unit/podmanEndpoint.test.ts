/**
 * Finding Podman the way Podman users expect, against crafted HOME / system directories and
 * environments: CONTAINER_HOST, CONTAINER_CONNECTION, podman-connections.json (Podman 5),
 * containers.conf service destinations (Podman 4), the rootful and rootless sockets when no Docker
 * socket exists; and telling the engines apart from GET /version.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCdbError } from '../../src/core/errors';
import { detectEngineKind, resolveEndpoint, type EndpointOptions } from '../../src/core/docker';
import { parseContainersConf } from '../../src/core/docker/podmanEndpoint';
import { parseEvent } from '../../src/core/docker/events';

describe('Podman endpoints', () => {
  let root: string;
  let home: string;
  /** Sockets that "exist" in this test; nothing else does. */
  let sockets: Set<string>;
  const resolve = (env: NodeJS.ProcessEnv, uid = 1000, extra: Partial<EndpointOptions> = {}) =>
    resolveEndpoint({ env, homeDir: home, podmanLookup: { uid, systemRoot: root, exists: (p) => sockets.has(p) }, ...extra });
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-e12-podman-'));
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    sockets = new Set();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('CONTAINER_HOST is obeyed, named in the description, and marks the engine as Podman', () => {
    const e = resolve({ CONTAINER_HOST: 'unix:///run/user/1000/podman/podman.sock' });
    assert.deepEqual([e.kind, e.options.socketPath, e.source, e.engine], ['unix', '/run/user/1000/podman/podman.sock', 'CONTAINER_HOST', 'podman']);
    assert.equal(e.description, 'unix:///run/user/1000/podman/podman.sock (CONTAINER_HOST)');
  });

  it('DOCKER_HOST still wins over CONTAINER_HOST', () => {
    const e = resolve({ DOCKER_HOST: 'tcp://127.0.0.1:2375', CONTAINER_HOST: 'unix:///x.sock' });
    assert.deepEqual([e.kind, e.source, e.engine], ['tcp', 'DOCKER_HOST', undefined]);
  });

  it('an ssh CONTAINER_HOST with a socket path: forwarded to that socket, CONTAINER_SSHKEY as the key', () => {
    const e = resolve({ CONTAINER_HOST: 'ssh://core@box.example:2222/run/user/1000/podman/podman.sock', CONTAINER_SSHKEY: '/k/id' });
    assert.equal(e.kind, 'ssh');
    assert.deepEqual(e.ssh, { host: 'box.example', port: 2222, username: 'core', agent: undefined, identity: '/k/id', remoteSocket: '/run/user/1000/podman/podman.sock', homeDir: home });
    assert.equal(e.description, 'ssh://core@box.example:2222/run/user/1000/podman/podman.sock (CONTAINER_HOST)');
  });

  it('no Docker socket: this user\'s rootless socket, else root\'s', () => {
    const rootless = path.join(root, 'xdg', 'podman', 'podman.sock');
    const rootful = path.join(root, 'run/podman/podman.sock');
    sockets.add(rootless).add(rootful);
    assert.equal(resolve({ XDG_RUNTIME_DIR: path.join(root, 'xdg') }).options.socketPath, rootless);
    assert.equal(resolve({ XDG_RUNTIME_DIR: path.join(root, 'xdg') }).description, `unix://${rootless} (Podman's rootless socket)`);
    sockets.delete(rootless);
    assert.equal(resolve({ XDG_RUNTIME_DIR: path.join(root, 'xdg') }).options.socketPath, rootful);
    // root looks at the rootful socket only
    sockets.add(rootless);
    const asRoot = resolve({ XDG_RUNTIME_DIR: path.join(root, 'xdg') }, 0);
    assert.deepEqual([asRoot.options.socketPath, asRoot.engine], [rootful, 'podman']);
  });

  it('a Docker socket that exists is still the default, Podman or not', () => {
    sockets.add('/var/run/docker.sock').add(path.join(root, 'run/podman/podman.sock'));
    const e = resolve({}, 0);
    assert.deepEqual([e.options.socketPath, e.engine], ['/var/run/docker.sock', undefined]);
  });

  it('neither: the Docker socket, whose absence connect() reports', () => {
    assert.equal(resolve({}).options.socketPath, '/var/run/docker.sock');
  });

  it("Podman 4's containers.conf: active_service and its destination (table form), the user file over the system one", () => {
    write(path.join(root, 'etc/containers/containers.conf'), '[engine]\nactive_service = "sys"\n[engine.service_destinations.sys]\nuri = "unix:///sys.sock"\n');
    write(path.join(home, '.config/containers/containers.conf'), [
      '# my connections',
      '[engine]',
      'active_service = "box"  # the default',
      '[engine.service_destinations.box]',
      'uri = "ssh://me@box.example/run/user/1000/podman/podman.sock"',
      'identity = "/home/me/.ssh/box"',
    ].join('\n'));
    const e = resolve({});
    assert.deepEqual([e.kind, e.ssh?.host, e.ssh?.identity, e.ssh?.remoteSocket, e.engine], ['ssh', 'box.example', '/home/me/.ssh/box', '/run/user/1000/podman/podman.sock', 'podman']);
    assert.match(e.description, /\(Podman connection 'box'\)$/);
  });

  it("Podman 5's podman-connections.json wins over containers.conf; CONTAINER_CONNECTION picks another", () => {
    write(path.join(home, '.config/containers/containers.conf'), '[engine]\nactive_service = "old"\n[engine.service_destinations]\nold = { uri = "unix:///old.sock", identity = "" }\n');
    write(path.join(home, '.config/containers/podman-connections.json'), JSON.stringify({
      Connection: { Default: 'new', Connections: { new: { URI: 'unix:///new.sock', Identity: '' }, other: { URI: 'tcp://127.0.0.1:8888' } } },
    }));
    assert.equal(resolve({}).options.socketPath, '/new.sock');
    const other = resolve({ CONTAINER_CONNECTION: 'other' });
    assert.deepEqual([other.kind, other.options.port, other.engine], ['tcp', 8888, 'podman']);
    assert.equal(resolve({ CONTAINER_CONNECTION: 'old' }).options.socketPath, '/old.sock');
  });

  it('CONTAINER_CONNECTION naming no connection: ENGINE_CONFIG saying what to run', () => {
    assert.throws(() => resolve({ CONTAINER_CONNECTION: 'nope' }), (err: unknown) => {
      assert.ok(isCdbError(err, 'ENGINE_CONFIG'));
      assert.match(err.message, /^CONTAINER_CONNECTION names the Podman connection 'nope', which is not configured: run `podman system connection list`/);
      return true;
    });
  });

  it('a broken podman-connections.json: one line naming the file', () => {
    write(path.join(root, 'etc/containers/podman-connections.json'), '{ not json');
    assert.throws(() => resolve({}, 0), (err: unknown) => isCdbError(err, 'ENGINE_CONFIG') && err.message.includes('podman-connections.json is not valid JSON'));
  });

  it('parseContainersConf ignores what it does not need, and # inside strings', () => {
    const c = parseContainersConf('[containers]\ndefault_ulimits = ["nofile=1:1"]\n[engine]\nactive_service="a#b"\n[engine.service_destinations."a#b"]\nuri="unix:///a.sock" # c\n');
    assert.deepEqual(c, { activeService: 'a#b', destinations: { 'a#b': { uri: 'unix:///a.sock' } } });
  });
});

describe('engine kind and Podman event names', () => {
  it('detectEngineKind: the "Podman Engine" component, else Docker', () => {
    assert.equal(detectEngineKind({ Components: [{ Name: 'Podman Engine' }, { Name: 'Conmon' }] }), 'podman');
    assert.equal(detectEngineKind({ Components: [{ Name: 'Engine' }, { Name: 'containerd' }] }), 'docker');
    assert.equal(detectEngineKind({}), 'docker');
    assert.equal(detectEngineKind(undefined), 'docker');
  });

  it("Podman's remove / died arrive as destroy / die; its cleanup and init are not watched", () => {
    const line = (action: string) => JSON.stringify({ status: action, id: 'abc', Type: 'container', Action: action, Actor: { ID: 'abc', Attributes: { name: 'x' } } });
    assert.deepEqual(parseEvent(line('remove')), { action: 'destroy', id: 'abc', name: 'x' });
    assert.deepEqual(parseEvent(line('died')), { action: 'die', id: 'abc', name: 'x' });
    assert.equal(parseEvent(line('cleanup')), undefined);
    assert.equal(parseEvent(line('init')), undefined);
  });
});
