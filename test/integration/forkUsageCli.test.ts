/**
 * Issue 14 through `container-db query` as a user runs it: the mAI fork's database (written by
 * sqlite3, test/support/maiForkDb.sql) in a real container, the tab's rows and the hidden usage on
 * stdout, and the seed case side by side: the container's database against a host copy whose
 * organizations are all inactive. The CLI's clock is the real one, so the range is given.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SqlValue } from '../../src/core/types';
import { runCli } from '../support/cli';
import { createOpenWebuiContainer, ensureFixtureImage, removeByPrefix } from '../support/dockerFixtures';
import { byModel, byModelTabTokens, byUser, modelColumns, userColumns, writeMaiForkDb } from '../support/maiForkDb';

const prefix = 'cdb14-fork-';
const range = ['--param', 'from=2025-07-01', '--param', 'to=2025-07-24'];

function table(json: string, columns: string[]): SqlValue[][] {
  return (JSON.parse(json) as Array<Record<string, SqlValue>>).map((o) => columns.map((c) => o[c]));
}

describe('container-db query on the mAI fork database (issue 14)', function () {
  this.timeout(180_000);
  let dir: string;
  let hostDb: string;
  const target = `container:${prefix}webui`;

  before(async () => {
    await removeByPrefix(prefix);
    await ensureFixtureImage();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-fork-cli-'));
    const containerDb = writeMaiForkDb(path.join(dir, 'container.db'));
    hostDb = writeMaiForkDb(path.join(dir, 'host.db'), { activeOrgs: false });
    await createOpenWebuiContainer({ name: `${prefix}webui`, volume: `${prefix}data`, dbFile: containerDb });
  });

  after(async () => {
    await removeByPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--quick usage-by-user and usage-by-model print the endpoint rows, then what the tab hides', async () => {
    const users = await runCli(['query', target, '--quick', 'usage-by-user', ...range, '--format', 'json']);
    assert.equal(users.code, 0, users.stderr);
    assert.deepEqual(table(users.stdout, userColumns), byUser);
    const models = await runCli(['query', target, '--quick', 'usage-by-model', ...range, '--format', 'json']);
    assert.equal(models.code, 0, models.stderr);
    assert.deepEqual(table(models.stdout, modelColumns), byModel);
    assert.doesNotMatch(models.stderr, /note:/);
  });

  it('the host copy without an active organization: the fallback noted, the tab all zeros but one, the usage hidden', async () => {
    const run = await runCli(['query', hostDb, '--quick', 'usage-by-model', ...range]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^note: No active organization in client_organizations .*fallback id 'env_client_default'/m);
    assert.match(run.stdout, /^openai\/gpt-4\.1\s+openai\s+250\s/m);
    assert.match(run.stdout, /^mistralai\/mistral-large\s+mistralai\s+NULL\s.*organization 'mai_client_63a4eb6d' \(inactive\): 4100 tokens/m);
  });

  it('--both: the container against the host copy, paired by model, the tab totals per side', async () => {
    const args = ['query', '--both', target, hostDb, '--quick', 'usage-by-model', ...range];
    const run = await runCli(args);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^note \(B\): No active organization/m);
    assert.doesNotMatch(run.stderr, /^note \(A\)/m);
    assert.match(run.stdout, /^\|\s+anthropic\/claude-sonnet-4\s+anthropic\*\s+8000\*/m);
    assert.match(run.stdout, /^totals A: 13 rows; total_tokens 9900,/m);
    assert.match(run.stdout, /^totals B: 13 rows; total_tokens 250,/m);
    assert.match(run.stdout, /rows paired by model_name\.$/m);

    const json = await runCli([...args, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as {
      a: { totals: Record<string, number> };
      b: { totals: Record<string, number> };
      pairedBy: string;
      pairs: Array<{ status: string; changed: string[]; a: Record<string, SqlValue> | null; b: Record<string, SqlValue> | null }>;
    };
    assert.equal(out.pairedBy, 'firstColumn');
    assert.equal(out.a.totals.total_tokens, byModelTabTokens);
    assert.equal(out.b.totals.total_tokens, 250);
    const mistral = out.pairs.find((p) => p.a?.model_name === 'mistralai/mistral-large')!;
    assert.deepEqual([mistral.status, mistral.a?.in_tab, mistral.b?.in_tab, mistral.changed], ['changed', 0, 0, ['hidden_why']]);
    const unused = out.pairs.find((p) => p.a?.model_name === 'openai/o4-mini-high')!;
    assert.equal(unused.status, 'same');
  });
});
