#!/usr/bin/env bash
# Writes an Open WebUI-like SQLite database (the mAI fork's usage tables included) for tests, the
# benchmark and the demo. Deterministic: the same arguments give the same rows, byte for byte in
# content (no random(); "variety" is arithmetic on row numbers). Prints nothing but errors.
#
#   scripts/makeWebuiDb.sh OUT.db [--users N] [--chats N] [--usage-days D] [--target-mb M] [--wal]
#
#   --users N        user/auth rows (default 20)
#   --chats N        chat rows (default 200; with --target-mb and no --chats, 20 per MiB)
#   --usage-days D   days of client_*_daily_usage rows, ending 2025-06-30 (default 30)
#   --target-mb M    size the chat JSON (the bulk of a real webui.db) so the file is about M MiB
#   --wal            leave the database in WAL mode with the last changes (every user's
#                    last_active_at, one more day of usage rows) only in OUT.db-wal, as a running
#                    Open WebUI leaves it
#
# Fast because every table is filled by one INSERT ... SELECT over a recursive CTE, not by
# per-row inserts: --target-mb 350 takes seconds.
set -euo pipefail

usage() { echo "usage: $0 OUT.db [--users N] [--chats N] [--usage-days D] [--target-mb M] [--wal]" >&2; exit 2; }

[[ $# -ge 1 ]] || usage
out=$1; shift
users=20 chats='' days=30 target_mb='' wal=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --users) users=${2:?}; shift 2 ;;
    --chats) chats=${2:?}; shift 2 ;;
    --usage-days) days=${2:?}; shift 2 ;;
    --target-mb) target_mb=${2:?}; shift 2 ;;
    --wal) wal=1; shift ;;
    *) usage ;;
  esac
done
for n in "$users" "$days" ${chats:+"$chats"} ${target_mb:+"$target_mb"}; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "$0: '$n' is not a whole number" >&2; exit 2; }
done
(( users >= 1 )) || { echo "$0: --users must be at least 1" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "$0: sqlite3 not found: apt-get install -y sqlite3" >&2; exit 1; }

messages=10 # per chat, alternating user / assistant
if [[ -n $target_mb ]]; then
  [[ -n $chats ]] || chats=$(( target_mb * 20 > 200 ? target_mb * 20 : 200 ))
  # Each message's content is stored twice (history.messages and messages[]), plus ~330 bytes
  # of JSON around it; the other tables are small beside the chats.
  per_chat=$(( target_mb * 1048576 / chats ))
  content_len=$(( per_chat / (2 * messages) - 330 ))
  (( content_len >= 40 )) || content_len=40
else
  [[ -n $chats ]] || chats=200
  content_len=400
fi
orgs=$(( (users + 9) / 10 ))

rm -f -- "$out" "$out-wal" "$out-shm" "$out-journal"

# Dates and times start from fixed instants so that the output does not depend on the clock.
# base: 2025-01-01T00:00:00Z; usage ends on 2025-06-30.
sqlite3 -bail "$out" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -65536;
BEGIN;

CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));

CREATE TABLE "user" (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL,
  role VARCHAR(255) NOT NULL,
  profile_image_url TEXT NOT NULL,
  last_active_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  api_key VARCHAR(255),
  settings TEXT,
  info TEXT,
  oauth_sub TEXT
);
CREATE UNIQUE INDEX user_api_key ON "user" (api_key);
CREATE UNIQUE INDEX user_oauth_sub ON "user" (oauth_sub);

CREATE TABLE auth (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  password TEXT NOT NULL,
  active INTEGER NOT NULL
);

CREATE TABLE chat (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  user_id VARCHAR(255) NOT NULL,
  title TEXT NOT NULL,
  chat JSON,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  share_id VARCHAR(255),
  archived INTEGER NOT NULL,
  pinned BOOLEAN,
  meta JSON DEFAULT '{}' NOT NULL,
  folder_id TEXT
);
CREATE UNIQUE INDEX chat_share_id ON chat (share_id);
CREATE INDEX folder_id_idx ON chat (folder_id);
CREATE INDEX user_id_pinned_idx ON chat (user_id, pinned);
CREATE INDEX updated_at_user_id_idx ON chat (updated_at, user_id);

