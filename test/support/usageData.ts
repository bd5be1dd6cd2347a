/**
 * Usage data with known totals, for the quick-query tests (and anyone who needs the mAI fork's
 * usage tables with edge cases). The rows are generated here in JavaScript and written with
 * Debian's sqlite3; a test computes its expected numbers from `data` (plain arrays), never by
 * running the catalogue's SQL.
 *
 * Tables and columns are the fork's (backend/open_webui/models/organization_usage), the same as
 * scripts/makeWebuiDb.sh writes: client_organizations, client_user_daily_usage,
 * client_model_daily_usage, and Open WebUI's "user", chat and config.
 *
 * Costs are multiples of 1/4096, so every sum is exact in binary floating point whatever the order
 * of addition: expected and actual totals compare with strict equality.
 *
 * The edge cases, relative to `today`:
 * - organizations: an inactive one first (rowid 1), then the main active one (what the endpoints
 *   use), then a second active one; usage rows exist for all three;
 * - usage rows in the previous month, this month up to today, and after today (a clock ahead on
 *   the server); a "ghost" user with usage but no row in "user"; users without any usage;
 * - chats with assistant replies from several models, a chat with invalid JSON, a user without chats;
 * - a config row with API keys that must be masked.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface OrgRow {
  id: string;
  name: string;
  openrouter_api_key: string;
  markup_rate: number;
  monthly_limit: number | null;
  billing_email: string | null;
  is_active: number;
  created_at: number;
  updated_at: number;
}

export interface UserRow {
  id: string;
  name: string;
  email: string;
  role: string;
  last_active_at: number;
  created_at: number;
}

export interface UserDailyRow {
  id: string;
  client_org_id: string;
  user_id: string;
  openrouter_user_id: string;
  usage_date: string;
  total_tokens: number;
  total_requests: number;
  raw_cost: number;
  markup_cost: number;
}

export interface ModelDailyRow {
  id: string;
  client_org_id: string;
  model_name: string;
  usage_date: string;
  total_tokens: number;
  total_requests: number;
  raw_cost: number;
  markup_cost: number;
  provider: string | null;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  model?: string;
}

export interface ChatRow {
  id: string;
  user_id: string;
  title: string;
  /** Undefined: the chat column holds `invalidJson` instead of a document. */
  messages?: ChatMessage[];
  invalidJson?: string;
  created_at: number;
  updated_at: number;
}

export interface ConfigRow {
  id: number;
  data: unknown;
  version: number;
  updated_at: string;
}

export interface UsageData {
  today: string;
  orgs: OrgRow[];
  users: UserRow[];
  userDaily: UserDailyRow[];
  modelDaily: ModelDailyRow[];
  chats: ChatRow[];
  config: ConfigRow[];
  /** The organization the endpoints pick: the first active one. */
  mainOrgId: string | null;
  /** A user id with usage rows and no "user" row. */
  ghostUserId: string;
  /** Secrets written into client_organizations and config, to check they never appear in results. */
  secrets: string[];
}

export interface UsageDataOptions {
  /** The clock's date, YYYY-MM-DD (UTC). */
  today: string;
  seed?: number;
  users?: number;
  /** Days of usage before today (spanning into the previous month). Default 45. */
  days?: number;
  /** False: every organization inactive (the endpoints find none). Default true. */
  activeOrgs?: boolean;
  /**
   * Every model has usage today in every organization: a month-to-date range then holds every
   * model whatever the date (on the 1st, a random quiet day could leave one out and change which
   * rows a side-by-side comparison pairs). Default false.
   */
  everyModelToday?: boolean;
}

