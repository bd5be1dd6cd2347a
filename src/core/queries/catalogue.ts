/**
 * The built-in quick queries. The usage ones (what the mAI fork's Usage Settings tabs show, and
 * what they hide) are in usageQueries.ts, over the fork's facts in maiFork.ts; the others read
 * Open WebUI's own tables.
 */
import { quoteIdent, quoteString } from '../sqlite';
import type { SchemaInfo } from '../types';
import type { QuickQuery } from './quickQuery';
import { usageQueries } from './usageQueries';

/**
 * A time column as UTC text. Open WebUI stores epoch seconds in most tables, nanoseconds in a few
 * (message), and SQLAlchemy DATETIME text in config: numbers are converted, text shown as it is.
 */
function epoch(column: string): string {
  return `CASE WHEN typeof(${column}) NOT IN ('integer', 'real') THEN ${column} WHEN ${column} > 100000000000 THEN datetime(${column} / 1000000000, 'unixepoch') ELSE datetime(${column}, 'unixepoch') END`;
}

/** Shows the first characters and the last four of a secret, as API dashboards do. */
function masked(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL WHEN length(${column}) <= 12 THEN '••••' ELSE substr(${column}, 1, 6) || '…' || substr(${column}, -4) END`;
}

const organizations: QuickQuery = {
  id: 'organizations',
  title: 'Organizations and their settings',
  description:
    'Every row of client_organizations: markup rate, monthly limit, billing e-mail, active flag, and which one the usage endpoints use. API keys are masked.',
  requires: ['client_organizations'],
  params: [],
  sql: `SELECT o.id,
       o.name,
       o.is_active,
       o.rowid = (SELECT rowid FROM client_organizations WHERE is_active = 1 ORDER BY rowid LIMIT 1) AS used_by_endpoints,
       o.markup_rate,
       o.monthly_limit,
       o.billing_email,
       ${masked('o.openrouter_api_key')} AS openrouter_api_key,
       ${epoch('o.created_at')} AS created,
       ${epoch('o.updated_at')} AS updated
FROM client_organizations o
ORDER BY o.rowid`,
  source: 'builtin',
};

const globalSettings: QuickQuery = {
  id: 'global-settings',
  title: 'Global usage settings',
  description: 'The global_settings row(s): default markup rate and billing currency. The provisioning key is masked.',
  requires: ['global_settings'],
  params: [],
  sql: `SELECT id, default_markup_rate, billing_currency, ${masked('openrouter_provisioning_key')} AS openrouter_provisioning_key,
       ${epoch('created_at')} AS created, ${epoch('updated_at')} AS updated
FROM global_settings ORDER BY rowid`,
  source: 'builtin',
};

const usersByRole: QuickQuery = {
  id: 'users-by-role',
  title: 'Users by role, with last activity',
  description: 'Every Open WebUI user with role, e-mail, last activity and sign-up time; admins first, then the most recently active.',
  requires: ['user'],
  params: [],
  sql: `SELECT role, name, email, ${epoch('last_active_at')} AS last_active, ${epoch('created_at')} AS created, id
FROM "user"
ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'user' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END, role, last_active_at DESC, id`,
  source: 'builtin',
};

/** chat.chat is JSON text written by the app; a damaged row must not stop the whole query. */
const chatJson = `CASE WHEN json_valid(c.chat) THEN c.chat ELSE '{}' END`;

const chatsPerUser: QuickQuery = {
  id: 'chats-per-user',
  title: 'Chats per user',
  description: 'For every user: number of chats, messages in them (the chat JSON\'s "messages" array) and the last chat update; users without chats as zeros.',
  requires: ['user', 'chat'],
  params: [],
  sql: `SELECT usr.id AS user_id, usr.name, usr.email,
       count(c.id) AS chats,
       coalesce(sum(json_array_length(${chatJson}, '$.messages')), 0) AS messages,
       ${epoch('max(c.updated_at)')} AS last_chat
FROM "user" usr LEFT JOIN chat c ON c.user_id = usr.id
GROUP BY usr.id
ORDER BY chats DESC, messages DESC, usr.name`,
  source: 'builtin',
};

const messagesPerModel: QuickQuery = {
  id: 'messages-per-model',
  title: 'Messages per model',
  description:
    'Assistant messages per model, read from each chat\'s JSON (chat.chat → "messages"[], each reply carries "model"): messages, chats and users.',
  requires: ['chat'],
  params: [],
  sql: `SELECT coalesce(json_extract(m.value, '$.model'), '(no model)') AS model,
       count(*) AS messages,
       count(DISTINCT c.id) AS chats,
       count(DISTINCT c.user_id) AS users
FROM chat c, json_each(${chatJson}, '$.messages') m
WHERE json_extract(m.value, '$.role') = 'assistant'
GROUP BY 1
ORDER BY messages DESC, model`,
  source: 'builtin',
};

/**
 * sql.js has no dbstat table, so sizes are row counts: one count(*) per table, in a VALUES list
 * (a UNION ALL of more than 500 tables would pass SQLITE_MAX_COMPOUND_SELECT). Virtual tables are
 * skipped (their module may be missing here; their shadow tables are counted).
 */
export function largestTablesSql(schema: SchemaInfo): string {
  const tables = schema.tables.filter((t) => t.kind === 'table' && !/^\s*create\s+virtual\s/i.test(t.sql ?? ''));
  if (tables.length === 0) return `SELECT NULL AS table_name, NULL AS rows WHERE 0`;
  const values = tables.map((t) => `(${quoteString(t.name)}, (SELECT count(*) FROM ${quoteIdent(t.name)}))`).join(',\n  ');
  return `SELECT column1 AS table_name, column2 AS rows FROM (VALUES\n  ${values}\n) ORDER BY rows DESC, table_name`;
}

const largestTables: QuickQuery = {
  id: 'largest-tables',
  title: 'Largest tables by row count',
  description: 'Every table with its row count, largest first.',
  requires: [],
  params: [],
  sql: largestTablesSql,
  source: 'builtin',
};

/** Leaves whose path names a secret are masked. */
const secretPath = `lower(t.fullkey) LIKE '%key%' OR lower(t.fullkey) LIKE '%secret%' OR lower(t.fullkey) LIKE '%password%' OR lower(t.fullkey) LIKE '%token%'`;

const configRows: QuickQuery = {
  id: 'config-rows',
  title: 'Config rows (flattened)',
  description:
    'The Open WebUI config table, one row per setting: JSON path, type and value, with the row\'s version and update time. Values under a path naming a key, secret, password or token are masked.',
  requires: ['config'],
  params: [],
  sql: `SELECT c.id AS config_id, c.version, ${epoch('c.updated_at')} AS updated,
       replace(substr(t.fullkey, 3), '"', '') AS setting,
       t.type,
       CASE WHEN (${secretPath}) AND t.atom IS NOT NULL AND t.atom <> '' THEN '••••' ELSE t.atom END AS value
FROM config c, json_tree(CASE WHEN json_valid(c.data) THEN c.data ELSE '{}' END) t
WHERE t.type NOT IN ('object', 'array')
ORDER BY c.id, t.fullkey`,
  source: 'builtin',
};

export const builtinQueries: readonly QuickQuery[] = [
  ...usageQueries,
  organizations,
  globalSettings,
  usersByRole,
  chatsPerUser,
  messagesPerModel,
  largestTables,
  configRows,
];

export function findQuickQuery(id: string, extra: readonly QuickQuery[] = []): QuickQuery | undefined {
  return [...builtinQueries, ...extra].find((q) => q.id === id);
}