CREATE TABLE config (
  id INTEGER NOT NULL PRIMARY KEY,
  data JSON NOT NULL,
  version INTEGER NOT NULL,
  created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
  updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP)
);

CREATE TABLE model (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  base_model_id TEXT,
  name TEXT NOT NULL,
  meta TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  access_control JSON,
  is_active BOOLEAN DEFAULT (1) NOT NULL
);

CREATE TABLE message (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT,
  channel_id TEXT,
  parent_id TEXT,
  content TEXT,
  data JSON,
  meta JSON,
  created_at BIGINT,
  updated_at BIGINT
);

-- The mAI fork's usage tracking (backend/open_webui/models/organization_usage).
CREATE TABLE client_organizations (
  id VARCHAR NOT NULL PRIMARY KEY,
  name VARCHAR NOT NULL,
  openrouter_api_key TEXT NOT NULL UNIQUE,
  openrouter_key_hash VARCHAR,
  markup_rate FLOAT,
  monthly_limit FLOAT,
  billing_email VARCHAR,
  timezone VARCHAR,
  is_active INTEGER,
  created_at BIGINT,
  updated_at BIGINT
);
CREATE INDEX idx_api_key ON client_organizations (openrouter_api_key);
CREATE INDEX idx_active ON client_organizations (is_active);

CREATE TABLE user_client_mapping (
  id VARCHAR NOT NULL PRIMARY KEY,
  user_id VARCHAR NOT NULL,
  client_org_id VARCHAR NOT NULL,
  openrouter_user_id VARCHAR NOT NULL,
  is_active INTEGER,
  created_at BIGINT,
  updated_at BIGINT
);
CREATE INDEX idx_user_id ON user_client_mapping (user_id);
CREATE INDEX idx_client_org_id ON user_client_mapping (client_org_id);
CREATE INDEX idx_openrouter_user_id ON user_client_mapping (openrouter_user_id);

CREATE TABLE client_daily_usage (
  id VARCHAR NOT NULL PRIMARY KEY,
  client_org_id VARCHAR NOT NULL,
  usage_date DATE NOT NULL,
  total_tokens BIGINT,
  total_requests INTEGER,
  raw_cost FLOAT,
  markup_cost FLOAT,
  primary_model VARCHAR,
  unique_users INTEGER,
  created_at BIGINT,
  updated_at BIGINT
);
CREATE INDEX idx_client_date ON client_daily_usage (client_org_id, usage_date);
CREATE INDEX idx_usage_date ON client_daily_usage (usage_date);

CREATE TABLE client_user_daily_usage (
  id VARCHAR NOT NULL PRIMARY KEY,
  client_org_id VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  openrouter_user_id VARCHAR NOT NULL,
  usage_date DATE NOT NULL,
  total_tokens BIGINT,
  total_requests INTEGER,
  raw_cost FLOAT,
  markup_cost FLOAT,
  created_at BIGINT,
  updated_at BIGINT
);
CREATE INDEX idx_client_user_date ON client_user_daily_usage (client_org_id, user_id, usage_date);
CREATE INDEX idx_user_date ON client_user_daily_usage (user_id, usage_date);

CREATE TABLE client_model_daily_usage (
  id VARCHAR NOT NULL PRIMARY KEY,
  client_org_id VARCHAR NOT NULL,
  model_name VARCHAR NOT NULL,
  usage_date DATE NOT NULL,
  total_tokens BIGINT,
  total_requests INTEGER,
  raw_cost FLOAT,
  markup_cost FLOAT,
  provider VARCHAR,
  created_at BIGINT,
  updated_at BIGINT
);
CREATE INDEX idx_client_model_date ON client_model_daily_usage (client_org_id, model_name, usage_date);
CREATE INDEX idx_model_date ON client_model_daily_usage (model_name, usage_date);

