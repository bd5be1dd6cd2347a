/**
 * Secret masking (issue 6, item 4): the policy (which columns and JSON keys are secret), the mask
 * (nothing derived from the value, NULL kept), and the CLI's `query` and `diff` on an Open
 * WebUI-like database (scripts/makeWebuiDb.sh plus test/support/secretFixture.ts) made by Debian's
 * sqlite3, which is also the reference for the revealed values.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMain } from '../support/cli';
import { isCdbError } from '../../src/core/errors';
import { compareResults } from '../../src/core/queries';
import {
  DEFAULT_SECRET_COLUMN_PATTERN,
  maskCell,
  maskJsonText,
  maskResult,
  maskSideBySide,
  maskValue,
  SECRET_MASK,
  secretPolicy,
} from '../../src/core/secrets';
import { applyToCopy, sqldiffSql } from '../support/diffPairs';
import { makeWebuiDb, projectRoot } from '../support/dockerFixtures';
import { addSecrets, CONFIG_KEYS, OAUTH_TOKEN, secretValues } from '../support/secretFixture';

const cli = runMain;

const sqlite3 = (db: string, sql: string, mode = '-list') => execFileSync('sqlite3', ['-batch', mode, db, sql], { encoding: 'utf8' });

describe('secrets: the policy and the mask', () => {
  const policy = secretPolicy();

  it('the default pattern: secrets by name, counts of tokens and ordinary columns not', () => {
    const secret = ['password', 'PASSWORD', 'passwd', 'hashed_password', 'api_key', 'api_keys', 'apiKey', 'openrouter_api_key', 'client_secret', 'access_token', 'refresh_token', 'id_token', 'token', 'private_key', 'secret_key', 'openrouter_provisioning_key', 'openrouter_key_hash', 'credentials'];
    const plain = ['total_tokens', 'max_tokens', 'token_count', 'tokenizer', 'id', 'name', 'email', 'key', 'api_base_urls', 'data', 'settings', 'oauth_sub', 'markup_rate'];
    for (const c of secret) assert.equal(policy.isSecretColumn(undefined, c), true, c);
    for (const c of plain) assert.equal(policy.isSecretColumn(undefined, c), false, c);
  });

  it("Open WebUI's own secret columns are secret; the user's pattern adds names and takes none away", () => {
    for (const [t, c] of [['auth', 'password'], ['user', 'api_key'], ['oauth_session', 'token'], ['client_organizations', 'openrouter_api_key'], ['AUTH', 'Password']]) {
      assert.equal(policy.isSecretColumn(t, c), true, `${t}.${c}`);
      assert.equal(policy.isSecretColumn(undefined, c), true, `${c} without a table (ad-hoc SQL)`);
    }
    assert.equal(policy.isSecretColumn('chat', 'title'), false);
    const custom = secretPolicy('^pin$');
    assert.equal(custom.isSecretColumn('card', 'PIN'), true);
    assert.equal(custom.isSecretColumn('card', 'pin_hint'), false);
    assert.equal(custom.isSecretColumn('auth', 'password'), true);
    assert.equal(custom.isSecretColumn('card', 'client_secret'), true);
    assert.equal(policy.isSecretColumn('card', 'pin'), false);
  });

  it('an invalid pattern is a USAGE error naming where it came from', () => {
    assert.throws(() => secretPolicy('(unclosed', '--secret-pattern'), (e: unknown) => isCdbError(e, 'USAGE') && /--secret-pattern/.test(e.message) && !e.message.includes('\n'));
  });

  it("containerDb.secretColumnPattern's default (package.json) adds nothing: the built-in pattern applies", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8'));
    const setting = pkg.contributes.configuration.properties['containerDb.secretColumnPattern'];
    assert.equal(setting.type, 'string');
    const fromDefault = secretPolicy(setting.default);
    assert.equal(fromDefault.isSecretColumn('x', 'refresh_token'), true);
    assert.equal(fromDefault.isSecretColumn('x', 'email'), false);
    assert.match('openrouter_api_key', new RegExp(DEFAULT_SECRET_COLUMN_PATTERN, 'i'));
  });

  it('the mask carries nothing of the value (not its length, type or prefix); NULL stays NULL', () => {
    const values = ['a', 'sk-or-v1-' + 'f'.repeat(64), '', 12345, 1.5, 2n ** 70n, new Uint8Array([1, 2, 3])];
    for (const v of values) assert.equal(maskValue(v), SECRET_MASK);
    assert.equal(maskValue(null), null);
    assert.equal(new Set(values.map(maskValue)).size, 1);
  });

  it('JSON: values under secret keys masked, the rest kept; text without secrets untouched byte for byte', () => {
    const config = {
      version: 0,
      openai: { enable: true, api_base_urls: ['https://openrouter.ai/api/v1'], api_keys: CONFIG_KEYS.openai },
      rag: { chunk_size: 1000, openai_api_key: CONFIG_KEYS.rag, unset_api_key: null },
      oauth: { google: { client_id: 'cid', client_secret: 'gsecret', enable_api_key: false } },
    };
    const masked = JSON.parse(maskJsonText(JSON.stringify(config), policy)!);
    assert.deepEqual(masked.openai, { enable: true, api_base_urls: ['https://openrouter.ai/api/v1'], api_keys: [SECRET_MASK, SECRET_MASK] });
    assert.deepEqual(masked.rag, { chunk_size: 1000, openai_api_key: SECRET_MASK, unset_api_key: null });
    assert.deepEqual(masked.oauth.google, { client_id: 'cid', client_secret: SECRET_MASK, enable_api_key: false });
    assert.equal(masked.version, 0);
    // The user's pattern applies to JSON keys too.
    const own = JSON.parse(maskJsonText(JSON.stringify(config), secretPolicy('^client_id$'))!);
    assert.equal(own.oauth.google.client_id, SECRET_MASK);
    assert.deepEqual(own.openai.api_keys, [SECRET_MASK, SECRET_MASK]);
    const plain = '{ "ui": {"theme": "dark"},  "n": 1.50 }';
    assert.equal(maskJsonText(plain, policy), undefined);
    assert.equal(maskCell(false, plain, policy), plain);
    assert.equal(maskJsonText('not json {', policy), undefined);
    assert.equal(maskJsonText('"api_key"', policy), undefined);
  });

  it('results and side-by-side: secret columns masked by name, pairing and changed marks from the real values, secret totals dropped', () => {
    const a = { columns: ['id', 'api_key', 'n'], rows: [['u1', 'sk-1', 1], ['u2', null, 2]], truncated: false };
    const b = { columns: ['id', 'api_key', 'n'], rows: [['u1', 'sk-CHANGED', 1], ['u2', null, 2]], truncated: false };
    assert.deepEqual(maskResult(policy, undefined, a).rows, [['u1', SECRET_MASK, 1], ['u2', null, 2]]);
    assert.deepEqual(a.rows[0][1], 'sk-1', 'the input is not touched');
    const cmp = maskSideBySide(compareResults(a, b), policy);
    assert.deepEqual(cmp.pairs.map((p) => [p.status, p.changed, p.a, p.b]), [
      ['changed', [1], ['u1', SECRET_MASK, 1], ['u1', SECRET_MASK, 1]],
      ['same', [], ['u2', null, 2], ['u2', null, 2]],
    ]);
    const nums = { columns: ['id', 'pin_token', 'n'], rows: [['x', 1234, 5]], truncated: false };
    const sums = maskSideBySide(compareResults(nums, nums), policy).totals.a.sums;
    assert.deepEqual(sums, [null, null, 5]);
  });
});

describe('secrets: container-db query and diff', function () {
  this.timeout(60_000);
  let dir: string;
  let db: string;
  let secrets: string[];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-secrets-'));
    db = await makeWebuiDb(path.join(dir, 'webui.db'), { users: 6, chats: 5, usageDays: 2 });
    addSecrets(db);
    secrets = secretValues(db);
    assert.ok(secrets.length >= 6 + 2 + 1 + 1 + 4, `fixture secrets: ${secrets.length}`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const leaks = (text: string) => secrets.filter((s) => text.includes(s));

  it('query: every secret masked in every format; NULL api keys stay NULL; the rest equals sqlite3', async () => {
    const sql = 'SELECT u.id, u.email, u.api_key, a.password FROM "user" u JOIN auth a USING (id) ORDER BY u.rowid';
    for (const format of ['table', 'csv', 'json', 'markdown']) {
      const run = await cli(['query', db, sql, '--format', format]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(leaks(run.stdout + run.stderr), [], format);
      assert.ok(run.stdout.includes(SECRET_MASK), format);
    }
    const csv = (await cli(['query', db, sql, '--format', 'csv'])).stdout;
    const expected = sqlite3(db, 'SELECT u.id, u.email, u.api_key IS NULL FROM "user" u JOIN auth a USING (id) ORDER BY u.rowid')
      .trim()
      .split('\n')
      .map((line) => {
        const [id, email, isNull] = line.split('|');
        return `${id},${email},${isNull === '1' ? '' : SECRET_MASK},${SECRET_MASK}`;
      });
    assert.deepEqual(csv.split('\r\n').slice(1, -1), expected);
    assert.ok(expected.some((l) => l.includes(`,,${SECRET_MASK}`)) && expected.some((l) => l.includes(`${SECRET_MASK},${SECRET_MASK}`)), 'both NULL and set api keys');
    const others = await cli(['query', db, 'SELECT token, openrouter_api_key FROM oauth_session, client_organizations', '--format', 'json']);
    assert.deepEqual(leaks(others.stdout), []);
    const config = JSON.parse((await cli(['query', db, 'SELECT data FROM config', '--format', 'json'])).stdout)[0].data;
    const parsed = JSON.parse(config);
    assert.deepEqual(parsed.openai.api_keys, [SECRET_MASK, SECRET_MASK]);
    assert.deepEqual(parsed.openai.api_base_urls, ['https://openrouter.ai/api/v1'], 'the rest of the config stays readable');
    assert.equal(parsed.web.search.engine, 'brave');
  });

  it('query --reveal-secrets prints the values sqlite3 prints', async () => {
    const sql = "SELECT a.password, u.api_key, o.token FROM auth a JOIN \"user\" u USING (id) LEFT JOIN oauth_session o ON o.user_id = u.id ORDER BY a.rowid";
    const run = await cli(['query', db, sql, '--format', 'csv', '--reveal-secrets']);
    assert.equal(run.code, 0, run.stderr);
    const body = run.stdout.split('\r\n').slice(1, -1);
    const ref = sqlite3(db, sql.replace('SELECT a.password, u.api_key, o.token', "SELECT a.password || '|' || ifnull(u.api_key, '') || '|' || ifnull(o.token, '')")).trim().split('\n');
    assert.equal(body.length, ref.length);
    // CSV quotes the JSON token; compare the fields.
    const fields = body.map((line) => {
      const m = /^([^,]*),([^,]*),(.*)$/.exec(line)!;
      return `${m[1]}|${m[2]}|${m[3].startsWith('"') ? m[3].slice(1, -1).replace(/""/g, '"') : m[3]}`;
    });
    assert.deepEqual(fields, ref);
    assert.ok(fields.some((f) => f.endsWith(OAUTH_TOKEN)));
    const config = JSON.parse(JSON.parse((await cli(['query', db, 'SELECT data FROM config', '--format', 'json', '--reveal-secrets'])).stdout)[0].data);
    assert.deepEqual(config.openai.api_keys, CONFIG_KEYS.openai);
  });

  it('query --secret-pattern: names it matches are masked too; the quick query and --both mask', async () => {
    const email = await cli(['query', db, 'SELECT email FROM "user"', '--secret-pattern', '^email$', '--format', 'csv']);
    assert.equal(email.code, 0, email.stderr);
    assert.doesNotMatch(email.stdout, /@example\.com/);
    const bad = await cli(['query', db, 'SELECT 1', '--secret-pattern', '(']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--secret-pattern/);
    const orgs = await cli(['query', db, '--quick', 'organizations', '--format', 'json']);
    assert.equal(orgs.code, 0, orgs.stderr);
    assert.ok(JSON.parse(orgs.stdout).every((r: { openrouter_api_key: string }) => r.openrouter_api_key === SECRET_MASK));
    const other = path.join(dir, 'other.db');
    fs.copyFileSync(db, other);
    sqlite3(other, "UPDATE auth SET password = 'changed-on-b' WHERE rowid = 1");
    const both = await cli(['query', '--both', db, other, 'SELECT id, password FROM auth ORDER BY id', '--format', 'json']);
    assert.equal(both.code, 0, both.stderr);
    assert.deepEqual(leaks(both.stdout), []);
    assert.doesNotMatch(both.stdout, /changed-on-b/);
    assert.equal(JSON.parse(both.stdout).counts.changed, 1, 'the change is still reported');
  });

  it('diff --sql writes the real values (they must apply) and names the secret columns on stderr', async () => {
    const b = path.join(dir, 'b.db');
    fs.copyFileSync(db, b);
    sqlite3(b, "UPDATE auth SET password = 'new-hash-on-b' WHERE rowid = 2; UPDATE \"user\" SET api_key = 'sk-new-on-b' WHERE rowid = 1; UPDATE chat SET title = 'x' WHERE rowid = 1");
    const run = await cli(['diff', db, b, '--sql']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /new-hash-on-b/);
    assert.match(run.stderr, /^note: the SQL holds the values of secret columns \(auth\.password, user\.api_key\)/m);
    assert.equal(sqldiffSql(applyToCopy(db, run.stdout, path.join(dir, 'applied.db')), b), '');
    const quiet = await cli(['diff', db, b, '--sql', '--reveal-secrets']);
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.stdout, run.stdout);
    const chatOnly = await cli(['diff', db, b, '--sql', '--table', 'chat']);
    assert.equal(chatOnly.stderr, '', 'no note when no secret column is written');
    const human = await cli(['diff', db, b, '--json']);
    assert.deepEqual(leaks(human.stdout + human.stderr).concat(/new-hash-on-b|sk-new-on-b/.test(human.stdout) ? ['b values'] : []), []);
  });
});

describe('secrets: error messages', function () {
  this.timeout(60_000);
  let dir: string;
  let db: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-secrets-err-'));
    db = await makeWebuiDb(path.join(dir, 'webui.db'), { users: 3, chats: 2, usageDays: 1 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a value SQLite quotes in its message (a column used as a JSON path) never reaches stderr; SQL tokens and quick-query names stay', async () => {
    const passwords = sqlite3(db, 'SELECT password FROM auth').trim().split('\n');
    const run = await cli(['query', db, 'SELECT json_extract(c.data, a.password) FROM config c, auth a']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "container-db: SQLite rejected the statement: bad JSON path: '…'\n");
    assert.ok(passwords.every((p) => !run.stderr.includes(p) && !run.stdout.includes(p)));
    const syntax = await cli(['query', db, "SELECT 'x' FROM FROM auth"]);
    assert.match(syntax.stderr, /near "FROM": syntax error/);
    const missing = await cli(['query', db, '--quick', 'global-settings']);
    assert.match(missing.stderr, /'global_settings'/);
  });
});
