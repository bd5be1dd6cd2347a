/**
 * Every catalogue query against usage data with known totals. The expected numbers are computed
 * here, in JavaScript, from the generated rows (test/support/usageData.ts), never by running SQL;
 * the actual numbers come from the real engine (sql.js in its worker) reading the file the sqlite3
 * shell wrote.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCdbError } from '../../src/core/errors';
import { snapshotFromFile } from '../../src/core/snapshot';
import { builtinQueries, findQuickQuery } from '../../src/core/queries';
import { maiFork } from '../../src/core/queries/maiFork';
import { missingTables, tableNames } from '../../src/core/queries';
import { runQuickQuery, runSql } from '../../src/core/queries';
import { readSchema } from '../../src/core/sqlEngine';
import { SqlEngine, type DbHandle } from '../../src/core/sqlEngine';
import type { SqlValue } from '../../src/core/types';
import { makeWebuiDb } from '../support/dockerFixtures';
import { addDays, chatDocument, generateUsageData, writeUsageDb, type UsageData, type UserDailyRow } from '../support/usageData';

const TODAY = '2025-06-17';
const NOW = new Date(`${TODAY}T15:30:00Z`);

type Obj = Record<string, SqlValue>;

function objects(result: { columns: string[]; rows: SqlValue[][] }): Obj[] {
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i]])));
}

function quick(id: string) {
  const q = findQuickQuery(id);
  assert.ok(q, `catalogue has ${id}`);
  return q;
}

interface Totals {
  total_tokens: number;
  total_requests: number;
  raw_cost: number;
  markup_cost: number;
  days: Set<string>;
}

function sumBy<T extends { total_tokens: number; total_requests: number; raw_cost: number; markup_cost: number; usage_date: string }>(rows: T[], key: (r: T) => string): Map<string, Totals> {
  const m = new Map<string, Totals>();
  for (const r of rows) {
    const t = m.get(key(r)) ?? { total_tokens: 0, total_requests: 0, raw_cost: 0, markup_cost: 0, days: new Set<string>() };
    t.total_tokens += r.total_tokens;
    t.total_requests += r.total_requests;
    t.raw_cost += r.raw_cost;
    t.markup_cost += r.markup_cost;
    t.days.add(r.usage_date);
    m.set(key(r), t);
  }
  return m;
}

const inRange = (from: string, to: string, org: string) => (r: { usage_date: string; client_org_id: string }) => r.client_org_id === org && r.usage_date >= from && r.usage_date <= to;

/** What GET …/usage-by-user returns, computed the endpoint's way (billing_service.get_user_usage_breakdown). */
function expectedByUser(data: UsageData, from: string, to: string, org: string) {
  const totals = sumBy(data.userDaily.filter(inRange(from, to, org)), (r: UserDailyRow) => r.user_id);
  const withUsage = [...totals.entries()].map(([user_id, t]) => ({ user_id, total_tokens: t.total_tokens, total_requests: t.total_requests, raw_cost: t.raw_cost, markup_cost: t.markup_cost, days_active: t.days.size }));
  const zero = data.users.filter((u) => !totals.has(u.id)).map((u) => ({ user_id: u.id, total_tokens: 0, total_requests: 0, raw_cost: 0, markup_cost: 0, days_active: 0 }));
  return { withUsage, zero };
}

