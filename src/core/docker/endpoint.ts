/**
 * Where the engine is, decided the way the `docker` CLI decides it, so that the tool talks to the
 * engine the user's own `docker ps` talks to; and where Docker is not set up, the way `podman`
 * finds Podman (podmanEndpoint.ts).
 *
 * Order: an explicit host (the VS Code setting or `--host`) > an explicit context (`--context`) >
 * DOCKER_HOST > DOCKER_CONTEXT > CONTAINER_HOST / CONTAINER_CONNECTION (Podman's) >
 * `currentContext` in ~/.docker/config.json > the local Docker socket when it exists > Podman's
 * default connection > Podman's service socket (this user's, then root's) when it exists > the
 * local Docker socket (whose absence is then the error to report).
 * (The CLI lets `--context` beat DOCKER_HOST, and DOCKER_HOST beat DOCKER_CONTEXT; we do the same.)
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { DockerOptions } from 'dockerode';
import { CdbError } from '../errors';
import type { EngineKind } from './engineKind';
import { podmanDefault, podmanFromEnv, type PodmanHost, type PodmanLookup } from './podmanEndpoint';

export interface EngineEndpoint {
  kind: 'unix' | 'npipe' | 'tcp' | 'ssh';
  /** For people: e.g. "unix:///var/run/docker.sock (default)". */
  description: string;
  source: 'setting' | 'DOCKER_HOST' | 'context' | 'default' | 'CONTAINER_HOST' | 'podman';
  /** Ready for `new Dockerode(options)` (add `version` once negotiated). */
  options: DockerOptions;
  /**
   * The engine expected there, for messages before it answers: 'podman' when Podman's own
   * settings or sockets led here. connect() replaces it with the kind GET /version reports.
   */
  engine?: EngineKind;
  /** For kind 'ssh': where and how to log in (sshTransport.ts carries the API over it). */
  ssh?: SshTarget;
}

export interface SshTarget {
  host: string;
  port: number;
  /** As in the URL; else the local user name, as ssh does. */
  username?: string;
  /** SSH_AUTH_SOCK, when set: its keys are offered first. */
  agent?: string;
  /** A key file a Podman connection names; else ~/.ssh/id_ed25519, id_ecdsa, id_rsa, as ssh tries them. */
  identity?: string;
  /** The engine's socket on the far side; when absent, `docker system dial-stdio` runs there. */
  remoteSocket?: string;
  /** Where ~/.ssh is (known_hosts, default keys). */
  homeDir?: string;
}

export interface EndpointOptions {
  /** The `containerDb.dockerHost` setting or the `--host` flag; wins over everything. */
  dockerHost?: string;
  /** What to call `dockerHost` in messages. Default "containerDb.dockerHost". */
  dockerHostLabel?: string;
  /** The `--context` flag. */
  context?: string;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default os.homedir(); ~/.docker lives here unless DOCKER_CONFIG says otherwise. */
  homeDir?: string;
  /** For tests: the uid, the prefix of /etc, /usr/share and /run, and the probe for sockets. */
  podmanLookup?: Pick<PodmanLookup, 'uid' | 'systemRoot' | 'exists'>;
}

const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
const DEFAULT_NPIPE = '//./pipe/docker_engine';
const EXPECTED = 'expected unix:///path/to/docker.sock, tcp://host:port, ssh://user@host[:port] or npipe:////./pipe/name';

interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Verify the engine's certificate (DOCKER_TLS_VERIFY; a context's !SkipTLSVerify). */
  verify: boolean;
}

/** Where a host string came from: for `source`, the description and error messages. */
interface Origin {
  source: EngineEndpoint['source'];
  /** e.g. "DOCKER_HOST", "Docker context 'remote'" */
  label: string;
}

export function resolveEndpoint(opts: EndpointOptions = {}): EngineEndpoint {
  const endpoint = resolve(opts);
  // ssh reads known_hosts and default keys from the same home the Docker config came from.
  if (endpoint.ssh) endpoint.ssh.homeDir = opts.homeDir ?? os.homedir();
  return endpoint;
}

