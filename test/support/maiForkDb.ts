/**
 * The mAI fork's database of issue 14 (maiForkDb.sql, written by Debian's sqlite3) and what the
 * fork's endpoints answer on it, written out by hand from their code
 * (models/organization_usage/client_usage_repository.py get_usage_by_user / get_usage_by_model,
 * usage_tracking/services/billing_service.py, usage_tracking/repositories/client_repository.py),
 * never computed by the code under test. The clock is 2025-07-24, so the default range is
 * 2025-07-01 … 2025-07-24.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlValue } from '../../src/core/types';
import { repoRoot } from './cli';

export const FORK_TODAY = '2025-07-24';
export const FORK_NOW = new Date(`${FORK_TODAY}T15:30:00Z`);
export const FORK_ORG = 'mai_client_63a4eb6d';


/**
 * Writes the database to `file`. `activeOrgs: false` then marks every organization inactive, as a
 * developer's hand-made database often does (the endpoints fall back to 'env_client_default').
 */
export function writeMaiForkDb(file: string, opts: { activeOrgs?: boolean } = {}): string {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
  execFileSync('sqlite3', ['-bail', file], { input: fs.readFileSync(path.join(repoRoot, 'test', 'support', 'maiForkDb.sql')) });
  if (opts.activeOrgs === false) execFileSync('sqlite3', ['-bail', file, 'UPDATE client_organizations SET is_active = 0;']);
  return file;
}

export const userColumns = [
  'user_id', 'user_name', 'user_email', 'external_user_id', 'total_tokens', 'total_requests', 'raw_cost', 'markup_cost', 'days_active',
  'in_tab', 'hidden_tokens', 'hidden_requests', 'hidden_markup_cost', 'hidden_why',
];

export const modelColumns = [
  'model_name', 'provider', 'total_tokens', 'total_requests', 'raw_cost', 'markup_cost', 'days_used',
  'in_tab', 'hidden_tokens', 'hidden_requests', 'hidden_markup_cost', 'hidden_why',
];

const none = [0, 0, 0, null];

/**
 * usage-by-user, default range. The endpoint: Alice and Bob tie at 0.9375 (stable sort: the
 * index's user_id order), Alice's external id is her first record's (not min(): 'a-later-id'), the
 * ghost has no "user" row (its id as name, the placeholder e-mail), then the users without usage
 * newest first (Dave 4000, Carol 2000). Hidden: Alice's inactive-organization and tomorrow's rows,
 * Bob's second active organization, Carol's rows under the fallback id, the orphan's (no tab row).
 */
export const byUser: SqlValue[][] = [
  ['u-alice', 'Alice', 'alice@example.com', 'mai_client_63a4eb6d_user_aaaa0001', 1500, 3, 0.75, 0.9375, 2,
    1, 1000, 3, 0.625, "dated after 2025-07-24: 700 tokens on 1 day(s); organization 'org_old' (inactive): 300 tokens on 1 day(s)"],
  ['u-bob', 'Bob', 'bob@example.com', 'mai_client_63a4eb6d_user_bbbb0002', 2000, 4, 0.75, 0.9375, 1,
    1, 50, 1, 0.0390625, "organization 'org_second' (active, not the one used): 50 tokens on 1 day(s)"],
  ['u-ghost', 'u-ghost', 'unknown@example.com', 'mai_client_63a4eb6d_user_9905e000', 120, 2, 0.078125, 0.09765625, 2, 1, ...none],
  ['u-dave', 'Dave', 'dave@example.com', null, 0, 0, 0, 0, 0, 1, ...none],
  ['u-carol', 'Carol', 'carol@example.com', null, 0, 0, 0, 0, 0,
    1, 400, 3, 0.3125, "organization 'env_client_default' (not in client_organizations): 400 tokens on 1 day(s)"],
  ['u-orphan', 'u-orphan', 'unknown@example.com', null, null, null, null, null, null,
    0, 80, 2, 0.078125, "organization 'org_old' (inactive): 80 tokens on 1 day(s)"],
];

