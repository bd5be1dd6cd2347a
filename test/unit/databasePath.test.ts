/** resolveDatabasePath: every way Open WebUI can be told where its database is. */
import * as assert from 'node:assert/strict';
import { resolveDatabasePath, parseDatabaseUrl, redactUrl } from '../../src/core/docker';
import type { MountInfo } from '../../src/core/types';

const DATA_VOLUME: MountInfo = { kind: 'volume', source: 'open-webui', destination: '/app/backend/data', readOnly: false, isolatedFromHost: true };
const SRV_BIND: MountInfo = { kind: 'bind', source: '/home/dev/srv', destination: '/srv', readOnly: false, isolatedFromHost: false };
const MOUNTS = [DATA_VOLUME, SRV_BIND];
// Open WebUI's image sets these; they must not change the answer on their own.
const IMAGE_ENV = ['PATH=/usr/local/bin:/usr/bin', 'ENV=prod', 'PORT=8080', 'WEBUI_SECRET_KEY='];

describe('resolveDatabasePath', () => {
  it('default: /app/backend/data/webui.db, in the volume mounted there', () => {
    assert.deepEqual(resolveDatabasePath(IMAGE_ENV, MOUNTS), { path: '/app/backend/data/webui.db', source: 'default', mount: DATA_VOLUME });
  });

  it('default without any mount: no mount', () => {
    const loc = resolveDatabasePath([], []);
    assert.equal(loc.path, '/app/backend/data/webui.db');
    assert.equal(loc.mount, undefined);
  });

  it('DATA_DIR: $DATA_DIR/webui.db', () => {
    assert.deepEqual(resolveDatabasePath([...IMAGE_ENV, 'DATA_DIR=/srv/owui'], MOUNTS), { path: '/srv/owui/webui.db', source: 'DATA_DIR', mount: SRV_BIND });
  });

  it('DATA_DIR with a trailing slash, and relative to the working directory', () => {
    assert.equal(resolveDatabasePath(['DATA_DIR=/srv/owui/'], MOUNTS).path, '/srv/owui/webui.db');
    assert.equal(resolveDatabasePath(['DATA_DIR=data'], MOUNTS, undefined, '/app/backend').path, '/app/backend/data/webui.db');
    assert.equal(resolveDatabasePath(['DATA_DIR=data'], MOUNTS, undefined, '/app/backend').mount, DATA_VOLUME);
  });

  it('an empty DATA_DIR counts as unset', () => {
    assert.equal(resolveDatabasePath(['DATA_DIR='], MOUNTS).source, 'default');
  });

  it('DATABASE_URL sqlite:////abs (four slashes) is absolute, and beats DATA_DIR', () => {
    const loc = resolveDatabasePath(['DATA_DIR=/app/backend/data', 'DATABASE_URL=sqlite:////srv/db/main.db'], MOUNTS, undefined, '/app/backend');
    assert.deepEqual(loc, { path: '/srv/db/main.db', source: 'DATABASE_URL', mount: SRV_BIND });
  });

  it('DATABASE_URL sqlite:///rel (three slashes) is relative to the working directory, as in SQLAlchemy', () => {
    assert.equal(resolveDatabasePath(['DATABASE_URL=sqlite:///data/webui.db'], MOUNTS, undefined, '/app/backend').path, '/app/backend/data/webui.db');
    // Without a working directory the process runs in /.
    assert.equal(resolveDatabasePath(['DATABASE_URL=sqlite:///app/backend/data/webui.db'], MOUNTS).path, '/app/backend/data/webui.db');
    assert.equal(resolveDatabasePath(['DATABASE_URL=sqlite:///app/backend/data/webui.db'], MOUNTS, undefined, '/app/backend').path, '/app/backend/app/backend/data/webui.db');
  });

  it('DATABASE_URL with a driver and query options', () => {
    assert.equal(resolveDatabasePath(['DATABASE_URL=sqlite+pysqlite:////srv/x.db?timeout=20'], MOUNTS).path, '/srv/x.db');
    assert.equal(resolveDatabasePath(['DATABASE_URL=SQLite:////srv/y.db'], MOUNTS).path, '/srv/y.db');
  });

  for (const [url, kind] of [
    ['postgres://owui:secret@db:5432/openwebui', 'postgresql'],
    ['postgresql://owui:secret@db:5432/openwebui', 'postgresql'],
    ['postgresql+psycopg2://owui:secret@db/openwebui', 'postgresql'],
    ['mysql://owui:secret@db/openwebui', 'mysql'],
    ['mysql+pymysql://owui@db/openwebui', 'mysql'],
    ['mariadb://owui@db/openwebui', 'mysql'],
    ['mssql+pyodbc://owui@db/openwebui', 'other'],
    ['sqlite+sqlcipher://:key@/app/backend/data/webui.db', 'sqlcipher'],
    ['sqlite://', 'other'],
    ['sqlite:///:memory:', 'other'],
    ['not a url', 'other'],
  ] as const) {
    it(`DATABASE_URL ${url.split('@')[0]}... is unsupported ${kind}, with no path`, () => {
      const loc = resolveDatabasePath([`DATABASE_URL=${url}`, 'DATA_DIR=/srv'], MOUNTS);
      assert.equal(loc.path, '');
      assert.equal(loc.source, 'DATABASE_URL');
      assert.equal(loc.mount, undefined);
      assert.equal(loc.unsupported?.kind, kind);
      assert.doesNotMatch(loc.unsupported?.url ?? '', /secret/);
    });
  }

  it('DATABASE_TYPE=sqlite+sqlcipher (Open WebUI\'s switch) makes it unsupported sqlcipher', () => {
    const loc = resolveDatabasePath(['DATABASE_TYPE=sqlite+sqlcipher', 'DATABASE_PASSWORD=pw'], MOUNTS);
    assert.deepEqual(loc, { path: '', source: 'DATABASE_URL', unsupported: { kind: 'sqlcipher', url: 'DATABASE_TYPE=sqlite+sqlcipher' } });
    assert.equal(resolveDatabasePath(['DATABASE_TYPE=sqlite'], MOUNTS).source, 'default');
  });

  it('the override wins over everything, even an unsupported DATABASE_URL', () => {
    const env = ['DATABASE_URL=postgresql://u:p@db/x', 'DATABASE_TYPE=sqlite+sqlcipher', 'DATA_DIR=/srv'];
    assert.deepEqual(resolveDatabasePath(env, MOUNTS, '/app/backend/data/other.db'), { path: '/app/backend/data/other.db', source: 'option', mount: DATA_VOLUME });
    assert.equal(resolveDatabasePath(env, MOUNTS, 'data/x.db', '/app/backend').path, '/app/backend/data/x.db');
  });

  it('values keep everything after the first "=", and a later entry wins', () => {
    assert.equal(resolveDatabasePath(['DATABASE_URL=sqlite:////srv/a=b.db'], MOUNTS).path, '/srv/a=b.db');
    assert.equal(resolveDatabasePath(['DATA_DIR=/one', 'DATA_DIR=/two'], MOUNTS).path, '/two/webui.db');
  });
});

describe('parseDatabaseUrl / redactUrl', () => {
  it('hides the password only', () => {
    assert.equal(redactUrl('postgresql://owui:s3cr:et@db:5432/x'), 'postgresql://owui:***@db:5432/x');
    assert.equal(redactUrl('postgresql://owui@db/x'), 'postgresql://owui@db/x');
    assert.equal(redactUrl('sqlite:////app/x.db'), 'sqlite:////app/x.db');
  });

  it('returns the SQLAlchemy database part for sqlite', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:////abs/x.db'), { path: '/abs/x.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///rel/x.db'), { path: 'rel/x.db' });
  });
});