function resolve(opts: EndpointOptions): EngineEndpoint {
  const env = opts.env ?? process.env;
  const home = opts.homeDir ?? os.homedir();
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker');

  const setting = opts.dockerHost?.trim();
  if (setting) {
    const label = opts.dockerHostLabel ?? 'containerDb.dockerHost';
    return parseHost(setting, { source: 'setting', label }, () => envTls(env, configDir), env);
  }
  if (opts.context) return fromContext(opts.context, '--context', env, configDir);
  if (env.DOCKER_HOST) return parseHost(env.DOCKER_HOST, { source: 'DOCKER_HOST', label: 'DOCKER_HOST' }, () => envTls(env, configDir), env);
  if (env.DOCKER_CONTEXT) return fromContext(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT', env, configDir);
  const look: PodmanLookup = { env, homeDir: home, ...opts.podmanLookup };
  const podmanSet = podmanFromEnv(look);
  if (podmanSet) return fromPodman(podmanSet, env);
  const current = currentContext(configDir);
  if (current) return fromContext(current, path.join(configDir, 'config.json'), env, configDir);
  const fallback = defaultEndpoint();
  const exists = look.exists ?? fs.existsSync;
  if (fallback.kind !== 'unix' || exists(fallback.options.socketPath!)) return fallback;
  const podman = podmanDefault(look);
  return podman ? fromPodman(podman, env) : fallback;
}

function fromPodman(found: PodmanHost, env: NodeJS.ProcessEnv): EngineEndpoint {
  // Podman's TLS is not Docker's (it has none over tcp): no DOCKER_TLS_VERIFY material here.
  const endpoint = parseHost(found.host, { source: found.source, label: found.label }, () => undefined, env, found.identity);
  return { ...endpoint, engine: 'podman' };
}

function defaultEndpoint(): EngineEndpoint {
  if (process.platform === 'win32') {
    return pipeEndpoint(DEFAULT_NPIPE, { source: 'default', label: 'default' });
  }
  return unixEndpoint(DEFAULT_UNIX_SOCKET, { source: 'default', label: 'default' });
}

/**
 * docker-modem merges its own defaults, parsed from process.env.DOCKER_HOST / DOCKER_CERT_PATH,
 * under whatever options it is given. Every field it could take from there is set here, to
 * undefined where unused, so the endpoint we resolved is the endpoint used.
 */
function baseOptions(): DockerOptions {
  return {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: 'http',
    ca: undefined,
    cert: undefined,
    key: undefined,
    username: undefined,
    timeout: undefined,
  };
}

function unixEndpoint(socketPath: string, origin: Origin): EngineEndpoint {
  return {
    kind: 'unix',
    description: `unix://${socketPath} (${origin.label})`,
    source: origin.source,
    options: { ...baseOptions(), socketPath },
  };
}

function pipeEndpoint(pipePath: string, origin: Origin): EngineEndpoint {
  return {
    kind: 'npipe',
    description: `npipe://${pipePath} (${origin.label})`,
    source: origin.source,
    options: { ...baseOptions(), socketPath: pipePath },
  };
}

/** One host string in the syntax DOCKER_HOST uses. `tlsFor` is asked only for a TCP host. */
function parseHost(value: string, origin: Origin, tlsFor: () => TlsMaterial | undefined, env: NodeJS.ProcessEnv, identity?: string): EngineEndpoint {
  const bad = (why: string): CdbError =>
    new CdbError('ENGINE_CONFIG', `${origin.label} is set to '${value}', which ${why}: ${EXPECTED}.`);

  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || DEFAULT_UNIX_SOCKET;
    if (!socketPath.startsWith('/')) throw bad('is not an absolute socket path');
    return unixEndpoint(socketPath, origin);
  }
  if (value.startsWith('npipe://')) {
    return pipeEndpoint(value.slice('npipe://'.length) || DEFAULT_NPIPE, origin);
  }

  // Like the docker CLI, a bare "host:port" means TCP.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw bad('is not a valid address');
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw bad('names no host');
  const hasPath = Boolean(url.pathname && url.pathname !== '/');

  if (scheme === 'ssh') {
    const port = url.port ? Number(url.port) : 22;
    const username = decodeURIComponent(url.username) || undefined;
    // A path is the far side's engine socket, as Podman writes its connections
    // (ssh://me@box/run/user/1000/podman/podman.sock): forwarded instead of `docker system dial-stdio`.
    const remoteSocket = hasPath ? decodeURIComponent(url.pathname) : undefined;
    return {
      kind: 'ssh',
      description: `ssh://${username ? `${username}@` : ''}${hostname}${url.port ? `:${url.port}` : ''}${remoteSocket ?? ''} (${origin.label})`,
      source: origin.source,
      options: {
        ...baseOptions(),
        protocol: 'ssh',
        host: hostname,
        port,
        username,
        sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
      },
      ssh: { host: hostname, port, username, agent: env.SSH_AUTH_SOCK || undefined, identity, remoteSocket },
    };
  }
  if (hasPath) throw bad('has a path after the host');

  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') throw bad(`uses the unsupported scheme '${scheme}://'`);
  const tls = scheme === 'http' ? undefined : tlsFor();
  const useTls = scheme === 'https' || (scheme === 'tcp' && tls !== undefined);
  // The docker CLI's defaults: 2376 is the TLS port, 2375 the plain one.
  const port = url.port ? Number(url.port) : useTls ? 2376 : 2375;
  const options: DockerOptions & { agent?: https.Agent } = {
    ...baseOptions(),
    protocol: useTls ? 'https' : 'http',
    host: hostname,
    port,
  };
  if (useTls && tls) {
    options.ca = tls.ca;
    options.cert = tls.cert;
    options.key = tls.key;
    // docker-modem passes no rejectUnauthorized through, but it does pass an agent.
    if (!tls.verify) options.agent = new https.Agent({ rejectUnauthorized: false, ca: tls.ca, cert: tls.cert, key: tls.key });
  }
  const tlsNote = useTls ? (tls && !tls.verify ? ', TLS without verification' : ', TLS') : '';
  return {
    kind: 'tcp',
    description: `tcp://${url.hostname}:${port} (${origin.label}${tlsNote})`,
    source: origin.source,
    options,
  };
}

