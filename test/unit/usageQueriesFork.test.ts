/**
 * Issue 14: usage-by-user and usage-by-model answer row for row as the mAI fork's endpoints do,
 * and say beside it what the tab hides. The database has the fork's schema and is written by
 * sqlite3 (test/support/maiForkDb.sql); the expected rows are written out by hand from the fork's
 * code (test/support/maiForkDb.ts); the engine is the real one (sql.js in its worker).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotFromFile } from '../../src/core/snapshot';
import { findQuickQuery } from '../../src/core/queries';
import { maiFork } from '../../src/core/queries/maiFork';
import { runQuickQuery } from '../../src/core/queries';
import { SqlEngine, type DbHandle } from '../../src/core/sqlEngine';
import type { SqlValue } from '../../src/core/types';
import { byModel, byUser, byUserNoActiveOrg, FORK_NOW, FORK_ORG, modelColumns, userColumns, writeMaiForkDb } from '../support/maiForkDb';

function quick(id: string) {
  const q = findQuickQuery(id);
  assert.ok(q, `catalogue has ${id}`);
  return q;
}

const tab = (rows: SqlValue[][], columns: string[]) => rows.filter((r) => r[columns.indexOf('in_tab')] === 1);

describe('usage quick queries as the mAI fork computes them (issue 14)', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: SqlEngine;
  let db: DbHandle;
  let inactive: DbHandle;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-fork-'));
    engine = new SqlEngine();
    db = await engine.open(await snapshotFromFile(writeMaiForkDb(path.join(dir, 'webui.db'))), 'webui.db');
    inactive = await engine.open(await snapshotFromFile(writeMaiForkDb(path.join(dir, 'inactive.db'), { activeOrgs: false })), 'inactive.db');
  });

  after(async () => {
    await engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('usage-by-user, default range: the endpoint rows in its order (ties, first record, ghost, zeros newest first), hidden usage beside them', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-by-user'), {}, { now: FORK_NOW });
    assert.deepEqual(run.params.values, { from: '2025-07-01', to: '2025-07-24', org: '' });
    assert.equal(run.notice, undefined);
    assert.deepEqual(run.result.columns, userColumns);
    assert.deepEqual(run.result.rows, byUser);
  });

  it('usage-by-model, default range: the fork\'s 12 models in its order with zeros, off-list usage only as a hidden row', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-by-model'), {}, { now: FORK_NOW });
    assert.deepEqual(run.result.columns, modelColumns);
    assert.deepEqual(run.result.rows, byModel);
    assert.deepEqual(tab(run.result.rows, modelColumns).map((r) => r[0]).sort(), maiFork.supportedModels.map((m) => m.id).sort());
  });

  it('no active organization: the fallback id, every user and every model listed, a notice that names the fallback', async () => {
    const users = await runQuickQuery(engine, inactive, quick('usage-by-user'), {}, { now: FORK_NOW });
    assert.deepEqual(users.result.rows, byUserNoActiveOrg);
    assert.match(users.notice ?? '', /fallback id 'env_client_default'/);
    const models = await runQuickQuery(engine, inactive, quick('usage-by-model'), {}, { now: FORK_NOW });
    const rows = models.result.rows;
    assert.deepEqual(rows[0], ['openai/gpt-4.1', 'openai', 250, 1, 0.125, 0.15625, 1, 1, 0, 0, 0, null]);
    assert.deepEqual(
      tab(rows, modelColumns).slice(1).map((r) => r[0]),
      maiFork.supportedModels.map((m) => m.id).filter((id) => id !== 'openai/gpt-4.1'),
      'the other eleven with zeros, in the list\'s order',
    );
    assert.equal(rows.find((r) => r[0] === 'anthropic/claude-sonnet-4')![11], `organization '${FORK_ORG}' (inactive): 8000 tokens on 2 day(s)`);
    assert.deepEqual(rows.at(-1)!.slice(7), [0, 4100, 3, 2.578125, `organization '${FORK_ORG}' (inactive): 4100 tokens on 2 day(s)`]);
    const daily = await runQuickQuery(engine, inactive, quick('usage-daily-totals'), {}, { now: FORK_NOW });
    assert.deepEqual(daily.result.rows, [['2025-07-08', 400, 3, 0.25, 0.3125, 1]], 'the daily totals read the same fallback organization');
  });

  it('a range given: its own sums, the first record of that range, later usage hidden as dated after it', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-by-user'), { from: '2025-06-01', to: '2025-06-30' }, { now: FORK_NOW });
    const rows = run.result.rows;
    assert.deepEqual(rows[0].slice(0, 10), ['u-alice', 'Alice', 'alice@example.com', 'ext-alice-june', 9999, 9, 1.0, 1.25, 1, 1]);
    assert.match(String(rows[0][13]), /^dated after 2025-06-30: 2200 tokens on 3 day\(s\); organization 'org_old' \(inactive\): 300 tokens/);
    // The users without usage in June, newest first; the ghost and the orphan only hidden.
    assert.deepEqual(tab(rows, userColumns).map((r) => r[0]), ['u-alice', 'u-dave', 'u-bob', 'u-carol']);
    assert.deepEqual(rows.filter((r) => r[9] === 0).map((r) => r[0]), ['u-ghost', 'u-orphan']);
  });

  it('an organization given: its usage in the tab, the others hidden', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-by-model'), { org: 'org_old' }, { now: FORK_NOW });
    assert.equal(run.notice, undefined);
    assert.deepEqual(run.result.rows[0].slice(0, 8), ['openai/o3', 'openai', 700, 1, 0.5, 0.625, 1, 1]);
    const sonnet = run.result.rows.find((r) => r[0] === 'anthropic/claude-sonnet-4')!;
    assert.equal(sonnet[11], `organization '${FORK_ORG}' (active, not the one used): 8000 tokens on 2 day(s)`);
  });
});
