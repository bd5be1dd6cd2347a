/**
 * Where the app in a container keeps its SQLite database, read from the container's environment
 * the way Open WebUI reads it: DATABASE_URL (a SQLAlchemy URL), else $DATA_DIR/webui.db, else the
 * image's default /app/backend/data/webui.db.
 */
import * as path from 'path';
import type { DatabaseLocation, MountInfo } from '../types';
import { mountFor } from './mounts';

export const DEFAULT_DATABASE_PATH = '/app/backend/data/webui.db';

type Unsupported = NonNullable<DatabaseLocation['unsupported']>;

/**
 * @param env the container's `Config.Env`, "KEY=value" strings
 * @param override `--path` / the setting: wins over everything
 * @param workingDir the container's `Config.WorkingDir`: relative paths resolve against it, as
 *   they do for the app (empty means "/", the engine's default)
 */
export function resolveDatabasePath(env: string[], mounts: MountInfo[], override?: string, workingDir?: string): DatabaseLocation {
  const cwd = workingDir || '/';
  const vars = parseEnv(env);
  const at = (p: string, source: DatabaseLocation['source']): DatabaseLocation => {
    const abs = path.posix.resolve(cwd, p);
    return { path: abs, source, mount: mountFor(abs, mounts) };
  };

  if (override) return at(override, 'option');

  const url = vars.get('DATABASE_URL');
  // Open WebUI's SQLCipher support is switched on by DATABASE_TYPE, whatever DATABASE_URL says.
  if (vars.get('DATABASE_TYPE')?.toLowerCase() === 'sqlite+sqlcipher') {
    return unsupported({ kind: 'sqlcipher', url: url ? redactUrl(url) : 'DATABASE_TYPE=sqlite+sqlcipher' });
  }
  if (url) {
    const parsed = parseDatabaseUrl(url);
    if ('unsupported' in parsed) return unsupported(parsed.unsupported);
    return at(parsed.path, 'DATABASE_URL');
  }

  const dataDir = vars.get('DATA_DIR');
  if (dataDir) return at(path.posix.join(dataDir, 'webui.db'), 'DATA_DIR');
  return at(DEFAULT_DATABASE_PATH, 'default');
}

/** Reported with source DATABASE_URL also when DATABASE_TYPE decided it: both are the app's database settings. */
function unsupported(u: Unsupported): DatabaseLocation {
  return { path: '', source: 'DATABASE_URL', unsupported: u };
}

/** Later entries win, as they do when the engine builds the process environment. Empty means unset. */
function parseEnv(env: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const value = entry.slice(eq + 1);
    if (value === '') vars.delete(entry.slice(0, eq));
    else vars.set(entry.slice(0, eq), value);
  }
  return vars;
}

/**
 * A SQLAlchemy URL. For SQLite, `sqlite:///rel/path.db` (three slashes) is relative to the working
 * directory and `sqlite:////abs/path.db` (four) is absolute; a query string holds driver options.
 */
export function parseDatabaseUrl(url: string): { path: string } | { unsupported: Unsupported } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(url.trim());
  if (!m) return { unsupported: { kind: 'other', url: redactUrl(url) } };
  const [dialect, driver] = m[1].toLowerCase().split('+', 2);
  const rest = m[2];
  switch (dialect) {
    case 'sqlite': {
      if (driver === 'sqlcipher') return { unsupported: { kind: 'sqlcipher', url: redactUrl(url) } };
      // After "sqlite://" comes an empty host, then "/" and the database path.
      const database = rest.startsWith('/') ? rest.slice(1).split('?')[0] : '';
      // No path, or :memory:, is an in-memory database: there is no file to pull.
      if (database === '' || database === ':memory:') return { unsupported: { kind: 'other', url: redactUrl(url) } };
      return { path: database };
    }
    case 'postgres':
    case 'postgresql':
      return { unsupported: { kind: 'postgresql', url: redactUrl(url) } };
    case 'mysql':
    case 'mariadb':
      return { unsupported: { kind: 'mysql', url: redactUrl(url) } };
    default:
      return { unsupported: { kind: 'other', url: redactUrl(url) } };
  }
}

/** A URL we show to people must not carry the password: "postgresql://u:secret@h/db" → "postgresql://u:***@h/db". */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@');
}