/**
 * DOCKER_TLS_VERIFY turns TLS on and verifies the engine; like the docker CLI, any non-empty value
 * counts. The certificates come from DOCKER_CERT_PATH, else the Docker config directory.
 */
function envTls(env: NodeJS.ProcessEnv, configDir: string): TlsMaterial | undefined {
  if (!env.DOCKER_TLS_VERIFY) return undefined;
  const dir = env.DOCKER_CERT_PATH || configDir;
  const what = env.DOCKER_CERT_PATH ? 'DOCKER_CERT_PATH' : 'the Docker config directory';
  const read = (file: string): Buffer => {
    try {
      return fs.readFileSync(path.join(dir, file));
    } catch {
      throw new CdbError(
        'ENGINE_CONFIG',
        `DOCKER_TLS_VERIFY is set but ${path.join(dir, file)} cannot be read: put ca.pem, cert.pem and key.pem in ${what} (${dir}), or unset DOCKER_TLS_VERIFY.`,
      );
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify: true };
}

function currentContext(configDir: string): string | undefined {
  const file = path.join(configDir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // no config file: the usual case on a fresh machine
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new CdbError('ENGINE_CONFIG', `${file} is not valid JSON: fix or remove it (the docker CLI cannot read it either).`);
  }
  const name = (config as { currentContext?: unknown } | null)?.currentContext;
  return typeof name === 'string' && name ? name : undefined;
}

/** The docker CLI stores a context under the SHA-256 of its name. */
export function contextDirName(name: string): string {
  return crypto.createHash('sha256').update(name).digest('hex');
}

function fromContext(name: string, from: string, env: NodeJS.ProcessEnv, configDir: string): EngineEndpoint {
  // "default" is not stored: it means DOCKER_HOST or the local socket.
  if (name === 'default') {
    if (env.DOCKER_HOST) return parseHost(env.DOCKER_HOST, { source: 'DOCKER_HOST', label: 'DOCKER_HOST' }, () => envTls(env, configDir), env);
    return defaultEndpoint();
  }
  const id = contextDirName(name);
  const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  let meta: unknown;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CdbError(
      'ENGINE_CONFIG',
      missing
        ? `Docker context '${name}' (from ${from}) does not exist (no ${metaFile}): run \`docker context ls\` and pick one that does.`
        : `Docker context '${name}' (from ${from}) cannot be read from ${metaFile}: recreate it with \`docker context create\`.`,
    );
  }
  const docker = (meta as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | null)?.Endpoints?.docker;
  if (!docker || typeof docker.Host !== 'string' || !docker.Host) {
    throw new CdbError('ENGINE_CONFIG', `Docker context '${name}' (from ${from}) has no Docker endpoint host in ${metaFile}: recreate it with \`docker context create --docker host=...\`.`);
  }
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  const readOptional = (file: string): Buffer | undefined => {
    try {
      return fs.readFileSync(path.join(tlsDir, file));
    } catch {
      return undefined;
    }
  };
  const ca = readOptional('ca.pem');
  const cert = readOptional('cert.pem');
  const key = readOptional('key.pem');
  const skip = docker.SkipTLSVerify === true;
  const tls = ca || cert || key || skip ? { ca, cert, key, verify: !skip } : undefined;
  return parseHost(docker.Host, { source: 'context', label: `Docker context '${name}'` }, () => tls, env);
}