const MODELS: Array<[string, string | null]> = [
  ['anthropic/claude-3.5-sonnet', 'anthropic'],
  ['openai/gpt-4o', 'openai'],
  ['openai/gpt-4o-mini', 'openai'],
  ['deepseek/deepseek-chat', null],
];

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function addDays(date: string, n: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function generateUsageData(opts: UsageDataOptions): UsageData {
  const rand = rng(opts.seed ?? 1);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const nUsers = opts.users ?? 9;
  const days = opts.days ?? 45;
  const active = opts.activeOrgs ?? true;
  const epoch = Date.parse(opts.today + 'T00:00:00Z') / 1000;
  const secrets = ['sk-or-v1-inactive0000secret1111', 'sk-or-v1-mainorg2222secret3333', 'sk-or-v1-otherorg444secret5555', 'sk-openai-config-secret-6666'];

  const orgs: OrgRow[] = [
    { id: 'org_inactive', name: 'Old client', openrouter_api_key: secrets[0], markup_rate: 1.25, monthly_limit: null, billing_email: null, is_active: 0, created_at: epoch - 900000, updated_at: epoch - 800000 },
    { id: 'org_main', name: 'Main client, "Ltd"', openrouter_api_key: secrets[1], markup_rate: 1.25, monthly_limit: 500, billing_email: 'billing@main.example', is_active: active ? 1 : 0, created_at: epoch - 700000, updated_at: epoch - 600000 },
    { id: 'org_other', name: 'Other client', openrouter_api_key: secrets[2], markup_rate: 1.5, monthly_limit: null, billing_email: null, is_active: active ? 1 : 0, created_at: epoch - 500000, updated_at: epoch - 400000 },
  ];

  const users: UserRow[] = [];
  for (let i = 1; i <= nUsers; i++) {
    users.push({
      id: `u-${String(i).padStart(3, '0')}`,
      name: i === 2 ? 'Zoë, "the" tester' : `User ${i}`,
      email: `user${i}@example.com`,
      role: i === 1 ? 'admin' : i % 4 === 0 ? 'pending' : 'user',
      last_active_at: epoch - i * 3600 - int(0, 3000),
      created_at: epoch - 2000000 + i * 60,
    });
  }
  const ghostUserId = 'u-ghost';
  // Users 1..n-3 have usage; the last three never used anything.
  const usageUsers = [...users.slice(0, Math.max(1, nUsers - 3)).map((u) => u.id), ghostUserId];

  const userDaily: UserDailyRow[] = [];
  const modelDaily: ModelDailyRow[] = [];
  for (let d = -days; d <= 2; d++) {
    const date = addDays(opts.today, d);
    for (const org of orgs) {
      for (const uid of usageUsers) {
        if (rand() < 0.35) continue; // quiet days
        const raw = int(1, 60000) / 4096;
        userDaily.push({
          id: `${org.id}:${uid}:${date}`,
          client_org_id: org.id,
          user_id: uid,
          openrouter_user_id: `or_${org.id}_${uid}`,
          usage_date: date,
          total_tokens: int(10, 90000),
          total_requests: int(1, 60),
          raw_cost: raw,
          markup_cost: raw * 1.25,
        });
      }
      for (const [model, provider] of MODELS) {
        // The draw is made either way, so that the rest of the data stays what the seed gives.
        if (rand() < 0.3 && !(opts.everyModelToday && d === 0)) continue;
        const raw = int(1, 90000) / 4096;
        modelDaily.push({
          id: `${org.id}:${model}:${date}`,
          client_org_id: org.id,
          model_name: model,
          usage_date: date,
          total_tokens: int(10, 200000),
          total_requests: int(1, 120),
          raw_cost: raw,
          markup_cost: raw * 1.25,
          provider,
        });
      }
    }
  }

  const chats: ChatRow[] = [];
  let chatNo = 0;
  for (const u of users.slice(0, nUsers - 1)) {
    const n = int(0, 4);
    for (let k = 0; k < n; k++) {
      chatNo++;
      const messages: ChatMessage[] = [];
      const turns = int(1, 5);
      for (let t = 0; t < turns; t++) {
        messages.push({ role: 'user', content: `question ${t}; with "quotes"` });
        const [model] = MODELS[int(0, MODELS.length - 1)];
        messages.push({ role: 'assistant', content: `answer ${t}`, model });
      }
      chats.push({ id: `chat-${chatNo}`, user_id: u.id, title: `Chat ${chatNo}`, messages, created_at: epoch - 86400 * int(1, 30), updated_at: epoch - int(0, 86400) });
    }
  }
  chats.push({ id: 'chat-broken', user_id: users[0].id, title: 'Broken', invalidJson: '{"messages": [ not json', created_at: epoch - 5000, updated_at: epoch - 100 });

  const config: ConfigRow[] = [
    {
      id: 1,
      version: 0,
      updated_at: '2025-01-02 09:30:00',
      data: { version: 0, ui: { enable_signup: false, default_locale: 'en-US' }, openai: { enable: true, api_base_urls: ['https://openrouter.ai/api/v1'], api_keys: [secrets[3]] } },
    },
  ];

  const mainOrgId = active ? 'org_main' : null;
  return { today: opts.today, orgs, users, userDaily, modelDaily, chats, config, mainOrgId, ghostUserId, secrets };
}

function lit(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

export function chatDocument(c: ChatRow): string {
  if (c.invalidJson !== undefined) return c.invalidJson;
  return JSON.stringify({ id: c.id, title: c.title, models: ['openai/gpt-4o'], history: { messages: {}, currentId: null }, messages: c.messages, tags: [] });
}

/** The schema (the fork's and Open WebUI's column names) and the rows, as one SQL script. */
export function usageDataSql(data: UsageData): string {
  const out: string[] = [
    'BEGIN;',
    `CREATE TABLE "user" (id VARCHAR(255) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL, role VARCHAR(255) NOT NULL, profile_image_url TEXT NOT NULL DEFAULT '/user.png', last_active_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL, api_key VARCHAR(255), settings TEXT, info TEXT, oauth_sub TEXT);`,
    `CREATE TABLE chat (id VARCHAR(255) NOT NULL PRIMARY KEY, user_id VARCHAR(255) NOT NULL, title TEXT NOT NULL, chat JSON, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, share_id VARCHAR(255), archived INTEGER NOT NULL DEFAULT 0, pinned BOOLEAN, meta JSON DEFAULT '{}' NOT NULL, folder_id TEXT);`,
    `CREATE TABLE config (id INTEGER NOT NULL PRIMARY KEY, data JSON NOT NULL, version INTEGER NOT NULL, created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP));`,
    `CREATE TABLE client_organizations (id VARCHAR NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, openrouter_api_key TEXT NOT NULL UNIQUE, openrouter_key_hash VARCHAR, markup_rate FLOAT, monthly_limit FLOAT, billing_email VARCHAR, is_active INTEGER, created_at BIGINT, updated_at BIGINT);`,
    `CREATE INDEX idx_active ON client_organizations (is_active);`,
    `CREATE TABLE client_user_daily_usage (id VARCHAR NOT NULL PRIMARY KEY, client_org_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, openrouter_user_id VARCHAR NOT NULL, usage_date DATE NOT NULL, total_tokens BIGINT, total_requests INTEGER, raw_cost FLOAT, markup_cost FLOAT, created_at BIGINT, updated_at BIGINT);`,
    `CREATE INDEX idx_client_user_date ON client_user_daily_usage (client_org_id, user_id, usage_date);`,
    `CREATE TABLE client_model_daily_usage (id VARCHAR NOT NULL PRIMARY KEY, client_org_id VARCHAR NOT NULL, model_name VARCHAR NOT NULL, usage_date DATE NOT NULL, total_tokens BIGINT, total_requests INTEGER, raw_cost FLOAT, markup_cost FLOAT, provider VARCHAR, created_at BIGINT, updated_at BIGINT);`,
    `CREATE INDEX idx_client_model_date ON client_model_daily_usage (client_org_id, model_name, usage_date);`,
  ];
  const row = (table: string, cols: string[], values: Array<string | number | null>) => out.push(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.map(lit).join(', ')});`);
  for (const o of data.orgs) {
    row('client_organizations', ['id', 'name', 'openrouter_api_key', 'markup_rate', 'monthly_limit', 'billing_email', 'is_active', 'created_at', 'updated_at'], [o.id, o.name, o.openrouter_api_key, o.markup_rate, o.monthly_limit, o.billing_email, o.is_active, o.created_at, o.updated_at]);
  }
  for (const u of data.users) {
    row('"user"', ['id', 'name', 'email', 'role', 'last_active_at', 'updated_at', 'created_at'], [u.id, u.name, u.email, u.role, u.last_active_at, u.last_active_at, u.created_at]);
  }
  for (const r of data.userDaily) {
    row('client_user_daily_usage', ['id', 'client_org_id', 'user_id', 'openrouter_user_id', 'usage_date', 'total_tokens', 'total_requests', 'raw_cost', 'markup_cost', 'created_at', 'updated_at'], [r.id, r.client_org_id, r.user_id, r.openrouter_user_id, r.usage_date, r.total_tokens, r.total_requests, r.raw_cost, r.markup_cost, 0, 0]);
  }
  for (const r of data.modelDaily) {
    row('client_model_daily_usage', ['id', 'client_org_id', 'model_name', 'usage_date', 'total_tokens', 'total_requests', 'raw_cost', 'markup_cost', 'provider', 'created_at', 'updated_at'], [r.id, r.client_org_id, r.model_name, r.usage_date, r.total_tokens, r.total_requests, r.raw_cost, r.markup_cost, r.provider, 0, 0]);
  }
  for (const c of data.chats) {
    row('chat', ['id', 'user_id', 'title', 'chat', 'created_at', 'updated_at'], [c.id, c.user_id, c.title, chatDocument(c), c.created_at, c.updated_at]);
  }
  for (const c of data.config) row('config', ['id', 'data', 'version', 'updated_at'], [c.id, JSON.stringify(c.data), c.version, c.updated_at]);
  out.push('COMMIT;');
  return out.join('\n') + '\n';
}

/** Writes `data` to a new database file with the sqlite3 shell. */
export function writeUsageDb(file: string, data: UsageData): string {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
  execFileSync('sqlite3', ['-bail', file], { input: usageDataSql(data) });
  return file;
}
