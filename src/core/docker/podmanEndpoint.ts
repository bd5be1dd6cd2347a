/**
 * Where Podman is, found the way Podman users expect: CONTAINER_HOST, a named connection
 * (CONTAINER_CONNECTION, or the default one in podman-connections.json / containers.conf), then
 * the service socket of this user (rootless) or of root. Podman has no daemon unless its API
 * service runs (`systemctl --user start podman.socket`, or `podman system service`); the socket
 * paths are where those put it.
 *
 * Pure over its inputs (environment, files read through `fs`, a `exists` probe) so that the unit
 * tests feed crafted files and variables; endpoint.ts turns the host string into an endpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdbError } from '../errors';

/** A host string in DOCKER_HOST syntax, where it came from, and what goes with it. */
export interface PodmanHost {
  host: string;
  /** For messages: "CONTAINER_HOST", "Podman connection 'box'", "Podman's rootful socket". */
  label: string;
  source: 'CONTAINER_HOST' | 'podman';
  /** The ssh private key a Podman connection names (`Identity`). */
  identity?: string;
}

export interface PodmanLookup {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** Default process.getuid(): 0 looks for root's socket first, anyone else for their own. */
  uid?: number;
  /** Prefix for /etc, /usr/share and /run (tests); default "/". */
  systemRoot?: string;
  /** Default fs.existsSync. */
  exists?: (p: string) => boolean;
}

export const PODMAN_ROOTFUL_SOCKET = '/run/podman/podman.sock';

/** CONTAINER_HOST, or the connection CONTAINER_CONNECTION names: what Podman itself obeys first. */
export function podmanFromEnv(look: PodmanLookup): PodmanHost | undefined {
  const { env } = look;
  if (env.CONTAINER_HOST) {
    return { host: env.CONTAINER_HOST, label: 'CONTAINER_HOST', source: 'CONTAINER_HOST', identity: env.CONTAINER_SSHKEY || undefined };
  }
  if (env.CONTAINER_CONNECTION) {
    const all = readConnections(look);
    const c = all.connections[env.CONTAINER_CONNECTION];
    if (!c) {
      throw new CdbError(
        'ENGINE_CONFIG',
        `CONTAINER_CONNECTION names the Podman connection '${env.CONTAINER_CONNECTION}', which ${all.files.length ? `is not in ${all.files.join(' or ')}` : 'is not configured'}: run \`podman system connection list\` and pick one that is.`,
      );
    }
    return { host: c.uri, label: `Podman connection '${env.CONTAINER_CONNECTION}'`, source: 'podman', identity: c.identity };
  }
  return undefined;
}

/** Podman's default connection, else its service socket where one exists; undefined when Podman is not set up. */
export function podmanDefault(look: PodmanLookup): PodmanHost | undefined {
  const all = readConnections(look);
  if (all.defaultName) {
    const c = all.connections[all.defaultName];
    if (c) return { host: c.uri, label: `Podman connection '${all.defaultName}'`, source: 'podman', identity: c.identity };
  }
  const exists = look.exists ?? fs.existsSync;
  for (const s of podmanSockets(look)) {
    if (exists(s.path)) return { host: `unix://${s.path}`, label: s.label, source: 'podman' };
  }
  return undefined;
}

/** The sockets `podman system service` / podman.socket listen on: this user's first. */
export function podmanSockets(look: PodmanLookup): Array<{ path: string; label: string }> {
  const uid = look.uid ?? process.getuid?.() ?? -1;
  const root = look.systemRoot ?? '/';
  const rootful = { path: path.join(root, PODMAN_ROOTFUL_SOCKET), label: "Podman's rootful socket" };
  if (uid === 0) return [rootful];
  const runtimeDir = look.env.XDG_RUNTIME_DIR || (uid >= 0 ? path.join(root, 'run', 'user', String(uid)) : undefined);
  const rootless = runtimeDir ? [{ path: path.join(runtimeDir, 'podman', 'podman.sock'), label: "Podman's rootless socket" }] : [];
  return [...rootless, rootful];
}

/**
 * Every Podman engine this machine's configuration names, for listings across engines:
 * CONTAINER_HOST alone when it is set (it overrides the rest for Podman too), else each
 * connection by name, then each service socket that exists (rootless first).
 */
export function podmanEngines(look: PodmanLookup): Array<{ name: string; host?: string; label?: string; connection?: string }> {
  if (look.env.CONTAINER_HOST) return [{ name: 'podman', host: look.env.CONTAINER_HOST }];
  const out: Array<{ name: string; host?: string; label?: string; connection?: string }> = Object.keys(readConnections(look).connections)
    .sort()
    .map((name) => ({ name: `podman:${name}`, connection: name }));
  const exists = look.exists ?? fs.existsSync;
  for (const s of podmanSockets(look)) {
    if (exists(s.path)) out.push({ name: s.label.includes('rootless') ? 'podman (rootless)' : 'podman', host: `unix://${s.path}`, label: s.label });
  }
  return out;
}