-- Deterministic ids in UUID shape: the kind of value Open WebUI stores.
CREATE TEMP VIEW n_users AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users) SELECT i FROM n;
CREATE TEMP VIEW n_orgs AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $orgs) SELECT i FROM n;
CREATE TEMP VIEW n_days AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $days) SELECT i FROM n;
CREATE TEMP TABLE models (k INTEGER PRIMARY KEY, name TEXT, provider TEXT);
INSERT INTO models VALUES
  (0, 'anthropic/claude-3.5-sonnet', 'anthropic'), (1, 'openai/gpt-4o', 'openai'),
  (2, 'openai/gpt-4o-mini', 'openai'), (3, 'google/gemini-2.0-flash-001', 'google'),
  (4, 'deepseek/deepseek-chat', 'deepseek');

INSERT INTO alembic_version VALUES ('3781e22d8b01');

INSERT INTO "user"
SELECT printf('%08x-1111-4111-8111-%012x', i * 2654435761 % 4294967296, i),
       printf('User %d', i),
       printf('user%d@example.com', i),
       CASE WHEN i = 1 THEN 'admin' WHEN i % 7 = 0 THEN 'pending' ELSE 'user' END,
       '/user.png',
       1735689600 + i * 86400 + (i * 7919) % 86400,
       1735689600 + i * 3600,
       1735689600 + i * 60,
       CASE WHEN i % 3 = 0 THEN printf('sk-%032x', i * 1000003) END,
       json_object('ui', json_object('theme', CASE i % 2 WHEN 0 THEN 'dark' ELSE 'light' END, 'models', json_array('openai/gpt-4o'))),
       CASE WHEN i % 5 = 0 THEN json_object('location', 'Warsaw') END,
       CASE WHEN i % 4 = 0 THEN printf('oidc@%d', i) END
FROM n_users;

-- bcrypt-shaped: \$2b\$12\$ + 22 salt + 31 hash characters.
INSERT INTO auth
SELECT id, email,
       '\$2b\$12\$' || substr(printf('%016x%016x%016x%016x', rowid * 40503, rowid * 65599, rowid * 2654435761, rowid * 97), 1, 53),
       CASE WHEN role = 'pending' THEN 0 ELSE 1 END
FROM "user";

INSERT INTO config (id, data, version, created_at, updated_at) VALUES (1, json_object(
  'version', 0,
  'ui', json_object('default_locale', 'en-US', 'enable_signup', json('false'), 'default_models', 'openai/gpt-4o'),
  'openai', json_object('enable', json('true'), 'api_base_urls', json_array('https://openrouter.ai/api/v1')),
  'rag', json_object('chunk_size', 1000, 'chunk_overlap', 100, 'top_k', 3)
), 0, '2025-01-01 00:00:00', '2025-01-02 09:30:00');

INSERT INTO model
SELECT printf('assistant-%d', k), (SELECT id FROM "user" WHERE rowid = 1), name,
       printf('Assistant %d (%s)', k, provider),
       json_object('description', printf('A helper built on %s', name), 'profile_image_url', '/static/favicon.png', 'tags', json_array()),
       json_object('temperature', 0.2 + k * 0.1, 'system', 'You are a helpful assistant.'),
       1735689600 + k * 1000, 1735689600 + k * 2000,
       CASE WHEN k % 2 = 0 THEN NULL ELSE json_object('read', json_object('group_ids', json_array(), 'user_ids', json_array())) END,
       CASE WHEN k = 4 THEN 0 ELSE 1 END
FROM models;

INSERT INTO client_organizations
SELECT printf('org_%04d', i), printf('Client %d sp. z o.o.', i),
       printf('sk-or-v1-%064x', i * 2654435761), printf('%016x', i * 40503),
       1.3 + (i % 3) * 0.1, CASE WHEN i % 2 = 0 THEN 500.0 END,
       printf('billing@client%d.example.com', i), 'Europe/Warsaw', 1,
       1735689600 + i * 3600, 1735689600 + i * 7200
