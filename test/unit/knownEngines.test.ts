// knownEngines (issue 12 part 3): the default engine, then the Docker contexts stored under
// $DOCKER_CONFIG/contexts/meta, by name; directories that are not a context of the docker CLI's
// (not the SHA-256 of their name, unreadable meta.json) are left out.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextDirName, knownEngines, resolveEndpoint } from '../../src/core/docker';

describe('knownEngines: default + stored Docker contexts', () => {
  let dir: string;

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
    const engines = knownEngines({ env: { DOCKER_CONFIG: dir }, homeDir: '/nonexistent' });
    assert.deepEqual(engines.map((e) => [e.name, e.source]), [['default', 'default']]);
  });

  it('contexts by name, each resolved by resolveEndpoint; strays ignored', () => {
    context('zeta', 'tcp://127.0.0.1:2375');
    context('alpha', 'unix:///run/podman/podman.sock');
    context('stray', 'unix:///x.sock', 'not-a-sha');
    fs.mkdirSync(path.join(dir, 'contexts', 'meta', 'broken'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'contexts', 'meta', 'broken', 'meta.json'), '{not json');
    const env = { DOCKER_CONFIG: dir };
    const engines = knownEngines({ env, homeDir: '/nonexistent' });
    assert.deepEqual(engines.map((e) => e.name), ['default', 'alpha', 'zeta']);
    assert.equal(resolveEndpoint(engines[1].connect).description, "unix:///run/podman/podman.sock (Docker context 'alpha')");
    assert.equal(resolveEndpoint(engines[2].connect).description, "tcp://127.0.0.1:2375 (Docker context 'zeta')");
  });

  it('DOCKER_CONFIG unset: ~/.docker of the given home', () => {
    const home = dir;
    dir = path.join(home, '.docker');
    context('remote', 'tcp://10.0.0.1:2376');
    dir = home;
    const engines = knownEngines({ env: {}, homeDir: home });
    assert.deepEqual(engines.map((e) => e.name), ['default', 'remote']);
  });
});