interface Connection {
  uri: string;
  identity?: string;
}

interface Connections {
  defaultName?: string;
  connections: Record<string, Connection>;
  /** The files read, for messages. */
  files: string[];
}

/**
 * Podman 5 keeps connections in podman-connections.json; Podman 4 in containers.conf
 * ([engine] active_service, [engine.service_destinations.NAME] uri / identity). Both are read;
 * the JSON file wins, as in Podman 5, which reads the old place too.
 */
function readConnections(look: PodmanLookup): Connections {
  const out: Connections = { connections: {}, files: [] };
  for (const file of containersConfFiles(look)) {
    const text = readOptional(file);
    if (text === undefined) continue;
    out.files.push(file);
    const conf = parseContainersConf(text);
    if (conf.activeService) out.defaultName = conf.activeService;
    Object.assign(out.connections, conf.destinations);
  }
  const jsonFile = connectionsJsonFile(look);
  const text = readOptional(jsonFile);
  if (text !== undefined) {
    out.files.push(jsonFile);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new CdbError('ENGINE_CONFIG', `${jsonFile} is not valid JSON: fix it, or recreate the connections with \`podman system connection add\`.`);
    }
    const conn = (raw as { Connection?: { Default?: unknown; Connections?: Record<string, { URI?: unknown; Identity?: unknown }> } } | null)?.Connection;
    for (const [name, c] of Object.entries(conn?.Connections ?? {})) {
      if (typeof c?.URI === 'string' && c.URI) out.connections[name] = { uri: c.URI, identity: typeof c.Identity === 'string' && c.Identity ? c.Identity : undefined };
    }
    if (typeof conn?.Default === 'string' && conn.Default) out.defaultName = conn.Default;
  }
  return out;
}

/** As containers/common reads them: CONTAINERS_CONF alone when set, else system then user files, later ones overriding. */
function containersConfFiles(look: PodmanLookup): string[] {
  if (look.env.CONTAINERS_CONF) return [look.env.CONTAINERS_CONF];
  const root = look.systemRoot ?? '/';
  const user = path.join(look.env.XDG_CONFIG_HOME || path.join(look.homeDir, '.config'), 'containers', 'containers.conf');
  return [path.join(root, 'usr/share/containers/containers.conf'), path.join(root, 'etc/containers/containers.conf'), user];
}

/** PODMAN_CONNECTIONS_CONF, else root's in /etc/containers, a user's under XDG_CONFIG_HOME (Podman 5). */
function connectionsJsonFile(look: PodmanLookup): string {
  if (look.env.PODMAN_CONNECTIONS_CONF) return look.env.PODMAN_CONNECTIONS_CONF;
  const uid = look.uid ?? process.getuid?.() ?? -1;
  if (uid === 0) return path.join(look.systemRoot ?? '/', 'etc/containers/podman-connections.json');
  return path.join(look.env.XDG_CONFIG_HOME || path.join(look.homeDir, '.config'), 'containers', 'podman-connections.json');
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The two things we need from a containers.conf (TOML): `active_service` in [engine], and each
 * service destination's uri and identity, written as a table ([engine.service_destinations.NAME])
 * or inline (NAME = { uri = "...", identity = "..." } under [engine.service_destinations]).
 * Everything else in the file is skipped, not validated: Podman validates its own file.
 */
export function parseContainersConf(text: string): { activeService?: string; destinations: Record<string, Connection> } {
  const destinations: Record<string, Connection> = {};
  let activeService: string | undefined;
  let table = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = stripComment(rawLine).trim();
    if (!line) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = header[1].split('.').map(unquote).join('.');
      continue;
    }
    const kv = /^("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = unquote(kv[1]);
    const value = kv[2].trim();
    if (table === 'engine' && key === 'active_service') activeService = tomlString(value);
    const dest = /^engine\.service_destinations\.(.+)$/.exec(table);
    if (dest && (key === 'uri' || key === 'identity')) {
      const c = (destinations[dest[1]] ??= { uri: '' });
      const v = tomlString(value);
      if (v !== undefined) c[key] = v;
    }
    if (table === 'engine.service_destinations' && value.startsWith('{')) {
      const uri = /\buri\s*=\s*("[^"]*"|'[^']*')/.exec(value);
      const identity = /\bidentity\s*=\s*("[^"]*"|'[^']*')/.exec(value);
      if (uri) destinations[key] = { uri: unquote(uri[1]), identity: identity ? unquote(identity[1]) : undefined };
    }
  }
  for (const [name, c] of Object.entries(destinations)) if (!c.uri) delete destinations[name];
  return { activeService, destinations };
}

function stripComment(line: string): string {
  // A '#' inside a quoted string is not a comment.
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

function tomlString(value: string): string | undefined {
  return /^("[^"]*"|'[^']*')$/.test(value) ? unquote(value) : undefined;
}

function unquote(s: string): string {
  const t = s.trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t;
}