FROM n_orgs;

INSERT INTO user_client_mapping
SELECT printf('map_%06d', u.rowid), u.id, printf('org_%04d', (u.rowid - 1) % $orgs + 1),
       printf('mai_client_%d_user_%d', (u.rowid - 1) % $orgs + 1, u.rowid), 1, u.created_at, u.created_at
FROM "user" u;

-- Usage: one row per org/user/model and day; a few quiet days without rows, as in real data.
INSERT INTO client_user_daily_usage
SELECT printf('cud_%06d_%04d', m.rowid, d.i), m.client_org_id, m.user_id, m.openrouter_user_id,
       date('2025-06-30', printf('-%d days', $days - d.i)),
       (m.rowid * 7919 + d.i * 104729) % 50000 + 100,
       (m.rowid * 31 + d.i * 17) % 40 + 1,
       round(((m.rowid * 7919 + d.i * 104729) % 50000 + 100) * 0.000002, 6),
       round(((m.rowid * 7919 + d.i * 104729) % 50000 + 100) * 0.0000026, 6),
       1735689600 + d.i * 86400, 1735689600 + d.i * 86400 + 3600
FROM user_client_mapping m CROSS JOIN n_days d
WHERE (m.rowid + d.i) % 6 <> 0;

INSERT INTO client_model_daily_usage
SELECT printf('cmd_%04d_%d_%04d', o.i, md.k, d.i), printf('org_%04d', o.i), md.name,
       date('2025-06-30', printf('-%d days', $days - d.i)),
       (o.i * 104729 + md.k * 7919 + d.i * 31) % 200000 + 500,
       (o.i * 13 + md.k * 7 + d.i) % 120 + 1,
       round(((o.i * 104729 + md.k * 7919 + d.i * 31) % 200000 + 500) * 0.000002, 6),
       round(((o.i * 104729 + md.k * 7919 + d.i * 31) % 200000 + 500) * 0.0000026, 6),
       md.provider, 1735689600 + d.i * 86400, 1735689600 + d.i * 86400 + 3600
FROM n_orgs o CROSS JOIN models md CROSS JOIN n_days d;

INSERT INTO client_daily_usage
SELECT printf('cd_%s_%s', client_org_id, usage_date), client_org_id, usage_date,
       sum(total_tokens), sum(total_requests), round(sum(raw_cost), 6), round(sum(markup_cost), 6),
       (SELECT model_name FROM client_model_daily_usage x WHERE x.client_org_id = c.client_org_id AND x.usage_date = c.usage_date ORDER BY total_tokens DESC LIMIT 1),
       count(*), min(created_at), max(updated_at)
FROM client_user_daily_usage c GROUP BY client_org_id, usage_date;

INSERT INTO message
SELECT printf('%08x-3333-4333-8333-%012x', i * 40503 % 4294967296, i),
       (SELECT id FROM "user" WHERE rowid = (i - 1) % $users + 1),
       'general', NULL, printf('Channel message %d', i), NULL, NULL,
       1735689600000000000 + i * 1000000000, 1735689600000000000 + i * 1000000000
FROM n_users;

