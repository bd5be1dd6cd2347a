// A database that a writer never leaves still, in the real extension host against the real Docker
// engine: the pull refuses with MID_WRITE (no copy that could mix two moments), and its
// notification offers "Pull with Container Paused", which pulls it once with the container paused
// for the copy and resumes it. The "writer" touches the file every 10 ms (a new mtime is what a
// commit leaves behind), so every unpaused attempt sees it move. Prefix cdbt-w-ext-. Named to run
// after containersView.test, whose first case checks what activation loaded.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { DatabaseEntry } from '../../src/extension/snapshotStore';
import { docker, freshOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { extensionApi } from './extensionApi';

const PREFIX = 'cdbt-w-ext-';
const NAME = `${PREFIX}busy`;
const DB = '/app/backend/data/webui.db';

describe('a database that never settles: MID_WRITE, and the offered paused pull', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let dbFile: string;

  before(async () => {
    ({ tmp, dbFile } = await freshOpenWebuiContainer(PREFIX, NAME, { users: 5, chats: 30 }));
    await docker(['exec', '-d', NAME, 'sh', '-c', `while true; do touch ${DB}; sleep 0.01; done`], { check: true });
    api = await extensionApi();
    await vscode.commands.executeCommand('containerDb.refresh');
  });

  after(async () => {
    await removeByPrefix(PREFIX);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Inspect refuses with MID_WRITE and offers "Pull with Container Paused"', async () => {
    const entry = await vscode.commands.executeCommand('containerDb.inspect', NAME);
    assert.strictEqual(entry, undefined);
    assert.strictEqual(api.errors.lastError?.code, 'MID_WRITE', JSON.stringify(api.errors.lastError));
    assert.match(api.errors.lastError.message, /kept changing while it was copied/);
    assert.strictEqual(api.errors.lastError.remedy, 'Pull with Container Paused');
  });

  it('the remedy pulls once with the container paused, then resumes it', async () => {
    const entry = (await api.errors.applyLastRemedy()) as DatabaseEntry | undefined;
    assert.ok(entry, JSON.stringify(api.errors.lastError));
    assert.strictEqual(entry.snapshot.stamp.attempts, 1, 'paused, the first copy settles');
    const users = entry.schema.tables.find((t) => t.name === 'user');
    assert.strictEqual(users?.rows, Number(execFileSync('sqlite3', [dbFile, 'SELECT count(*) FROM user'], { encoding: 'utf8' }).trim()));
    const state = (await docker(['inspect', '-f', '{{.State.Running}} {{.State.Paused}}', NAME], { check: true })).stdout.trim();
    assert.strictEqual(state, 'true false', 'the container runs again, unpaused');
    // The setting was not changed: the next pull is unpaused again, and refuses again.
    assert.strictEqual(vscode.workspace.getConfiguration('containerDb').get('freezeWhileCopying'), false);
    assert.strictEqual(await vscode.commands.executeCommand('containerDb.repull', NAME), undefined);
    assert.strictEqual(api.errors.lastError?.code, 'MID_WRITE');
    // The snapshot the paused pull took is still the one shown.
    assert.strictEqual(api.store.get(entry.containerId), entry);
  });
});