describe('quick-query catalogue on generated usage data', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: SqlEngine;
  let data: UsageData;
  let db: DbHandle;

  async function open(file: string): Promise<DbHandle> {
    return engine.open(await snapshotFromFile(file), path.basename(file));
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-queries-'));
    engine = new SqlEngine();
    data = generateUsageData({ today: TODAY, seed: 7 });
    db = await open(writeUsageDb(path.join(dir, 'usage.db'), data));
  });

  after(async () => {
    await engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('usage-by-user: this month for the first active organization, zeros for users without usage, ordered by cost', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-by-user'), {}, { now: NOW });
    assert.deepEqual(run.params.values, { org: '', from: '2025-06-01', to: TODAY });
    assert.equal(run.notice, undefined);
    const rows = objects(run.result);
    const { withUsage, zero } = expectedByUser(data, '2025-06-01', TODAY, 'org_main');
    assert.ok(withUsage.length >= 4 && zero.length >= 3, 'the data has users with and without usage');
    assert.ok(withUsage.some((u) => u.user_id === data.ghostUserId), 'the ghost user has usage this month');
    assert.equal(rows.length, withUsage.length + zero.length);
    // Ordered by marked-up cost, then the zero rows.
    const costs = rows.map((r) => r.markup_cost as number);
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a));
    for (const e of [...withUsage, ...zero]) {
      const r = rows.find((x) => x.user_id === e.user_id);
      assert.ok(r, `row for ${e.user_id}`);
      assert.deepEqual(
        { user_id: r.user_id, total_tokens: r.total_tokens, total_requests: r.total_requests, raw_cost: r.raw_cost, markup_cost: r.markup_cost, days_active: r.days_active },
        e,
      );
    }
    const ghost = rows.find((r) => r.user_id === data.ghostUserId)!;
    assert.equal(ghost.user_name, data.ghostUserId, 'a user without a "user" row is named by id, as the endpoint does');
    const zoe = rows.find((r) => r.user_id === 'u-002')!;
    assert.equal(zoe.user_name, 'Zoë, "the" tester');
    // Grand totals, the number a developer compares with the UI.
    const sum = (k: string) => rows.reduce((s, r) => s + (r[k] as number), 0);
    const expectedRows = data.userDaily.filter(inRange('2025-06-01', TODAY, 'org_main'));
    assert.equal(sum('total_tokens'), expectedRows.reduce((s, r) => s + r.total_tokens, 0));
    assert.equal(sum('markup_cost'), expectedRows.reduce((s, r) => s + r.markup_cost, 0));
  });

  it('usage-by-user: an explicit range and organization', async () => {
    const from = addDays(TODAY, -40);
    const run = await runQuickQuery(engine, db, quick('usage-by-user'), { from, to: '2025-05-31', org: 'org_other' }, { now: NOW });
    const { withUsage } = expectedByUser(data, from, '2025-05-31', 'org_other');
    const rows = objects(run.result).filter((r) => (r.total_requests as number) > 0);
    assert.deepEqual(
      rows.map((r) => [r.user_id, r.total_tokens, r.markup_cost, r.days_active]).sort(),
      withUsage.map((u) => [u.user_id, u.total_tokens, u.markup_cost, u.days_active]).sort(),
    );
  });

  it('usage-by-model: the fork\'s model list with its sums or zeros, other models and other organizations as hidden usage', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-by-model'), {}, { now: NOW });
    const rows = objects(run.result);
    const listed = new Set(maiFork.supportedModels.map((m) => m.id));
    const totals = sumBy(data.modelDaily.filter(inRange('2025-06-01', TODAY, 'org_main')), (r) => r.model_name);
    const tabRows = rows.filter((r) => r.in_tab === 1);
    assert.deepEqual(tabRows.map((r) => r.model_name).sort(), [...listed].sort());
    for (const r of tabRows) {
      const t = totals.get(r.model_name as string);
      assert.deepEqual([r.total_tokens, r.markup_cost, r.days_used], [t?.total_tokens ?? 0, t?.markup_cost ?? 0, t?.days.size ?? 0], String(r.model_name));
    }
    assert.ok((tabRows.find((r) => r.model_name === 'openai/gpt-4o-mini')!.total_tokens as number) > 0, 'the data uses one listed model');
    // The generated data's other models never reach the tab: their usage from the 1st on is all hidden.
    const offList = [...new Set(data.modelDaily.map((r) => r.model_name))].filter((m) => !listed.has(m)).sort();
    assert.deepEqual(rows.filter((r) => r.in_tab === 0).map((r) => r.model_name).sort(), offList);
    for (const r of rows) {
      const hidden = data.modelDaily.filter((m) => m.model_name === r.model_name && m.usage_date >= '2025-06-01' && !(listed.has(m.model_name) && m.client_org_id === 'org_main' && m.usage_date <= TODAY));
      assert.equal(r.hidden_tokens, hidden.reduce((s, m) => s + m.total_tokens, 0), `hidden tokens of ${r.model_name}`);
    }
    assert.ok(rows.filter((r) => r.in_tab === 0).every((r) => r.total_tokens === null), 'tab columns stay NULL outside the tab');
  });

  it('usage-daily-totals: one row per day with active users', async () => {
    const run = await runQuickQuery(engine, db, quick('usage-daily-totals'), { from: '2025-05-20' }, { now: NOW });
    const rows = data.userDaily.filter(inRange('2025-05-20', TODAY, 'org_main'));
    const days = [...new Set(rows.map((r) => r.usage_date))].sort();
    assert.deepEqual(
      objects(run.result),
      days.map((d) => {
        const day = rows.filter((r) => r.usage_date === d);
        return {
          usage_date: d,
          total_tokens: day.reduce((s, r) => s + r.total_tokens, 0),
          total_requests: day.reduce((s, r) => s + r.total_requests, 0),
          raw_cost: day.reduce((s, r) => s + r.raw_cost, 0),
          markup_cost: day.reduce((s, r) => s + r.markup_cost, 0),
          active_users: new Set(day.map((r) => r.user_id)).size,
        };
      }),
    );
    assert.ok(!objects(run.result).some((r) => (r.usage_date as string) > TODAY), 'rows dated after today are outside the default range');
  });

  it('no usage this month: every user with zeros, no model rows', async () => {
    const later = new Date('2025-08-10T08:00:00Z'); // the data ends two days after TODAY
    const byUser = objects((await runQuickQuery(engine, db, quick('usage-by-user'), {}, { now: later })).result);
    assert.equal(byUser.length, data.users.length, 'all users listed, the ghost (no usage, no user row) not');
    assert.ok(byUser.every((r) => r.total_tokens === 0 && r.markup_cost === 0 && r.days_active === 0 && r.hidden_tokens === 0));
    const byModel = objects((await runQuickQuery(engine, db, quick('usage-by-model'), {}, { now: later })).result);
    assert.deepEqual(byModel.map((r) => r.model_name), maiFork.supportedModels.map((m) => m.id), "the fork's list, in its order, all zeros");
    assert.ok(byModel.every((r) => r.total_tokens === 0 && r.in_tab === 1));
  });

  it('no active organization: every user and model of the tab with zeros (the fallback id has no usage), the usage hidden, a notice', async () => {
    const none = generateUsageData({ today: TODAY, seed: 7, activeOrgs: false });
    const db2 = await open(writeUsageDb(path.join(dir, 'inactive.db'), none));
    for (const id of ['usage-by-user', 'usage-by-model']) {
      const run = await runQuickQuery(engine, db2, quick(id), {}, { now: NOW });
      const rows = objects(run.result);
      assert.ok(rows.filter((r) => r.in_tab === 1).every((r) => r.total_tokens === 0), id);
      assert.ok(rows.some((r) => (r.hidden_tokens as number) > 0 && /\(inactive\)/.test(String(r.hidden_why))), id);
      assert.match(run.notice ?? '', /No active organization.*'env_client_default'/);
    }
    const users = objects((await runQuickQuery(engine, db2, quick('usage-by-user'), {}, { now: NOW })).result);
    assert.deepEqual(users.filter((r) => r.in_tab === 1).map((r) => r.user_id).sort(), none.users.map((u) => u.id).sort());
    const daily = await runQuickQuery(engine, db2, quick('usage-daily-totals'), {}, { now: NOW });
    assert.equal(daily.result.rows.length, 0);
    // Naming an inactive organization explicitly still works: the developer asked for it.
    const run = await runQuickQuery(engine, db2, quick('usage-by-model'), { org: 'org_inactive' }, { now: NOW });
    assert.equal(run.notice, undefined);
    assert.ok(objects(run.result).some((r) => (r.total_tokens as number) > 0));
    await engine.close(db2);
  });

  it('organizations: every row, the one the endpoints use flagged, API keys masked', async () => {
    const run = await runQuickQuery(engine, db, quick('organizations'), {}, { now: NOW });
    const rows = objects(run.result);
    assert.deepEqual(rows.map((r) => r.id), data.orgs.map((o) => o.id));
    assert.deepEqual(rows.map((r) => r.used_by_endpoints), [0, 1, 0]);
    assert.deepEqual(rows.map((r) => r.markup_rate), data.orgs.map((o) => o.markup_rate));
    const text = JSON.stringify(run.result.rows);
    for (const s of data.secrets) assert.ok(!text.includes(s), 'no full key in the result');
    assert.equal(rows[1].openrouter_api_key, 'sk-or-…3333');
  });

  it('users-by-role: admins first, then by last activity', async () => {
    const rows = objects((await runQuickQuery(engine, db, quick('users-by-role'), {})).result);
    const rank = (r: string) => ({ admin: 0, user: 1, pending: 2 })[r] ?? 3;
    const expected = [...data.users].sort((a, b) => rank(a.role) - rank(b.role) || b.last_active_at - a.last_active_at).map((u) => [u.role, u.email, new Date(u.last_active_at * 1000).toISOString().slice(0, 19).replace('T', ' ')]);
    assert.deepEqual(rows.map((r) => [r.role, r.email, r.last_active]), expected);
  });

  it('chats-per-user and messages-per-model read the chat JSON; a damaged chat does not stop them', async () => {
    const perUser = objects((await runQuickQuery(engine, db, quick('chats-per-user'), {})).result);
    for (const u of data.users) {
      const mine = data.chats.filter((c) => c.user_id === u.id);
      const r = perUser.find((x) => x.user_id === u.id)!;
      assert.equal(r.chats, mine.length, u.id);
      assert.equal(r.messages, mine.reduce((s, c) => s + (c.messages?.length ?? 0), 0), u.id);
    }
    const perModel = objects((await runQuickQuery(engine, db, quick('messages-per-model'), {})).result);
    const counts = new Map<string, { messages: number; chats: Set<string>; users: Set<string> }>();
    for (const c of data.chats) {
      for (const m of c.messages ?? []) {
        if (m.role !== 'assistant') continue;
        const e = counts.get(m.model!) ?? { messages: 0, chats: new Set(), users: new Set() };
        e.messages++;
        e.chats.add(c.id);
        e.users.add(c.user_id);
        counts.set(m.model!, e);
      }
    }
    assert.deepEqual(
      perModel.map((r) => [r.model, r.messages, r.chats, r.users]).sort(),
      [...counts.entries()].map(([m, e]) => [m, e.messages, e.chats.size, e.users.size]).sort(),
    );
    assert.ok(chatDocument(data.chats.at(-1)!).includes('not json'), 'the data holds a damaged chat');
  });

  it('largest-tables: the row count of every table, largest first', async () => {
    const rows = objects((await runQuickQuery(engine, db, quick('largest-tables'), {})).result);
    const expected: Record<string, number> = {
      client_user_daily_usage: data.userDaily.length,
      client_model_daily_usage: data.modelDaily.length,
      chat: data.chats.length,
      user: data.users.length,
      client_organizations: data.orgs.length,
      config: data.config.length,
    };
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.table_name, r.rows])), expected);
    const counts = rows.map((r) => r.rows as number);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  });

  it('config-rows: one row per setting, keys masked', async () => {
    const rows = objects((await runQuickQuery(engine, db, quick('config-rows'), {})).result);
    const byPath = Object.fromEntries(rows.map((r) => [r.setting, r.value]));
    assert.equal(byPath['ui.default_locale'], 'en-US');
    assert.equal(byPath['ui.enable_signup'], 0);
    assert.equal(byPath['openai.api_base_urls[0]'], 'https://openrouter.ai/api/v1');
    assert.equal(byPath['openai.api_keys[0]'], '••••');
    assert.equal(rows[0].updated, '2025-01-02 09:30:00');
    assert.ok(!JSON.stringify(rows).includes(data.secrets[3]));
  });

  it('a quick query needs its tables: offered only when they exist, a clear error otherwise', async () => {
    const schema = await readSchema(engine, db, { countRows: false });
    const names = tableNames(schema);
    const available = builtinQueries.filter((q) => missingTables(q, names).length === 0).map((q) => q.id);
    assert.ok(!available.includes('global-settings'));
    assert.ok(available.includes('usage-by-user'));
    await assert.rejects(runQuickQuery(engine, db, quick('global-settings'), {}), (err) => isCdbError(err, 'QUERY_ERROR') && /'global_settings'/.test(err.message));
  });

  it('writes are refused before they run, with the statement named', async () => {
    await assert.rejects(runSql(engine, db, 'SELECT 1; DELETE FROM "user"', {}), (err) => isCdbError(err, 'READ_ONLY') && /Statement 2 \(DELETE\)/.test(err.message));
    const count = await runSql(engine, db, 'SELECT count(*) FROM "user"', {});
    assert.equal(count.result.rows[0][0], data.users.length);
  });

  it('matches scripts/makeWebuiDb.sh: the same column names, totals computed from rows read by sqlite3', async () => {
    const file = await makeWebuiDb(path.join(dir, 'webui.db'), { users: 14, chats: 20, usageDays: 40 });
    const db3 = await open(file);
    const read = (sql: string) => JSON.parse(execFileSync('sqlite3', ['-json', '-readonly', file, sql], { encoding: 'utf8' }) || '[]') as Obj[];
    const org = read(`SELECT id FROM client_organizations WHERE is_active = 1 ORDER BY rowid LIMIT 1`)[0].id as string;
    const usage = read(`SELECT * FROM client_user_daily_usage`) as unknown as UserDailyRow[];
    const users = read(`SELECT id FROM "user"`).map((u) => u.id as string);
    const now = new Date('2025-06-20T12:00:00Z');
    const run = await runQuickQuery(engine, db3, quick('usage-by-user'), {}, { now });
    const totals = sumBy(usage.filter(inRange('2025-06-01', '2025-06-20', org)), (r) => r.user_id);
    const rows = objects(run.result);
    assert.equal(rows.length, new Set([...users, ...totals.keys()]).size);
    for (const r of rows) {
      const t = totals.get(r.user_id as string);
      assert.equal(r.total_tokens, t?.total_tokens ?? 0);
      assert.equal(r.days_active, t?.days.size ?? 0);
      assert.ok(Math.abs((r.markup_cost as number) - (t?.markup_cost ?? 0)) < 1e-9);
    }
    assert.ok(rows.filter((r) => (r.total_tokens as number) > 0).length > 0);
    await engine.close(db3);
  });
});