-- Chats: Open WebUI keeps every conversation twice in one JSON document (history.messages keyed
-- by id, and the messages[] list). That JSON is most of a real webui.db.
-- The correlated subqueries over the small msg CTE build each document without a sort.
WITH RECURSIVE
  c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $chats),
  words(w) AS (SELECT 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. '),
  base(t) AS (SELECT replace(hex(zeroblob($content_len / 200 + 4)), '00', w) FROM words),
  msg(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM msg WHERE m < $messages),
  ch AS (
    SELECT i,
           printf('%08x-2222-4222-8222-%012x', i * 2654435761 % 4294967296, i) AS id,
           (SELECT id FROM "user" WHERE rowid = (i - 1) % $users + 1) AS user_id,
           printf('Chat %d: %s', i, substr((SELECT w FROM words), 1 + (i * 7) % 60, 24)) AS title,
           1735689600 + i * 600 AS created
    FROM c
  ),
  body AS (
    SELECT ch.*,
      (SELECT json_group_object(printf('%08x-0000-4000-8000-%012x', ch.i, m), json(json_object(
          'id', printf('%08x-0000-4000-8000-%012x', ch.i, m),
          'parentId', CASE WHEN m > 1 THEN printf('%08x-0000-4000-8000-%012x', ch.i, m - 1) END,
          'childrenIds', CASE WHEN m < $messages THEN json_array(printf('%08x-0000-4000-8000-%012x', ch.i, m + 1)) ELSE json_array() END,
          'role', CASE m % 2 WHEN 1 THEN 'user' ELSE 'assistant' END,
          'content', printf('Message %d of chat %d. ', m, ch.i) || substr((SELECT t FROM base), 1 + (ch.i * 31 + m * 17) % 200, $content_len),
          'timestamp', ch.created + m * 30,
          'models', json_array('openai/gpt-4o'))))
       FROM msg) AS history,
      (SELECT json_group_array(json(json_object(
          'id', printf('%08x-0000-4000-8000-%012x', ch.i, m),
          'parentId', CASE WHEN m > 1 THEN printf('%08x-0000-4000-8000-%012x', ch.i, m - 1) END,
          'childrenIds', CASE WHEN m < $messages THEN json_array(printf('%08x-0000-4000-8000-%012x', ch.i, m + 1)) ELSE json_array() END,
          'role', CASE m % 2 WHEN 1 THEN 'user' ELSE 'assistant' END,
          'content', printf('Message %d of chat %d. ', m, ch.i) || substr((SELECT t FROM base), 1 + (ch.i * 31 + m * 17) % 200, $content_len),
          'timestamp', ch.created + m * 30,
          'model', 'openai/gpt-4o')))
       FROM msg) AS list
    FROM ch
  )
INSERT INTO chat
SELECT id, user_id, title,
       json_object('id', '', 'title', title, 'models', json_array('openai/gpt-4o'), 'params', json_object(),
                   'history', json_object('messages', json(history), 'currentId', printf('%08x-0000-4000-8000-%012x', i, $messages)),
                   'messages', json(list), 'tags', json_array(), 'timestamp', created * 1000, 'files', json_array()),
       created, created + 300 + i % 5000,
       CASE WHEN i % 50 = 0 THEN printf('%08x-4444-4444-8444-%012x', i, i) END,
       CASE WHEN i % 23 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 17 = 0 THEN 1 ELSE 0 END,
       json_object('tags', CASE WHEN i % 3 = 0 THEN json_array('work') ELSE json_array() END),
       NULL
FROM body;

COMMIT;
SQL

if (( wal )); then
  sqlite3 -bail "$out" 'PRAGMA journal_mode = WAL;' >/dev/null
  # Leave the last changes in the WAL, as a live Open WebUI does between checkpoints: no
  # automatic checkpoint, and no checkpoint when this connection closes.
  sqlite3 -bail "$out" >/dev/null <<SQL
.dbconfig no_ckpt_on_close on
PRAGMA wal_autocheckpoint = 0;
UPDATE "user" SET last_active_at = last_active_at + 86400, updated_at = updated_at + 86400;
INSERT INTO client_user_daily_usage
SELECT printf('cud_%06d_%04d', m.rowid, $days + 1), m.client_org_id, m.user_id, m.openrouter_user_id,
       '2025-07-01', m.rowid * 1000, m.rowid, m.rowid * 0.002, m.rowid * 0.0026,
       1735689600 + ($days + 1) * 86400, 1735689600 + ($days + 1) * 86400
FROM user_client_mapping m;
SQL
fi
