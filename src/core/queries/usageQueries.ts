/**
 * The usage quick queries: what the mAI fork's Usage Settings tabs show, and what they leave out.
 *
 * The tab rows (in_tab = 1) are what GET /api/v1/usage-tracking/my-organization/usage-by-user and
 * …/usage-by-model return (usage_tracking/services/billing_service.py over
 * models/organization_usage/client_usage_repository.py), row for row and in their order:
 * - the organization: the first row of client_organizations with is_active = 1 in table order
 *   (`get_all_active_clients()[0]`, a query without ORDER BY: rowid order), else the fork's
 *   fallback id (maiFork.ts); :org names another one;
 * - the range: usage_date >= :from and <= :to (default: the 1st of the current month to today),
 *   compared as the 'YYYY-MM-DD' text SQLAlchemy stores for a Date;
 * - sums of total_tokens, total_requests, raw_cost, markup_cost and the number of distinct days;
 *   the external user id and the provider are those of the first record the endpoint reads. Its
 *   query has no ORDER BY; SQLite answers it through the fork's index (client_org_id, user_id |
 *   model_name, usage_date), so the first record is the earliest day's (rowid breaks a tie);
 * - by user: the users with usage ordered by markup_cost descending (Python's stable sort: ties
 *   keep the index's user_id order), then every other row of `user` with zeros, newest first
 *   (`Users.get_users()`: ORDER BY created_at DESC). Their external id is left NULL: the endpoint
 *   derives it from the container's environment (OPENROUTER_EXTERNAL_USER) and a SHA-256, not
 *   from the database;
 * - by model: the fork's fixed model list, each with its sums or zeros, stable-sorted by
 *   markup_cost descending; usage of any other model is dropped.
 *
 * What the tab hides is beside it, so that an empty or short tab explains itself: on every row,
 * hidden_* sum the usage from :from on that the endpoint leaves out, and hidden_why says why, one
 * reason per row (organization first, then model, then date): rows of another organization
 * (inactive, active but not the one used, or not in client_organizations), of a model not on the
 * fork's list, or dated after :to (a server clock or time zone ahead). Keys the tab never lists
 * (a model not on the list, a user id with no `user` row and no usage shown) follow as rows with
 * in_tab = 0 and NULL tab columns, so column totals stay the tab's.
 */
import { quoteString } from '../sqlite';
import { firstOfMonth, today } from './params';
import { maiFork } from './maiFork';
import type { QuickParam, QuickQuery } from './quickQuery';

const dateRange: QuickParam[] = [
  { name: 'from', label: 'From (YYYY-MM-DD)', type: 'date', default: firstOfMonth, hint: 'default: the first of the current month (UTC)' },
  { name: 'to', label: 'To (YYYY-MM-DD, inclusive)', type: 'date', default: today, hint: 'default: today (UTC)' },
];

const orgParam: QuickParam = {
  name: 'org',
  label: 'Organization id',
  type: 'text',
  default: '',
  hint: `empty: as the usage endpoints choose, the first active organization, else '${maiFork.fallbackOrgId}' (${maiFork.fallbackOrgRule} when the container sets it)`,
};

/** The one organization id the endpoints read usage for. */
const chosenCte = `chosen AS (
  SELECT CASE WHEN :org <> '' THEN :org
              ELSE coalesce((SELECT id FROM client_organizations WHERE is_active = 1 ORDER BY rowid LIMIT 1), ${quoteString(maiFork.fallbackOrgId)})
         END AS id
)`;

/** Why a usage row of table alias `t` is not the chosen organization's, e.g. "organization 'org_old' (inactive)". */
function otherOrganization(t: string): string {
  return `'organization ' || quote(${t}.client_org_id) || CASE
      WHEN NOT EXISTS (SELECT 1 FROM client_organizations c WHERE c.id = ${t}.client_org_id) THEN ' (not in client_organizations)'
      WHEN EXISTS (SELECT 1 FROM client_organizations c WHERE c.id = ${t}.client_org_id AND c.is_active = 1) THEN ' (active, not the one used)'
      ELSE ' (inactive)' END`;
}

const notOnList = quoteString("not on the fork's model list");

/**
 * Rows of `table` from :from on, each with `hidden` (NULL: the tab counts it) and `nth`, its place
 * in the endpoint's reading order among the rows of its key on the same side (shown or hidden);
 * `first` is the column the endpoint takes from the first record (external id, provider).
 */
