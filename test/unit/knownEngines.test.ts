// knownEngines (issue 12 part 3): the default engine, then the Docker contexts stored under
// $DOCKER_CONFIG/contexts/meta, by name; directories that are not a context of the docker CLI's
// (not the SHA-256 of their name, unreadable meta.json) are left out; then Podman's engines
// (CONTAINER_HOST, else its connections and the service sockets that exist).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextDirName, knownEngines, resolveEndpoint } from '../../src/core/docker';

describe('knownEngines: default + stored Docker contexts + Podman', () => {
  let dir: string;
  /** No Podman on the machine as the tests see it (this one may run Podman's service). */
  const noPodman = () => ({ uid: 0, systemRoot: path.join(dir, 'no-root'), exists: () => false });

  function context(name: string, host: string, dirName = contextDirName(name)): void {
    const d = path.join(dir, 'contexts', 'meta', dirName);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host } } }));
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb12v-known-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no contexts directory: the default engine alone', () => {
    const engines = knownEngines({ env: { DOCKER_CONFIG: dir }, homeDir: '/nonexistent', podmanLookup: noPodman() });
    assert.deepEqual(engines.map((e) => [e.name, e.source]), [['default', 'default']]);
  });

  it('contexts by name, each resolved by resolveEndpoint; strays ignored', () => {
    context('zeta', 'tcp://127.0.0.1:2375');
    context('alpha', 'unix:///run/podman/podman.sock');
    context('stray', 'unix:///x.sock', 'not-a-sha');
    fs.mkdirSync(path.join(dir, 'contexts', 'meta', 'broken'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'contexts', 'meta', 'broken', 'meta.json'), '{not json');
    const env = { DOCKER_CONFIG: dir };
    const engines = knownEngines({ env, homeDir: '/nonexistent', podmanLookup: noPodman() });
    assert.deepEqual(engines.map((e) => e.name), ['default', 'alpha', 'zeta']);
    assert.equal(resolveEndpoint(engines[1].connect).description, "unix:///run/podman/podman.sock (Docker context 'alpha')");
    assert.equal(resolveEndpoint(engines[2].connect).description, "tcp://127.0.0.1:2375 (Docker context 'zeta')");
  });

  it('DOCKER_CONFIG unset: ~/.docker of the given home', () => {
    const home = dir;
    dir = path.join(home, '.docker');
    context('remote', 'tcp://10.0.0.1:2376');
    dir = home;
    const engines = knownEngines({ env: {}, homeDir: home, podmanLookup: noPodman() });
    assert.deepEqual(engines.map((e) => e.name), ['default', 'remote']);
  });

  it("Podman's connections by name, then its rootful socket when it exists; each reached as Podman would be", () => {
    const root = path.join(dir, 'root');
    fs.mkdirSync(path.join(root, 'etc', 'containers'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'etc', 'containers', 'podman-connections.json'),
      JSON.stringify({ Connection: { Default: 'box', Connections: { box: { URI: 'ssh://core@127.0.0.1:2222/run/podman/podman.sock' }, another: { URI: 'unix:///tmp/other.sock' } } } }),
    );
    const sock = path.join(root, 'run', 'podman', 'podman.sock');
    const env = { DOCKER_CONFIG: dir, DOCKER_HOST: 'unix:///var/run/docker.sock' };
    const engines = knownEngines({ env, homeDir: '/nonexistent', podmanLookup: { uid: 0, systemRoot: root, exists: (p) => p === sock } });
    assert.deepEqual(engines.map((e) => [e.name, e.source]), [['default', 'default'], ['podman:another', 'podman'], ['podman:box', 'podman'], ['podman', 'podman']]);
    // DOCKER_HOST would win over Podman's own settings: each Podman engine is reached without it.
    const where = engines.slice(1).map((e) => resolveEndpoint(e.connect).description);
    assert.deepEqual(where, ["unix:///tmp/other.sock (Podman connection 'another')", "ssh://core@127.0.0.1:2222/run/podman/podman.sock (Podman connection 'box')", `unix://${sock} (Podman's rootful socket)`]);
  });

  it('CONTAINER_HOST set: that is the one Podman engine', () => {
    const engines = knownEngines({ env: { DOCKER_CONFIG: dir, CONTAINER_HOST: 'unix:///tmp/cdb-podman.sock' }, homeDir: '/nonexistent', podmanLookup: { ...noPodman(), exists: () => true } });
    assert.deepEqual(engines.map((e) => e.name), ['default', 'podman']);
    assert.equal(resolveEndpoint(engines[1].connect).description, 'unix:///tmp/cdb-podman.sock (CONTAINER_HOST)');
  });
});
