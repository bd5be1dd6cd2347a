/**
 * Secrets added to a makeWebuiDb database, shaped as Open WebUI stores them: an `oauth_session`
 * table (its `token` column), provider keys inside `config.data` (`openai.api_keys`,
 * `rag.openai_api_key`, `web.search.brave_search_api_key`), and one user whose api_key is set
 * (makeWebuiDb sets it for every third user). Shared by the secrets tests (unit, CLI, extension).
 */
import { execFileSync } from 'node:child_process';

export const CONFIG_KEYS = { openai: ['sk-config-one-0123456789', 'sk-config-two-9876543210'], rag: 'sk-rag-abcdefabcdef', brave: 'BSA-brave-key-42' };
export const OAUTH_TOKEN = '{"access_token":"ya29.secret-access","refresh_token":"1//secret-refresh","expires_at":1767225600}';

const SQL = `
CREATE TABLE IF NOT EXISTS oauth_session (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  token TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO oauth_session VALUES ('os-1', (SELECT id FROM "user" WHERE rowid = 1), 'google', '${OAUTH_TOKEN}', 1767225600, 1735689600, 1735689600);
UPDATE config SET data = json_set(data,
  '$.openai.api_keys', json_array('${CONFIG_KEYS.openai[0]}', '${CONFIG_KEYS.openai[1]}'),
  '$.rag.openai_api_key', '${CONFIG_KEYS.rag}',
  '$.web', json_object('search', json_object('engine', 'brave', 'brave_search_api_key', '${CONFIG_KEYS.brave}')))
WHERE id = 1;
`;

/** Adds the secrets to `dbFile` (a makeWebuiDb database) with Debian's sqlite3. */
export function addSecrets(dbFile: string): void {
  execFileSync('sqlite3', ['-bail', dbFile], { input: SQL });
}

/** Every secret value a test must never see while secrets are hidden (read back with sqlite3). */
export function secretValues(dbFile: string): string[] {
  const q = (sql: string) => execFileSync('sqlite3', ['-batch', '-noheader', dbFile, sql], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return [
    ...q('SELECT password FROM auth'),
    ...q('SELECT api_key FROM "user" WHERE api_key IS NOT NULL'),
    ...q('SELECT token FROM oauth_session'),
    ...q('SELECT openrouter_api_key FROM client_organizations'),
    ...CONFIG_KEYS.openai,
    CONFIG_KEYS.rag,
    CONFIG_KEYS.brave,
  ];
}