function pickedCtes(table: string, key: string, first: string, reasons: string[]): string {
  return `picked0 AS (
  SELECT t.rowid AS rid, t.${key}, t.${first}, t.usage_date, t.total_tokens, t.total_requests, t.raw_cost, t.markup_cost,
         CASE ${reasons.join('\n              ')} END AS hidden
  FROM ${table} t
  WHERE t.usage_date >= :from
),
picked AS (
  SELECT *, row_number() OVER (PARTITION BY ${key}, hidden IS NULL ORDER BY usage_date, rid) AS nth FROM picked0
),
shown AS (
  SELECT ${key}, max(CASE WHEN nth = 1 THEN ${first} END) AS ${first},
         sum(total_tokens) AS total_tokens, sum(total_requests) AS total_requests, sum(raw_cost) AS raw_cost, sum(markup_cost) AS markup_cost,
         count(DISTINCT usage_date) AS days
  FROM picked WHERE hidden IS NULL GROUP BY ${key}
),
reasons AS (
  SELECT ${key}, hidden, sum(total_tokens) AS tokens, sum(total_requests) AS requests, sum(markup_cost) AS cost, count(DISTINCT usage_date) AS days,
         max(CASE WHEN nth = 1 THEN ${first} END) AS ${first}
  FROM picked WHERE hidden IS NOT NULL GROUP BY ${key}, hidden
),
hidden AS (
  SELECT ${key}, sum(tokens) AS tokens, sum(requests) AS requests, sum(cost) AS cost,
         group_concat(hidden || ': ' || tokens || ' tokens on ' || days || ' day(s)', '; ') AS why,
         max(${first}) AS first_${first}
  FROM (SELECT * FROM reasons ORDER BY ${key}, hidden) GROUP BY ${key}
)`;
}

const hiddenColumns = `coalesce(h.tokens, 0) AS hidden_tokens, coalesce(h.requests, 0) AS hidden_requests, coalesce(h.cost, 0.0) AS hidden_markup_cost, h.why AS hidden_why`;

const noActiveOrganization = {
  sql: `SELECT 1 WHERE :org <> '' OR EXISTS (SELECT 1 FROM client_organizations WHERE is_active = 1)`,
  message: `No active organization in client_organizations (is_active = 1): the usage endpoints read usage of the fallback id '${maiFork.fallbackOrgId}' (${maiFork.fallbackOrgRule} when the container sets it: pass that as org), so the tabs show zeros; hidden_why names the organizations the usage is stored under.`,
};

const usageByUser: QuickQuery = {
  id: 'usage-by-user',
  title: 'Usage by user',
  description:
    'The rows GET …/my-organization/usage-by-user returns for a date range (default: this month), in its order: users with usage by cost, then every other user with zeros (in_tab = 1). Beside them, the usage the tab leaves out and why (hidden_*): other or inactive organizations, dated after the range.',
  requires: ['client_organizations', 'client_user_daily_usage', 'user'],
  params: [...dateRange, orgParam],
  precondition: noActiveOrganization,
  sql: `WITH ${chosenCte},
${pickedCtes('client_user_daily_usage', 'user_id', 'openrouter_user_id', [
  `WHEN t.client_org_id IS NOT (SELECT id FROM chosen) THEN ${otherOrganization('t')}`,
  `WHEN t.usage_date > :to THEN 'dated after ' || :to`,
])},
tab AS (
  SELECT 0 AS grp, user_id, 1 AS in_tab, openrouter_user_id AS external_user_id, total_tokens, total_requests, raw_cost, markup_cost, days FROM shown
  UNION ALL
  SELECT 1, id, 1, NULL, 0, 0, 0.0, 0.0, 0 FROM "user" WHERE id NOT IN (SELECT user_id FROM shown)
  UNION ALL
  SELECT 2, user_id, 0, NULL, NULL, NULL, NULL, NULL, NULL FROM hidden
  WHERE user_id NOT IN (SELECT user_id FROM shown) AND user_id NOT IN (SELECT id FROM "user")
)
SELECT r.user_id,
       coalesce(usr.name, r.user_id) AS user_name,
       coalesce(usr.email, ${quoteString(maiFork.unknownUserEmail)}) AS user_email,
       r.external_user_id, r.total_tokens, r.total_requests, r.raw_cost, r.markup_cost, r.days AS days_active,
       r.in_tab, ${hiddenColumns}
FROM tab r
LEFT JOIN "user" usr ON usr.id = r.user_id
LEFT JOIN hidden h ON h.user_id = r.user_id
ORDER BY r.grp,
         CASE r.grp WHEN 0 THEN -r.markup_cost WHEN 1 THEN -usr.created_at ELSE -coalesce(h.cost, 0.0) END,
         CASE r.grp WHEN 1 THEN usr.rowid END,
         r.user_id`,
  source: 'builtin',
};

