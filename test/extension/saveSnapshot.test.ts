// Save Snapshot As… through the real command in the extension host, with a target Uri (the
// argument other extensions and tests pass instead of answering the save dialog). The reference is
// Debian's sqlite3 and sha256sum on the file copied into the fixture container (prefix cdbt-d3-ext-).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import { freshOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { extensionApi } from './extensionApi';
import { sqlite3Text as sqlite3 } from '../support/sqliteFixtures';

const PREFIX = 'cdbt-d3-ext-save-';
const NAME = `${PREFIX}owui`;

const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
/** "table=count" for every table, as sqlite3 counts them. */
function rowCounts(db: string): string[] {
  const tables = sqlite3(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").split('\n');
  return tables.map((t) => `${t}=${sqlite3(db, `SELECT count(*) FROM "${t.replace(/"/g, '""')}"`)}`);
}

describe('Save Snapshot As… (real Docker engine)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let dbFile: string;

  before(async () => {
    ({ tmp, dbFile } = await freshOpenWebuiContainer(PREFIX, NAME, { users: 9, chats: 60 }));
    api = await extensionApi();
    const entry = await vscode.commands.executeCommand('containerDb.inspect', NAME);
    assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
  });

  after(async () => {
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the snapshot to the given file, mode 0600, the same bytes and rows', async () => {
    const target = path.join(tmp, 'out', 'saved.db');
    fs.mkdirSync(path.dirname(target));
    const saved = await vscode.commands.executeCommand<string>('containerDb.saveSnapshot', NAME, vscode.Uri.file(target));
    assert.strictEqual(saved, target, JSON.stringify(api.errors.lastError));
    assert.strictEqual(fs.statSync(target).mode & 0o777, 0o600);
    assert.strictEqual(sha256(target), sha256(dbFile));
    assert.deepStrictEqual(rowCounts(target), rowCounts(dbFile));
    assert.deepStrictEqual(fs.readdirSync(path.dirname(target)), ['saved.db'], 'no temporary file is left beside it');
  });

  it('a read-only folder: one clear line, nothing written there', async function () {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; a folder on a read-only mount is what refuses root.
      const ro = path.join(tmp, 'ro');
      fs.mkdirSync(ro);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]);
      } catch {
        this.skip();
      }
      try {
        await expectSaveFails(path.join(ro, 'saved.db'), /not writable/);
        assert.deepStrictEqual(fs.readdirSync(ro), []);
      } finally {
        execFileSync('umount', [ro]);
      }
      return;
    }
    const ro = path.join(tmp, 'ro');
    fs.mkdirSync(ro, { mode: 0o500 });
    await expectSaveFails(path.join(ro, 'saved.db'), /not writable/);
    assert.deepStrictEqual(fs.readdirSync(ro), []);
  });

  it('a missing folder: one clear line, nothing created', async () => {
    const missing = path.join(tmp, 'no-such-folder');
    await expectSaveFails(path.join(missing, 'saved.db'), /folder does not exist/);
    assert.ok(!fs.existsSync(missing));
  });

  async function expectSaveFails(target: string, why: RegExp): Promise<void> {
    const result = await vscode.commands.executeCommand('containerDb.saveSnapshot', NAME, vscode.Uri.file(target));
    assert.strictEqual(result, undefined);
    const err = api.errors.lastError;
    assert.strictEqual(err?.code, 'IO_ERROR');
    assert.match(err.message, why);
    assert.match(err.message, /Nothing was written there/);
    assert.doesNotMatch(err.message, /\n/);
    assert.ok(!fs.existsSync(target));
  }
});
