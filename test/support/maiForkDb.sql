-- A webui.db of the mAI fork with every case of issue 14, written by Debian's sqlite3
-- (test/support/maiForkDb.ts). The usage tables are the fork's Alembic migration "Option 1:
-- Simplified Client Organization Usage Schema" (revision f1a2b3c4d5e6: op.create_table and
-- op.create_index) as SQLAlchemy emits it for SQLite; "user" is Open WebUI's. Dates are text, as SQLAlchemy stores a Date. The clock
-- of the tests is 2025-07-24 (UTC); the endpoint's answers are written out in maiForkDb.ts.
BEGIN;
CREATE TABLE "user" (
	id VARCHAR(255) NOT NULL,
	name VARCHAR(255) NOT NULL,
	email VARCHAR(255) NOT NULL,
	role VARCHAR(255) NOT NULL,
	profile_image_url TEXT NOT NULL,
	last_active_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	api_key VARCHAR(255),
	settings JSON,
	info JSON,
	oauth_sub TEXT,
	PRIMARY KEY (id),
	UNIQUE (api_key),
	UNIQUE (oauth_sub)
);
CREATE TABLE global_settings (
	id VARCHAR NOT NULL,
	openrouter_provisioning_key TEXT,
	default_markup_rate FLOAT,
	billing_currency VARCHAR,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE client_organizations (
	id VARCHAR NOT NULL,
	name VARCHAR NOT NULL,
	openrouter_api_key TEXT NOT NULL,
	openrouter_key_hash VARCHAR,
	markup_rate FLOAT,
	monthly_limit FLOAT,
	billing_email VARCHAR,
	is_active INTEGER,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (openrouter_api_key)
);
CREATE TABLE user_client_mapping (
	id VARCHAR NOT NULL,
	user_id VARCHAR NOT NULL,
	client_org_id VARCHAR NOT NULL,
	openrouter_user_id VARCHAR NOT NULL,
	is_active INTEGER,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE client_daily_usage (
	id VARCHAR NOT NULL,
	client_org_id VARCHAR NOT NULL,
	usage_date DATE NOT NULL,
	total_tokens BIGINT,
	total_requests INTEGER,
	raw_cost FLOAT,
	markup_cost FLOAT,
	primary_model VARCHAR,
	unique_users INTEGER,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE client_user_daily_usage (
	id VARCHAR NOT NULL,
	client_org_id VARCHAR NOT NULL,
	user_id VARCHAR NOT NULL,
	openrouter_user_id VARCHAR NOT NULL,
	usage_date DATE NOT NULL,
	total_tokens BIGINT,
	total_requests INTEGER,
	raw_cost FLOAT,
	markup_cost FLOAT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE client_model_daily_usage (
	id VARCHAR NOT NULL,
	client_org_id VARCHAR NOT NULL,
	model_name VARCHAR NOT NULL,
	usage_date DATE NOT NULL,
	total_tokens BIGINT,
	total_requests INTEGER,
	raw_cost FLOAT,
	markup_cost FLOAT,
	provider VARCHAR,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE client_live_counters (
	client_org_id VARCHAR NOT NULL,
	"current_date" DATE NOT NULL,
	today_tokens BIGINT,
	today_requests INTEGER,
	today_raw_cost FLOAT,
	today_markup_cost FLOAT,
	last_updated BIGINT NOT NULL,
	PRIMARY KEY (client_org_id)
);
CREATE INDEX idx_api_key ON client_organizations (openrouter_api_key);
CREATE INDEX idx_active ON client_organizations (is_active);
CREATE INDEX idx_user_id ON user_client_mapping (user_id);
CREATE INDEX idx_client_org_id ON user_client_mapping (client_org_id);
CREATE INDEX idx_openrouter_user_id ON user_client_mapping (openrouter_user_id);
CREATE INDEX idx_client_date ON client_daily_usage (client_org_id, usage_date);
CREATE INDEX idx_usage_date ON client_daily_usage (usage_date);
CREATE INDEX idx_client_user_date ON client_user_daily_usage (client_org_id, user_id, usage_date);
CREATE INDEX idx_user_date ON client_user_daily_usage (user_id, usage_date);
CREATE INDEX idx_client_model_date ON client_model_daily_usage (client_org_id, model_name, usage_date);
CREATE INDEX idx_model_date ON client_model_daily_usage (model_name, usage_date);
CREATE INDEX idx_client_live_date ON client_live_counters (client_org_id, "current_date");

-- An inactive organization first, the one the endpoints use, a second active one.
INSERT INTO client_organizations VALUES ('org_old', 'Old client', 'sk-or-v1-old000000000000000001', NULL, 1.25, NULL, NULL, 0, 1750000000, 1750000000);
INSERT INTO client_organizations VALUES ('mai_client_63a4eb6d', 'mAI', 'sk-or-v1-mai000000000000000002', NULL, 1.25, 500.0, 'billing@mai.example', 1, 1751000000, 1751000000);
INSERT INTO client_organizations VALUES ('org_second', 'Second', 'sk-or-v1-sec000000000000000003', NULL, 1.5, NULL, NULL, 1, 1752000000, 1752000000);

-- Inserted in an order that is neither by name nor by creation.
INSERT INTO "user" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at) VALUES ('u-alice', 'Alice', 'alice@example.com', 'admin', '/user.png', 1753300000, 1000, 1000);
INSERT INTO "user" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at) VALUES ('u-carol', 'Carol', 'carol@example.com', 'user', '/user.png', 1753200000, 2000, 2000);
INSERT INTO "user" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at) VALUES ('u-bob', 'Bob', 'bob@example.com', 'user', '/user.png', 1753100000, 3000, 3000);
INSERT INTO "user" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at) VALUES ('u-dave', 'Dave', 'dave@example.com', 'pending', '/user.png', 1753000000, 4000, 4000);

-- Costs are multiples of 1/2^k: every sum is exact in any order of addition.
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-alice:2025-06-30', 'mai_client_63a4eb6d', 'u-alice', 'ext-alice-june', '2025-06-30', 9999, 9, 1.0, 1.25, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-alice:2025-07-02', 'mai_client_63a4eb6d', 'u-alice', 'mai_client_63a4eb6d_user_aaaa0001', '2025-07-02', 1000, 2, 0.5, 0.625, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-bob:2025-07-03', 'mai_client_63a4eb6d', 'u-bob', 'mai_client_63a4eb6d_user_bbbb0002', '2025-07-03', 2000, 4, 0.75, 0.9375, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-ghost:2025-07-04', 'mai_client_63a4eb6d', 'u-ghost', 'mai_client_63a4eb6d_user_9905e000', '2025-07-04', 100, 1, 0.0625, 0.078125, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('org_old:u-alice:2025-07-05', 'org_old', 'u-alice', 'legacy-alice', '2025-07-05', 300, 1, 0.125, 0.15625, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('org_second:u-bob:2025-07-06', 'org_second', 'u-bob', 'second-bob', '2025-07-06', 50, 1, 0.03125, 0.0390625, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('org_old:u-orphan:2025-07-07', 'org_old', 'u-orphan', 'legacy-orphan', '2025-07-07', 80, 2, 0.0625, 0.078125, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('env_client_default:u-carol:2025-07-08', 'env_client_default', 'u-carol', 'env-carol', '2025-07-08', 400, 3, 0.25, 0.3125, 0, 0);
-- A later record of Alice with an external id that min() would pick.
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-alice:2025-07-10', 'mai_client_63a4eb6d', 'u-alice', 'a-later-id', '2025-07-10', 500, 1, 0.25, 0.3125, 0, 0);
-- Tomorrow: a server clock or time zone ahead.
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-alice:2025-07-25', 'mai_client_63a4eb6d', 'u-alice', 'mai_client_63a4eb6d_user_aaaa0001', '2025-07-25', 700, 2, 0.375, 0.46875, 0, 0);
INSERT INTO client_user_daily_usage VALUES ('mai_client_63a4eb6d:u-ghost:2025-07-24', 'mai_client_63a4eb6d', 'u-ghost', 'mai_client_63a4eb6d_user_9905e000', '2025-07-24', 20, 1, 0.015625, 0.01953125, 0, 0);

INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:anthropic/claude-sonnet-4:2025-07-02', 'mai_client_63a4eb6d', 'anthropic/claude-sonnet-4', '2025-07-02', 5000, 5, 1.0, 1.25, 'anthropic', 0, 0);
-- A later record whose provider min() would pick ('A' < 'a').
INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:anthropic/claude-sonnet-4:2025-07-09', 'mai_client_63a4eb6d', 'anthropic/claude-sonnet-4', '2025-07-09', 3000, 3, 0.5, 0.625, 'Anthropic', 0, 0);
-- Two listed models with the same cost: the endpoint keeps its list's order (grok-4 before gpt-4o-mini).
INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:x-ai/grok-4:2025-07-03', 'mai_client_63a4eb6d', 'x-ai/grok-4', '2025-07-03', 1000, 1, 0.25, 0.3125, 'x-ai', 0, 0);
INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:openai/gpt-4o-mini:2025-07-03', 'mai_client_63a4eb6d', 'openai/gpt-4o-mini', '2025-07-03', 900, 2, 0.25, 0.3125, 'openai', 0, 0);
-- The costliest model is not on the fork's list: the tab never shows it.
INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:mistralai/mistral-large:2025-07-04', 'mai_client_63a4eb6d', 'mistralai/mistral-large', '2025-07-04', 4000, 2, 2.0, 2.5, 'mistralai', 0, 0);
INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:google/gemini-2.5-flash:2025-07-25', 'mai_client_63a4eb6d', 'google/gemini-2.5-flash', '2025-07-25', 600, 1, 0.125, 0.15625, 'google', 0, 0);
INSERT INTO client_model_daily_usage VALUES ('org_old:openai/o3:2025-07-05', 'org_old', 'openai/o3', '2025-07-05', 700, 1, 0.5, 0.625, 'openai', 0, 0);
INSERT INTO client_model_daily_usage VALUES ('mai_client_63a4eb6d:mistralai/mistral-large:2025-07-26', 'mai_client_63a4eb6d', 'mistralai/mistral-large', '2025-07-26', 100, 1, 0.0625, 0.078125, 'mistralai', 0, 0);
INSERT INTO client_model_daily_usage VALUES ('env_client_default:openai/gpt-4.1:2025-07-08', 'env_client_default', 'openai/gpt-4.1', '2025-07-08', 250, 1, 0.125, 0.15625, 'openai', 0, 0);
COMMIT;