const supportedModels = `supported(position, model_name, provider) AS (VALUES
  ${maiFork.supportedModels.map((m, i) => `(${i + 1}, ${quoteString(m.id)}, ${quoteString(m.provider)})`).join(',\n  ')}
)`;

const usageByModel: QuickQuery = {
  id: 'usage-by-model',
  title: 'Usage by model',
  description:
    "The rows GET …/my-organization/usage-by-model returns for a date range (default: this month): the fork's fixed list of models, each with its sums or zeros, by cost (in_tab = 1). Beside them, the usage the tab leaves out and why (hidden_*): models not on the list (as rows with in_tab = 0), other or inactive organizations, dated after the range.",
  requires: ['client_organizations', 'client_model_daily_usage'],
  params: [...dateRange, orgParam],
  precondition: noActiveOrganization,
  sql: `WITH ${chosenCte},
${supportedModels},
${pickedCtes('client_model_daily_usage', 'model_name', 'provider', [
  `WHEN t.client_org_id IS NOT (SELECT id FROM chosen) THEN ${otherOrganization('t')}`,
  `WHEN t.model_name NOT IN (SELECT model_name FROM supported) THEN ${notOnList}`,
  `WHEN t.usage_date > :to THEN 'dated after ' || :to`,
])},
tab AS (
  SELECT 0 AS grp, sp.position, sp.model_name, 1 AS in_tab,
         CASE WHEN s.model_name IS NULL THEN sp.provider ELSE s.provider END AS provider,
         coalesce(s.total_tokens, 0) AS total_tokens, coalesce(s.total_requests, 0) AS total_requests,
         coalesce(s.raw_cost, 0.0) AS raw_cost, coalesce(s.markup_cost, 0.0) AS markup_cost, coalesce(s.days, 0) AS days
  FROM supported sp LEFT JOIN shown s ON s.model_name = sp.model_name
  UNION ALL
  SELECT 1, NULL, model_name, 0, first_provider, NULL, NULL, NULL, NULL, NULL FROM hidden
  WHERE model_name NOT IN (SELECT model_name FROM supported)
)
SELECT r.model_name, r.provider, r.total_tokens, r.total_requests, r.raw_cost, r.markup_cost, r.days AS days_used,
       r.in_tab, ${hiddenColumns}
FROM tab r
LEFT JOIN hidden h ON h.model_name = r.model_name
ORDER BY r.grp, CASE r.grp WHEN 0 THEN -r.markup_cost ELSE -coalesce(h.cost, 0.0) END, r.position, r.model_name`,
  source: 'builtin',
};

const dailyTotals: QuickQuery = {
  id: 'usage-daily-totals',
  title: 'Daily usage totals',
  description: 'Per day of the range (default: this month): tokens, requests, raw and marked-up cost and active users of the organization the usage endpoints use, from client_user_daily_usage.',
  requires: ['client_organizations', 'client_user_daily_usage'],
  params: [...dateRange, orgParam],
  precondition: noActiveOrganization,
  sql: `WITH ${chosenCte}
SELECT u.usage_date,
       sum(u.total_tokens) AS total_tokens,
       sum(u.total_requests) AS total_requests,
       sum(u.raw_cost) AS raw_cost,
       sum(u.markup_cost) AS markup_cost,
       count(DISTINCT u.user_id) AS active_users
FROM client_user_daily_usage u
WHERE u.client_org_id = (SELECT id FROM chosen) AND u.usage_date >= :from AND u.usage_date <= :to
GROUP BY u.usage_date
ORDER BY u.usage_date`,
  source: 'builtin',
};

export const usageQueries: readonly QuickQuery[] = [usageByUser, usageByModel, dailyTotals];
