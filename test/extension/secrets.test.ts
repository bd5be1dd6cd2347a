// Secret masking (issue 6, item 4) inside a real VS Code extension host, on a database pulled from
// a real Docker fixture container (prefix cdbt-s-). The database is scripts/makeWebuiDb.sh plus
// test/support/secretFixture.ts (auth.password, user.api_key, oauth_session.token, config api keys,
// client_organizations.openrouter_api_key); the host copy differs in secret columns so the compare
// view has secrets to show. Revealed values are checked against Debian's sqlite3.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { SECRET_MASK } from '../../src/core/secrets';
import type { CompareResult } from '../../src/extension/divergence/compareCommand';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { ResultsContent } from '../../src/extension/queries/resultContent';
import type { Cell } from '../../src/extension/tableGrid/gridProtocol';
import type { TableGridPanel } from '../../src/extension/tableGrid/tableGridPanel';
import { createOpenWebuiContainer, makeWebuiDb, removeByPrefix } from '../support/dockerFixtures';
import { addSecrets, CONFIG_KEYS, secretValues } from '../support/secretFixture';
import { extensionApi } from './extensionApi';

const PREFIX = 'cdbt-s-';
const NAME = `${PREFIX}owui`;

/** The container's copy differs from the host's in secret columns only (and one ordinary one). */
const CONTAINER_EDITS = `
UPDATE auth SET password = '$2b$12$container-side-hash-0000000000000000000000000000000' WHERE rowid = 1;
UPDATE "user" SET api_key = 'sk-container-only-key-0001' WHERE rowid = 2;
INSERT INTO oauth_session VALUES ('os-2', (SELECT id FROM "user" WHERE rowid = 2), 'github', '{"access_token":"gho_container_only"}', 1767225600, 1735689600, 1735689600);
`;

