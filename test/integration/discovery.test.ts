/**
 * listContainers / findContainer against the real engine, with Open WebUI-shaped containers: the
 * database in a named volume, in a bind mount, under DATA_DIR elsewhere, behind a relative
 * DATABASE_URL, and in PostgreSQL. Where a resolved path is claimed, the file is checked to be
 * really there (inside the container, or on the host for a bind mount); the set of containers is
 * checked against `docker ps`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCdbError } from '../../src/core/errors';
import { connect, DockerConnection } from '../../src/core/docker';
import { formatPorts } from '../../src/core/docker';
import { findContainer, listContainers } from '../../src/core/docker/discovery';
import type { ContainerInfo } from '../../src/core/types';
import { createOpenWebuiContainer, engineCli, ensureFixtureImage, makeWebuiDb, removeByPrefix } from '../support/dockerFixtures';
import { FIXTURE_ENGINES, describeOn, listedImage, nameFilter } from '../support/fixtureEngines';

const P = 'cdbt-b-disc-';
const N = {
  volume: `${P}volume`,
  bind: `${P}bind`,
  dataDir: `${P}datadir`,
  relUrl: `${P}relurl`,
  postgres: `${P}postgres`,
  stopped: `${P}stopped`,
};

for (const engine of FIXTURE_ENGINES) describeOn(engine, 'container discovery (real engine)', function () {
  this.timeout(120_000);
  const docker = (args: string[], opts?: { check?: boolean }) => engineCli(engine, args, opts);
  let conn: DockerConnection;
  let tmp: string;
  let bindDir: string;
  let running: ContainerInfo[];
  const ids: Record<string, string> = {};

  before(async () => {
    await removeByPrefix(P, engine);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), P));
    bindDir = path.join(tmp, 'bind-data');
    fs.mkdirSync(bindDir);
    const db = await makeWebuiDb(path.join(tmp, 'webui.db'), { users: 3, chats: 5, usageDays: 3 });
    await ensureFixtureImage(engine);
    const made = await Promise.all([
      createOpenWebuiContainer({ engine, name: N.volume, volume: `${P}volume-data`, dbFile: db }),
      createOpenWebuiContainer({ engine, name: N.bind, bind: bindDir, dbFile: db }),
      createOpenWebuiContainer({ engine, name: N.dataDir, env: { DATA_DIR: '/srv/owui' }, dbFile: db }),
      // SQLAlchemy: three slashes = relative to the working directory (/app/backend in the image).
      createOpenWebuiContainer({ engine, name: N.relUrl, env: { DATABASE_URL: 'sqlite:///data/webui.db' }, dbFile: db, dbPathInContainer: '/app/backend/data/webui.db' }),
      createOpenWebuiContainer({ engine, name: N.postgres, env: { DATABASE_URL: 'postgresql://owui:hunter2@db:5432/openwebui' } }),
      createOpenWebuiContainer({ engine, name: N.stopped, volume: `${P}stopped-data`, dbFile: db, running: false }),
    ]);
    for (const c of made) ids[c.name] = c.id;
    conn = await connect({ dockerHost: engine.host });
    assert.equal(conn.kind, engine.kind, `GET /version should identify ${engine.title}`);
    running = await listContainers(conn);
  });

  after(async () => {
    await removeByPrefix(P, engine);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Size of a file in a container, from the engine's archive stat (HEAD): quicker than an exec. */
  const sizeIn = async (container: string, file: string): Promise<number> => {
    const res = (await conn.docker.getContainer(container).infoArchive({ path: file })) as { headers: Record<string, string>; resume(): void };
    res.resume();
    return (JSON.parse(Buffer.from(res.headers['x-docker-container-path-stat'], 'base64').toString()) as { size: number }).size;
  };
  const dbSize = (): number => fs.statSync(path.join(tmp, 'webui.db')).size;
  const ours = (list: ContainerInfo[]): ContainerInfo[] => list.filter((c) => c.name.startsWith(P));
  const byName = (name: string): ContainerInfo => {
    const c = running.find((x) => x.name === name);
    assert.ok(c, `${name} not listed`);
    return c;
  };

  it('lists exactly the running containers `docker ps` lists', async () => {
    const ps = await docker(['ps', '--filter', nameFilter(engine, P), '--format', '{{.Names}}'], { check: true });
    const expected = ps.stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(ours(running).map((c) => c.name).sort(), expected);
    assert.equal(expected.length, 5);
  });

  it('a named volume: mount kind volume, isolated from the host, holding the default path', async () => {
    const c = byName(N.volume);
    assert.equal(c.id, ids[N.volume]);
    assert.equal(c.image, listedImage(engine, 'cdb-fixture/openwebui:test'));
    assert.equal(c.state, 'running');
    assert.match(c.status, /^Up /);
    assert.ok(c.startedAt && !Number.isNaN(Date.parse(c.startedAt)));
    assert.deepEqual(c.mounts, [{ kind: 'volume', source: `${P}volume-data`, destination: '/app/backend/data', readOnly: false, isolatedFromHost: true }]);
    assert.deepEqual(c.database, { path: '/app/backend/data/webui.db', source: 'default', mount: c.mounts[0] });
    assert.equal(await sizeIn(c.name, c.database.path), dbSize());
  });

  it('a bind mount: the host path, and the database really is a file there', () => {
    const c = byName(N.bind);
    assert.equal(c.mounts.length, 1);
    const m = c.mounts[0];
    assert.deepEqual([m.kind, m.source, m.destination, m.isolatedFromHost], ['bind', bindDir, '/app/backend/data', false]);
    assert.equal(c.database.mount, m);
    const onHost = path.join(m.source, path.posix.relative(m.destination, c.database.path));
    assert.equal(fs.statSync(onHost).size, dbSize());
  });

  it('DATA_DIR elsewhere: $DATA_DIR/webui.db, which exists in the container, outside any mount', async () => {
    const c = byName(N.dataDir);
    assert.deepEqual(c.database, { path: '/srv/owui/webui.db', source: 'DATA_DIR', mount: undefined });
    assert.equal(await sizeIn(c.name, '/srv/owui/webui.db'), dbSize());
  });

  it('a relative sqlite:/// DATABASE_URL resolves against the container working directory', async () => {
    const c = byName(N.relUrl);
    assert.equal(c.database.path, '/app/backend/data/webui.db');
    assert.equal(c.database.source, 'DATABASE_URL');
    assert.equal(await sizeIn(c.name, c.database.path), dbSize());
  });

  it('DATABASE_URL=postgresql://… is reported unsupported, password hidden', () => {
    const c = byName(N.postgres);
    assert.equal(c.database.path, '');
    assert.equal(c.database.unsupported?.kind, 'postgresql');
    assert.equal(c.database.unsupported?.url, 'postgresql://owui:***@db:5432/openwebui');
  });

  it('containers on a network-less engine publish no ports', () => {
    for (const c of ours(running)) assert.deepEqual(c.ports, []);
  });

  it('a stopped container is not listed without `all`, and is with it', async () => {
    assert.equal(running.find((c) => c.name === N.stopped), undefined);
    const all = await listContainers(conn, { all: true });
    const stopped = all.find((c) => c.name === N.stopped);
    assert.ok(stopped);
    assert.equal(stopped.state, 'exited');
    assert.match(stopped.status, /^Exited/);
    assert.equal(stopped.database.mount?.source, `${P}stopped-data`);
    const ps = await docker(['ps', '-a', '--filter', nameFilter(engine, P), '--format', '{{.Names}}'], { check: true });
    assert.deepEqual(ours(all).map((c) => c.name).sort(), ps.stdout.split('\n').filter(Boolean).sort());
  });

  it('the databasePath option replaces the resolved path in every container', async () => {
    const list = await listContainers(conn, { databasePath: '/app/backend/data/other.db' });
    for (const c of ours(list)) assert.deepEqual([c.database.path, c.database.source], ['/app/backend/data/other.db', 'option']);
  });

  describe('findContainer', () => {
    it('finds a stopped container by name, with or without the leading slash', async () => {
      for (const name of [N.stopped, `/${N.stopped}`]) {
        const c = await findContainer(conn, name);
        assert.deepEqual([c.id, c.name, c.state], [ids[N.stopped], N.stopped, 'exited']);
        assert.equal(c.database.path, '/app/backend/data/webui.db');
      }
    });

    it('finds by id prefix, and by the full id', async () => {
      assert.equal((await findContainer(conn, ids[N.volume].slice(0, 12))).name, N.volume);
      assert.equal((await findContainer(conn, ids[N.bind])).name, N.bind);
    });

    it('passes the databasePath option on', async () => {
      const c = await findContainer(conn, N.volume, { databasePath: '/x/y.db' });
      assert.deepEqual([c.database.path, c.database.source], ['/x/y.db', 'option']);
    });

    it('no match: CONTAINER_NOT_FOUND telling what to run', async () => {
      await assert.rejects(findContainer(conn, `${P}missing`), (err: unknown) => {
        assert.ok(isCdbError(err, 'CONTAINER_NOT_FOUND'));
        assert.equal(err.message, `No container named '${P}missing'. Run \`container-db ls\` to see running containers.`);
        return true;
      });
    });

    it('an id prefix shared by two containers: CONTAINER_AMBIGUOUS naming them', async () => {
      // Ids are random: add created (never started) containers until two of ours share a first hex digit.
      const byFirst = new Map<string, string[]>();
      for (const [name, id] of Object.entries(ids)) byFirst.set(id[0], [...(byFirst.get(id[0]) ?? []), name]);
      let shared = [...byFirst.entries()].find(([, names]) => names.length > 1);
      for (let i = 0; !shared; i++) {
        const name = `${P}extra-${i}`;
        const id = (await docker(['create', '--network', 'none', '--name', name, listedImage(engine, 'cdb-fixture/openwebui:test')], { check: true })).stdout.trim();
        byFirst.set(id[0], [...(byFirst.get(id[0]) ?? []), name]);
        shared = [...byFirst.entries()].find(([, names]) => names.length > 1);
      }
      const [prefix, names] = shared;
      await assert.rejects(findContainer(conn, prefix), (err: unknown) => {
        assert.ok(isCdbError(err, 'CONTAINER_AMBIGUOUS'), String(err));
        for (const n of names) assert.ok(err.message.includes(n), `${err.message} should name ${n}`);
        return true;
      });
    });
  });
});

describe('formatPorts (docker ps notation)', () => {
  it('formats published, IPv6 and unpublished ports', () => {
    assert.deepEqual(
      formatPorts({
        '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '3000' }, { HostIp: '::', HostPort: '3000' }],
        '9000/udp': [{ HostIp: '', HostPort: '9000' }],
        '5432/tcp': null,
      }),
      ['127.0.0.1:3000->8080/tcp', '[::]:3000->8080/tcp', '0.0.0.0:9000->9000/udp', '5432/tcp'],
    );
    assert.deepEqual(formatPorts(undefined), []);
  });
});
