/** classifyMounts and mountFor over `docker inspect` Mounts entries as docker.io 20.10 prints them. */
import * as assert from 'node:assert/strict';
import { classifyMounts, mountFor } from '../../src/core/docker';
import type { MountInfo } from '../../src/core/types';

// Shapes copied from `docker inspect` of real containers (volume, bind, tmpfs).
const VOLUME = {
  Type: 'volume',
  Name: 'open-webui',
  Source: '/var/lib/docker/volumes/open-webui/_data',
  Destination: '/app/backend/data',
  Driver: 'local',
  Mode: 'z',
  RW: true,
  Propagation: '',
};
const BIND = { Type: 'bind', Source: '/home/dev/mAI/backend/data', Destination: '/app/backend/data', Mode: '', RW: true, Propagation: 'rprivate' };
const TMPFS = { Type: 'tmpfs', Source: '', Destination: '/tmp', Mode: '', RW: true, Propagation: '' };

function mount(destination: string, kind: MountInfo['kind'] = 'volume'): MountInfo {
  return { kind, source: `src:${destination}`, destination, readOnly: false, isolatedFromHost: kind !== 'bind' };
}

describe('classifyMounts', () => {
  it('a named volume: source is the volume name, isolated from the host workspace', () => {
    assert.deepEqual(classifyMounts([VOLUME]), [
      { kind: 'volume', source: 'open-webui', destination: '/app/backend/data', readOnly: false, isolatedFromHost: true },
    ]);
  });

  it('a bind mount: source is the host path, visible on the host', () => {
    assert.deepEqual(classifyMounts([{ ...BIND, RW: false }]), [
      { kind: 'bind', source: '/home/dev/mAI/backend/data', destination: '/app/backend/data', readOnly: true, isolatedFromHost: false },
    ]);
  });

  it('tmpfs and unknown types', () => {
    const [tmpfs, other] = classifyMounts([TMPFS, { Type: 'npipe', Source: '//./pipe/x', Destination: '/pipe', RW: true }]);
    assert.deepEqual([tmpfs.kind, tmpfs.destination, tmpfs.isolatedFromHost], ['tmpfs', '/tmp', true]);
    assert.deepEqual([other.kind, other.source], ['other', '//./pipe/x']);
  });

  it('an anonymous volume is still named by its (hash) name', () => {
    const name = 'a3f5c0d1e2b4a3f5c0d1e2b4a3f5c0d1e2b4a3f5c0d1e2b4a3f5c0d1e2b4a3f5';
    assert.equal(classifyMounts([{ ...VOLUME, Name: name }])[0].source, name);
  });

  it('missing RW is not read-only; trailing slashes are dropped; entries without a destination are skipped', () => {
    const out = classifyMounts([{ Type: 'volume', Name: 'v', Destination: '/data/' }, { Type: 'volume', Name: 'w' }]);
    assert.deepEqual(out, [{ kind: 'volume', source: 'v', destination: '/data', readOnly: false, isolatedFromHost: true }]);
  });

  it('null Mounts (a container created with none) gives none', () => {
    assert.deepEqual(classifyMounts(null), []);
    assert.deepEqual(classifyMounts(undefined), []);
  });
});

describe('mountFor', () => {
  const mounts = [mount('/app'), mount('/app/data'), mount('/app/database', 'bind')];

  it('picks the longest destination that is a parent directory', () => {
    assert.equal(mountFor('/app/data/webui.db', mounts)?.destination, '/app/data');
    assert.equal(mountFor('/app/database/webui.db', mounts)?.destination, '/app/database');
    assert.equal(mountFor('/app/other/webui.db', mounts)?.destination, '/app');
  });

  it('compares whole path segments: /app/data does not hold /app/database or /app/data2', () => {
    const only = [mount('/app/data')];
    assert.equal(mountFor('/app/database/webui.db', only), undefined);
    assert.equal(mountFor('/app/data2/webui.db', only), undefined);
    assert.equal(mountFor('/app/data', only)?.destination, '/app/data');
  });

  it('a mount of the file itself', () => {
    const fileMount = [mount('/app/backend/data'), mount('/app/backend/data/webui.db', 'bind')];
    assert.equal(mountFor('/app/backend/data/webui.db', fileMount)?.kind, 'bind');
  });

  it('normalises the path before comparing', () => {
    assert.equal(mountFor('/app//data/./sub/../webui.db', mounts)?.destination, '/app/data');
    assert.equal(mountFor('/app/data/../database/x.db', mounts)?.destination, '/app/database');
  });

  it('a mount at / holds everything; nothing holds a path outside every mount', () => {
    assert.equal(mountFor('/srv/x.db', [mount('/')])?.destination, '/');
    assert.equal(mountFor('/srv/x.db', mounts), undefined);
    assert.equal(mountFor('/srv/x.db', []), undefined);
  });
});