function sqlite3(db: string, sql: string): string[] {
  return execFileSync('sqlite3', ['-batch', '-noheader', db, sql], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
}

const text = (c: Cell | undefined) => (c && c.k === 'text' ? c.v : c?.k);

describe('Secrets: masked in grids, exports and the compare view until revealed (real Docker engine)', function () {
  this.timeout(120000);
  let api: ContainerDbApi;
  let tmp: string;
  let hostDb: string;
  let containerDb: string;
  let containerId: string;
  let secrets: string[];
  /** Every error the extension reported (what goes to the notification and the Output channel). */
  const reported: { action: string; code: string; message: string }[] = [];
  let reportSub: vscode.Disposable | undefined;

  before(async () => {
    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    hostDb = await makeWebuiDb(path.join(tmp, 'host-webui.db'), { users: 6, chats: 4, usageDays: 2 });
    addSecrets(hostDb);
    containerDb = path.join(tmp, 'webui.db');
    fs.copyFileSync(hostDb, containerDb);
    execFileSync('sqlite3', ['-bail', containerDb], { input: CONTAINER_EDITS });
    secrets = [...new Set([...secretValues(hostDb), ...secretValues(containerDb)])];
    const fx = await createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: containerDb });
    containerId = fx.id;
    api = await extensionApi();
    reportSub = api.errors.onDidReport((r) => reported.push(r));
    await vscode.workspace.getConfiguration('containerDb').update('hostDatabasePath', hostDb, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('containerDb.refresh');
    const entry = await vscode.commands.executeCommand('containerDb.inspect', NAME);
    assert.ok(entry, `inspect failed: ${JSON.stringify(api.errors.lastError)}`);
  });

  after(async () => {
    reportSub?.dispose();
    await vscode.workspace.getConfiguration('containerDb').update('queries', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('containerDb.hideSecrets');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('containerDb').update('hostDatabasePath', undefined, vscode.ConfigurationTarget.Global);
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const leaks = (s: string) => secrets.filter((v) => s.includes(v));

  async function grid(table: string): Promise<TableGridPanel & { lastPage: NonNullable<TableGridPanel['lastPage']> }> {
    const g = await vscode.commands.executeCommand<TableGridPanel>('containerDb.openTable', { containerId, tableName: table });
    assert.ok(g?.lastPage, `no page for ${table}: ${JSON.stringify(api.errors.lastError)}`);
    return g as TableGridPanel & { lastPage: NonNullable<TableGridPanel['lastPage']> };
  }

  function columnCells(g: { lastPage: { columns: { name: string }[]; rows: Cell[][] } }, name: string): Cell[] {
    const i = g.lastPage.columns.findIndex((c) => c.name === name);
    assert.ok(i >= 0, `no column ${name}`);
    return g.lastPage.rows.map((r) => r[i]);
  }

  it('the grids mask every secret column by default (NULL stays NULL) and nothing else', async () => {
    const auth = await grid('auth');
    assert.strictEqual(auth.lastPage.secretsRevealed, false);
    assert.deepStrictEqual(auth.lastPage.secretColumns, auth.lastPage.columns.map((c) => c.name === 'password'));
    assert.deepStrictEqual(columnCells(auth, 'password').map(text), sqlite3(containerDb, 'SELECT password FROM auth ORDER BY rowid').map(() => SECRET_MASK));
    assert.deepStrictEqual(columnCells(auth, 'email').map(text), sqlite3(containerDb, 'SELECT email FROM auth ORDER BY rowid'));

    const user = await grid('user');
    const expectedKeys = sqlite3(containerDb, "SELECT CASE WHEN api_key IS NULL THEN 'null' ELSE 'masked' END FROM \"user\" ORDER BY rowid");
    assert.deepStrictEqual(columnCells(user, 'api_key').map((c) => (c.k === 'null' ? 'null' : text(c) === SECRET_MASK ? 'masked' : 'LEAK')), expectedKeys);
    assert.ok(expectedKeys.includes('null') && expectedKeys.includes('masked'));

    const oauth = await grid('oauth_session');
    assert.ok(columnCells(oauth, 'token').every((c) => text(c) === SECRET_MASK));
    const orgs = await grid('client_organizations');
    assert.ok(columnCells(orgs, 'openrouter_api_key').every((c) => text(c) === SECRET_MASK));

    const config = await grid('config');
    const dataCol = config.lastPage.columns.findIndex((c) => c.name === 'data');
    // The grid cell shows 200 characters; Copy Cell gets the whole (masked) text.
    const data = JSON.parse(config.cellText(0, dataCol)!);
    assert.ok(text(columnCells(config, 'data')[0])!.length <= 200);
    assert.deepStrictEqual(data.openai.api_keys, [SECRET_MASK, SECRET_MASK]);
    assert.strictEqual(data.rag.openai_api_key, SECRET_MASK);
    assert.strictEqual(data.web.search.brave_search_api_key, SECRET_MASK);
    assert.deepStrictEqual(data.openai.api_base_urls, ['https://openrouter.ai/api/v1'], 'the rest of the config stays readable');
    for (const g of [auth, user, oauth, orgs, config]) assert.deepStrictEqual(leaks(JSON.stringify(g.lastPage)), [], g.target.tableName);
  });

  it('exports (a whole table, a query result) hold the mask, not the values', async () => {
    const tableCsv = path.join(tmp, 'auth.csv');
    await vscode.commands.executeCommand('containerDb.exportTable', { containerId, table: { name: 'auth' } }, { format: 'csv', to: tableCsv });
    const csv = fs.readFileSync(tableCsv, 'utf8');
    assert.deepStrictEqual(leaks(csv), []);
    const lines = csv.trimEnd().split('\r\n');
    assert.strictEqual(lines[0], 'id,email,password,active');
    assert.strictEqual(lines.length - 1, Number(sqlite3(containerDb, 'SELECT count(*) FROM auth')[0]));
    assert.ok(lines.slice(1).every((l) => l.split(',')[2] === SECRET_MASK), lines[1]);

    const content = await vscode.commands.executeCommand<ResultsContent>('containerDb.runQuickQuery', { containerId, queryId: 'organizations', target: 'container', useDefaults: true });
    assert.ok(content, `no result: ${JSON.stringify(api.errors.lastError)}`);
    const resultCsv = path.join(tmp, 'orgs.csv');
    await vscode.commands.executeCommand('containerDb.exportResult', { format: 'csv', to: resultCsv });
    const orgs = fs.readFileSync(resultCsv, 'utf8');
    assert.deepStrictEqual(leaks(orgs), []);
    const header = orgs.split('\r\n')[0].split(',');
    const k = header.indexOf('openrouter_api_key');
    assert.ok(k >= 0, header.join(','));
    const rows = orgs.trimEnd().split('\r\n').slice(1);
    assert.strictEqual(rows.length, Number(sqlite3(containerDb, 'SELECT count(*) FROM client_organizations')[0]));
    // The quick query's own partial mask (a prefix and the last four) is masked whole as well.
    assert.ok(rows.every((r) => r.split(',')[k] === SECRET_MASK), rows[0]);
  });

  it('the compare view masks secret sample rows on both sides, yet marks the changed secret', async () => {
    const result = await vscode.commands.executeCommand<CompareResult>('containerDb.compareWithHost', { containerId, table: 'auth' });
    assert.ok(result?.panel?.lastRows, `compare failed: ${JSON.stringify(api.errors.lastError)}`);
    const panel = result.panel;
    const rows = panel.lastRows!;
    assert.strictEqual(rows.kind, 'updated');
    assert.strictEqual(rows.rows.length, 1);
    const pw = panel.lastInit!.columns.indexOf('password');
    assert.deepStrictEqual(rows.rows[0].changed, [pw]);
    assert.strictEqual(text(rows.rows[0].left![pw]), SECRET_MASK);
    assert.strictEqual(text(rows.rows[0].right![pw]), SECRET_MASK);
    await panel.show('oauth_session');
    const added = panel.lastRows!;
    assert.strictEqual(added.kind, 'inserted');
    assert.deepStrictEqual(leaks(JSON.stringify(added)), []);
    assert.ok(JSON.stringify(added).includes('github'), 'the rest of the row is shown');
    await panel.show('user');
    assert.deepStrictEqual(leaks(JSON.stringify(panel.lastRows)), []);
    assert.ok(!JSON.stringify(panel.lastRows).includes('sk-container-only-key-0001'));
  });

  it('Reveal Secret Values shows what sqlite3 reads, in open grids, exports and the compare view; Hide masks again', async () => {
    const auth = await grid('auth');
    const compare = api.comparePanels!.all().find((p) => p.containerId === containerId)!;
    assert.ok(compare);
    await vscode.commands.executeCommand('containerDb.revealSecrets');
    // The open panels re-render from the values they already hold.
    assert.strictEqual(auth.lastPage.secretsRevealed, true);
    assert.deepStrictEqual(columnCells(auth, 'password').map(text), sqlite3(containerDb, 'SELECT password FROM auth ORDER BY rowid'));
    assert.ok(JSON.stringify(compare.lastRows).includes('sk-container-only-key-0001'), 'the compare view shows the revealed value');
    const config = await grid('config');
    await config.load('reload');
    const dataCol = config.lastPage.columns.findIndex((c) => c.name === 'data');
    const revealed = JSON.parse(config.cellText(0, dataCol)!);
    assert.deepStrictEqual(revealed.openai.api_keys, CONFIG_KEYS.openai);
    assert.deepStrictEqual(revealed, JSON.parse(sqlite3(containerDb, 'SELECT data FROM config WHERE id = 1')[0]));
    const file = path.join(tmp, 'auth-revealed.csv');
    await vscode.commands.executeCommand('containerDb.exportTable', { containerId, table: { name: 'auth' } }, { format: 'csv', to: file });
    const passwords = fs.readFileSync(file, 'utf8').trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[2]);
    assert.deepStrictEqual(passwords, sqlite3(containerDb, 'SELECT password FROM auth ORDER BY rowid'));

    await vscode.commands.executeCommand('containerDb.hideSecrets');
    assert.strictEqual(auth.lastPage.secretsRevealed, false);
    assert.ok(columnCells(auth, 'password').every((c) => text(c) === SECRET_MASK));
    assert.deepStrictEqual(leaks(JSON.stringify(compare.lastRows)), []);
  });

  it('containerDb.secretColumnPattern adds names (open grids re-render); an invalid one keeps the built-in rules', async () => {
    const config = vscode.workspace.getConfiguration('containerDb');
    const auth = await grid('auth');
    try {
      await config.update('secretColumnPattern', '^email$', vscode.ConfigurationTarget.Global);
      assert.ok(columnCells(auth, 'email').every((c) => text(c) === SECRET_MASK), JSON.stringify(columnCells(auth, 'email')));
      assert.ok(columnCells(auth, 'password').every((c) => text(c) === SECRET_MASK));
      await config.update('secretColumnPattern', '(unclosed', vscode.ConfigurationTarget.Global);
      assert.deepStrictEqual(columnCells(auth, 'email').map(text), sqlite3(containerDb, 'SELECT email FROM auth ORDER BY rowid'));
      assert.ok(columnCells(auth, 'password').every((c) => text(c) === SECRET_MASK));
    } finally {
      await config.update('secretColumnPattern', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('errors never carry a cell value: SQLite quoting a secret in its message is reported without it', async () => {
    await vscode.workspace.getConfiguration('containerDb').update(
      'queries',
      [{ id: 'secret-as-path', title: 'A password used as a JSON path', sql: 'SELECT json_extract(c.data, a.password) FROM config c, auth a', requires: ['auth', 'config'] }],
      vscode.ConfigurationTarget.Global,
    );
    const before = reported.length;
    const content = await vscode.commands.executeCommand('containerDb.runQuickQuery', { containerId, queryId: 'secret-as-path', target: 'container' });
    assert.strictEqual(content, undefined);
    const mine = reported.slice(before);
    assert.strictEqual(mine.length, 1, JSON.stringify(mine));
    assert.strictEqual(mine[0].code, 'QUERY_ERROR');
    // sqlite3 itself names the value: the reference that the statement does leak without the redaction.
    let sqliteSays = '';
    try {
      sqlite3(containerDb, 'SELECT json_extract(c.data, a.password) FROM config c, auth a');
    } catch (err) {
      sqliteSays = String((err as { stderr?: string }).stderr);
    }
    assert.match(sqliteSays, /container-side-hash/, 'sqlite3 quotes the password in its message');
    assert.match(mine[0].message, /^SQLite rejected the statement: bad JSON path: '…'$/);
    // Everything reported during this suite (grids, exports, compare, reveal) is free of secret values.
    assert.deepStrictEqual(reported.flatMap((r) => leaks(`${r.action} ${r.message}`)), []);
  });
});