/** usage-by-user with every organization inactive: the endpoint reads 'env_client_default' (Carol's row), every user listed. */
export const byUserNoActiveOrg: SqlValue[][] = [
  ['u-carol', 'Carol', 'carol@example.com', 'env-carol', 400, 3, 0.25, 0.3125, 1, 1, ...none],
  ['u-dave', 'Dave', 'dave@example.com', null, 0, 0, 0, 0, 0, 1, ...none],
  ['u-bob', 'Bob', 'bob@example.com', null, 0, 0, 0, 0, 0,
    1, 2050, 5, 0.9765625, "organization 'mai_client_63a4eb6d' (inactive): 2000 tokens on 1 day(s); organization 'org_second' (inactive): 50 tokens on 1 day(s)"],
  ['u-alice', 'Alice', 'alice@example.com', null, 0, 0, 0, 0, 0,
    1, 2500, 6, 1.5625, "organization 'mai_client_63a4eb6d' (inactive): 2200 tokens on 3 day(s); organization 'org_old' (inactive): 300 tokens on 1 day(s)"],
  ['u-ghost', 'u-ghost', 'unknown@example.com', null, null, null, null, null, null,
    0, 120, 2, 0.09765625, "organization 'mai_client_63a4eb6d' (inactive): 120 tokens on 2 day(s)"],
  ['u-orphan', 'u-orphan', 'unknown@example.com', null, null, null, null, null, null,
    0, 80, 2, 0.078125, "organization 'org_old' (inactive): 80 tokens on 1 day(s)"],
];

const zeroModel = (id: string, provider: string, hidden: SqlValue[] = none): SqlValue[] => [id, provider, 0, 0, 0, 0, 0, 1, ...hidden];

/**
 * usage-by-model, default range: the fork's 12 models in its list's order, stable-sorted by cost
 * (grok-4 before gpt-4o-mini at 0.3125), providers of the first record ('anthropic', not min()'s
 * 'Anthropic') or the list's; mistral-large (the costliest) only as a hidden row.
 */
export const byModel: SqlValue[][] = [
  ['anthropic/claude-sonnet-4', 'anthropic', 8000, 8, 1.5, 1.875, 2, 1, ...none],
  ['x-ai/grok-4', 'x-ai', 1000, 1, 0.25, 0.3125, 1, 1, ...none],
  ['openai/gpt-4o-mini', 'openai', 900, 2, 0.25, 0.3125, 1, 1, ...none],
  zeroModel('google/gemini-2.5-flash', 'Google', [600, 1, 0.15625, 'dated after 2025-07-24: 600 tokens on 1 day(s)']),
  zeroModel('google/gemini-2.5-pro', 'Google'),
  zeroModel('deepseek/deepseek-chat-v3-0324', 'DeepSeek'),
  zeroModel('anthropic/claude-3.7-sonnet', 'Anthropic'),
  zeroModel('google/gemini-2.5-flash-lite-preview-06-17', 'Google'),
  zeroModel('openai/gpt-4.1', 'OpenAI', [250, 1, 0.15625, "organization 'env_client_default' (not in client_organizations): 250 tokens on 1 day(s)"]),
  zeroModel('openai/o4-mini-high', 'OpenAI'),
  zeroModel('openai/o3', 'OpenAI', [700, 1, 0.625, "organization 'org_old' (inactive): 700 tokens on 1 day(s)"]),
  zeroModel('openai/chatgpt-4o-latest', 'OpenAI'),
  ['mistralai/mistral-large', 'mistralai', null, null, null, null, null, 0, 4100, 3, 2.578125, "not on the fork's model list: 4100 tokens on 2 day(s)"],
];

/** Grand totals of the tab (the rows with in_tab = 1), as the UI would add them up. */
export const byUserTabTokens = 1500 + 2000 + 120;
export const byModelTabTokens = 8000 + 1000 + 900;
