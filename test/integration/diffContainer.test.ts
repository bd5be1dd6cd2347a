/**
 * `container-db diff` against the real Docker engine: the database in a container's named volume
 * compared with a host file that differs in known ways, the counts checked against sqldiff on the
 * same two files; the same file against itself is identical (exit 0); a missing file is exit 2.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertOneLineError, runCli } from '../support/cli';
import { createOpenWebuiContainer, ensureFixtureImage, makeWebuiDb, removeByPrefix, type FixtureContainer } from '../support/dockerFixtures';
import { applyToCopy, sqldiffSql, sqldiffSummary } from '../support/diffPairs';

const PREFIX = 'cdbt-e-diff-';

interface JsonTable {
  name: string;
  status: string;
  inserted: number;
  deleted: number;
  updated: number;
  unchanged: number;
}

describe('container-db diff: container (named volume) vs host file (real engine)', function () {
  this.timeout(120_000);
  let tmp: string;
  let original: string;
  let host: string;
  let owui: FixtureContainer;

  before(async () => {
    await removeByPrefix(PREFIX);
    await ensureFixtureImage();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-diff-int-'));
    original = await makeWebuiDb(path.join(tmp, 'container.db'), { users: 12, chats: 60, usageDays: 10 });
    owui = await createOpenWebuiContainer({ name: `${PREFIX}owui`, volume: `${PREFIX}data`, dbFile: original });
    // The host copy: what a developer changed by hand while the app kept using the volume's copy.
    host = path.join(tmp, 'webui.db');
    fs.copyFileSync(original, host);
    execFileSync('sqlite3', [host], {
      input: `DELETE FROM client_user_daily_usage WHERE rowid IN (SELECT rowid FROM client_user_daily_usage LIMIT 7);
        UPDATE chat SET title = title || ' (edited)' WHERE rowid IN (SELECT rowid FROM chat LIMIT 5);
        INSERT INTO auth(id, email, password, active) VALUES('host-only', 'h@example.com', 'x', 1);
        CREATE TABLE host_notes(id INTEGER PRIMARY KEY, note TEXT); INSERT INTO host_notes(note) VALUES('a'), ('b');
        CREATE INDEX auth_email ON auth(email);`,
    });
  });

  after(async () => {
    await owui?.remove();
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reports the known differences with the counts of sqldiff --primarykey --summary; exit 1', async () => {
    const run = await runCli(['diff', `container:${owui.name}`, host, '--json']);
    assert.equal(run.code, 1, run.stderr);
    const out = JSON.parse(run.stdout) as { a: { origin: string; container: string }; b: { origin: string }; identical: boolean; tables: JsonTable[]; schema: { kind: string; name: string; change: string }[] };
    assert.equal(out.identical, false);
    assert.equal(out.a.origin, 'container');
    assert.equal(out.a.container, owui.name);
    assert.equal(out.b.origin, 'file');
    const t = (name: string) => out.tables.find((x) => x.name === name)!;
    assert.deepEqual([t('client_user_daily_usage').status, t('client_user_daily_usage').inserted, t('client_user_daily_usage').deleted], ['changed', 0, 7]);
    assert.equal(t('chat').updated, 5);
    assert.deepEqual([t('auth').inserted, t('host_notes').status, t('host_notes').inserted], [1, 'only-in-b', 2]);
    assert.deepEqual(
      out.schema.map((s) => `${s.kind} ${s.name} ${s.change}`),
      ['table host_notes only-in-b', 'index auth_email only-in-b'],
    );
    // The container holds `original`: sqldiff on the two files is the reference for every table.
    for (const line of sqldiffSummary(original, host)) {
      const mine = t(line.table);
      if (line.kind === 'counts') {
        assert.deepEqual([mine.inserted, mine.deleted, mine.updated, mine.unchanged], [line.inserted, line.deleted, line.updated, line.unchanged], line.table);
      } else assert.equal(mine.status, line.kind, line.table);
    }
  });

  it('--sql from the container to the host file, applied to a copy, leaves nothing for sqldiff', async () => {
    const run = await runCli(['diff', `container:${owui.name}`, host, '--sql']);
    assert.equal(run.code, 1, run.stderr);
    const copy = applyToCopy(original, run.stdout, path.join(tmp, 'applied.db'));
    assert.equal(sqldiffSql(copy, host), '');
  });

  it('the same file against itself, and the container against itself: identical, exit 0', async () => {
    const self = await runCli(['diff', host, host, '--json']);
    assert.equal(self.code, 0, self.stderr);
    assert.equal(JSON.parse(self.stdout).identical, true);
    const human = await runCli(['diff', `container:${owui.name}`, `container:${owui.name}`]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /identical/);
  });

  it('a missing file or container is exit 2 with one line on stderr', async () => {
    const missing = await runCli(['diff', path.join(tmp, 'nope.db'), host]);
    assert.equal(missing.code, 2);
    assertOneLineError(missing);
    const noContainer = await runCli(['diff', `container:${PREFIX}absent`, host]);
    assert.equal(noContainer.code, 2);
    assertOneLineError(noContainer);
  });
});
