/**
 * The one stateful edge to the Docker engine: a dockerode client pinned to an API version both
 * sides speak, and the mapping of everything that can go wrong on the way into a CdbError.
 */
import * as http from 'http';
import * as https from 'https';
import type * as net from 'net';
import type Dockerode from 'dockerode';
import { CdbError, errorLine } from '../errors';
import { EndpointOptions, EngineEndpoint, resolveEndpoint } from './endpoint';
import { engineRequest } from './engineRequest';
import { sshAgent } from './sshTransport';
import { detectEngineKind, engineName, hostVariables, type EngineKind } from './engineKind';

export interface DockerConnection {
  docker: Dockerode;
  /** Where it is; its `engine` is the kind that answered, so engineError names it. */
  endpoint: EngineEndpoint;
  /** dockerd or Podman's compat service, from GET /version. */
  kind: EngineKind;
  /** Negotiated, e.g. "1.41". */
  apiVersion: string;
  /** The engine's own version, e.g. "20.10.24+dfsg1". */
  engineVersion: string;
}

export interface ConnectOptions extends EndpointOptions {
  /** The highest API version to use. Default: the highest we have tested against. */
  maxApiVersion?: string;
  /**
   * In ms, default 8000. Bounds two things: opening a TCP connection to the engine (on every
   * request: an unreachable host fails in seconds, not after the OS's two-minute connect timeout),
   * and the first GET /version in connect(). Later requests may take as long as the engine needs:
   * a busy engine can hold an inspect for many seconds while the container is starting.
   */
  timeoutMs?: number;
}

/** The highest Docker API version this tool has been tested against (docker.io 20.10). */
export const MAX_TESTED_API_VERSION = '1.41';
const DEFAULT_TIMEOUT_MS = 8000;

/**
 * Connect and negotiate the API version as the docker CLI does: ask GET /version without a version
 * prefix (every engine answers that), then use the lower of the engine's version and ours, never
 * below the oldest the engine still accepts.
 */
export async function connect(opts: ConnectOptions = {}): Promise<DockerConnection> {
  const resolved = resolveEndpoint(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socketPath = directSocketPath({ endpoint: resolved });

  const signal = AbortSignal.timeout(timeoutMs);
  let version: Dockerode.DockerVersion;
  try {
    if (socketPath) {
      version = (await engineRequest(socketPath, 'GET', '/version', signal)).json as Dockerode.DockerVersion;
    } else {
      const probe = makeClient(resolved, timeoutMs);
      // dockerode passes abortSignal through to the request; its types do not list it for version().
      const getVersion = probe.version.bind(probe) as unknown as (o: { abortSignal: AbortSignal }) => Promise<Dockerode.DockerVersion>;
      version = await getVersion({ abortSignal: signal });
    }
  } catch (err) {
    if (signal.aborted) {
      throw new CdbError(
        'ENGINE_UNREACHABLE',
        `The ${engineName(resolved.engine)} engine at ${resolved.description} did not answer within ${Math.round(timeoutMs / 100) / 10} s: check that it is running there, or set ${hostVariables(resolved.engine)}.`,
        { cause: err },
      );
    }
    throw engineError(err, resolved);
  }

  // From here on messages name the engine that answered, not the one the endpoint suggested.
  const kind = detectEngineKind(version as unknown as Parameters<typeof detectEngineKind>[0]);
  const endpoint: EngineEndpoint = { ...resolved, engine: kind };

  const apiVersion = negotiateApiVersion(version?.ApiVersion, version?.MinAPIVersion, opts.maxApiVersion ?? MAX_TESTED_API_VERSION);
  // The dockerode client is made (and dockerode loaded) when something first needs it: over a
  // local socket a pull does not (engineRequest.ts, archiveSocket.ts).
  let docker: Dockerode | undefined;
  return {
    get docker() {
      docker ??= makeClient(endpoint, timeoutMs, `v${apiVersion}`);
      return docker;
    },
    endpoint,
    kind,
    apiVersion,
    engineVersion: version?.Version ?? 'unknown',
  };
}

/** The socket path when this connection can take the direct route (a local unix socket), else undefined. */
export function directSocketPath(conn: Pick<DockerConnection, 'endpoint'>): string | undefined {
  const socketPath = (conn.endpoint.options as { socketPath?: unknown }).socketPath;
  return conn.endpoint.kind === 'unix' && typeof socketPath === 'string' ? socketPath : undefined;
}

/** min(engine, ours), raised to the engine's minimum; ours when the engine does not say. */
export function negotiateApiVersion(engineApi: string | undefined, engineMin: string | undefined, ours: string): string {
  let chosen = engineApi && compareVersions(engineApi, ours) < 0 ? engineApi : ours;
  if (engineMin && compareVersions(chosen, engineMin) < 0) chosen = engineMin;
  return chosen;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * dockerode (with ssh2 and its crypto) is loaded on the first connection, not at start: it is
 * most of the CLI bundle's start-up time (measured: `--version` 0.19 s with it, see the README),
 * and `diff` / `query` of host files never talk to an engine.
 */
function loadDockerode(): typeof Dockerode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('dockerode') as typeof Dockerode;
}

function makeClient(endpoint: EngineEndpoint, connectTimeoutMs: number, version?: string): Dockerode {
  const options: Dockerode.DockerOptions & { agent?: http.Agent } = { ...endpoint.options, version };
  if (endpoint.kind === 'tcp') options.agent = withConnectTimeout(tcpAgent(options), connectTimeoutMs);
  if (endpoint.kind === 'ssh' && endpoint.ssh) {
    // Plain HTTP over our ssh channels (sshTransport.ts), not docker-modem's own ssh agent.
    options.protocol = 'http';
    options.sshOptions = undefined;
    options.agent = sshAgent(endpoint.ssh, { timeoutMs: connectTimeoutMs, description: endpoint.description });
  }
  try {
    return new (loadDockerode())(options);
  } catch (err) {
    // docker-modem parses process.env.DOCKER_HOST / DOCKER_CERT_PATH in its constructor, even
    // when told where to connect, and throws when they are unusable.
    throw new CdbError('ENGINE_CONFIG', `Cannot set up a Docker client for ${endpoint.description}: ${errorLine(err)}. Check DOCKER_HOST and DOCKER_CERT_PATH.`, { cause: err });
  }
}

function tcpAgent(options: Dockerode.DockerOptions & { agent?: http.Agent }): http.Agent {
  if (options.agent) return options.agent;
  return options.protocol === 'https' ? new https.Agent({ ca: options.ca, cert: options.cert, key: options.key } as https.AgentOptions) : new http.Agent();
}

/**
 * docker-modem's own connectionTimeout runs until the response headers arrive, so it also kills
 * slow but healthy requests. This bounds only the TCP handshake, on every socket the agent opens.
 */
function withConnectTimeout(agent: http.Agent, ms: number): http.Agent {
  type CreateConnection = (options: object, callback?: (err: Error | null, socket: net.Socket) => void) => net.Socket;
  const a = agent as unknown as { createConnection: CreateConnection };
  const create = a.createConnection.bind(agent);
  a.createConnection = (options, callback) => {
    const socket = create(options, callback);
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`connect timed out after ${ms} ms`), { code: 'ETIMEDOUT' }));
    }, ms);
    const clear = (): void => clearTimeout(timer);
    socket.once('connect', clear);
    socket.once('close', clear);
    return socket;
  };
  return agent;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ABORT_ERR: 'request aborted',
};

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;

/**
 * Turn whatever an engine call threw into a CdbError that says what to do. Every module that
 * calls the engine passes its failures through here.
 */
export function engineError(err: unknown, endpoint: EngineEndpoint): CdbError {
  if (err instanceof CdbError) return err;
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; json?: unknown; message?: unknown; level?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const where = endpoint.description;
  const socket = endpoint.options.socketPath ?? where;
  const name = engineName(endpoint.engine);
  const hosts = hostVariables(endpoint.engine);
  const isSocket = endpoint.kind === 'unix' || endpoint.kind === 'npipe';

  if (typeof e.statusCode === 'number') {
    const msg = engineMessage(e.json, e.message);
    if (e.statusCode === 404 && /no such container/i.test(msg)) {
      return new CdbError('CONTAINER_NOT_FOUND', `${msg}: it may have been removed. Run \`container-db ls --all\` to see containers.`, { cause: err });
    }
    return new CdbError('ENGINE_ERROR', `The ${name} engine at ${where} answered HTTP ${e.statusCode}: ${msg}`, { cause: err });
  }
  if (isSocket && code === 'ENOENT') {
    return new CdbError(
      'ENGINE_SOCKET_MISSING',
      `${name} engine socket ${socket} does not exist: is ${name} running? Start it${endpoint.engine === 'podman' ? ' (`podman system service`)' : ''}, or set ${hosts}.`,
      { cause: err },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new CdbError(
      'ENGINE_PERMISSION',
      endpoint.engine === 'podman'
        ? `Permission denied opening the Podman socket ${socket}: that is root's service; use your own (\`systemctl --user start podman.socket\`, socket $XDG_RUNTIME_DIR/podman/podman.sock), or set ${hosts} to an engine you may use.`
        : `Permission denied opening the Docker engine socket ${socket}: add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again), or set ${hosts} to an engine you may use.`,
      { cause: err },
    );
  }
  if (TLS_CODES.test(code)) {
    return new CdbError(
      'ENGINE_CONFIG',
      `TLS with the ${name} engine at ${where} failed (${code}): check DOCKER_CERT_PATH / DOCKER_TLS_VERIFY or the context's certificates.`,
      { cause: err },
    );
  }
  if (endpoint.kind === 'ssh' && typeof e.level === 'string') {
    // ssh2 marks its own failures with a level: client-socket, client-timeout, client-authentication, ...
    return new CdbError('ENGINE_UNREACHABLE', `Cannot reach the ${name} engine at ${where} over ssh (${e.level}): ${errorLine(err)}. Check that \`ssh\` to that host works and ${name} runs there.`, { cause: err });
  }
  const why = UNREACHABLE[code] ?? (/socket hang up/i.test(String(e.message)) ? 'connection closed before an answer' : undefined);
  if (why && endpoint.kind === 'ssh') {
    // Our ssh transport names its own failures; what reaches here is the HTTP stream over it cut short.
    return new CdbError('ENGINE_UNREACHABLE', `Lost the ssh connection to the ${name} engine at ${where} (${why}): check the network and that host, then try again.`, { cause: err });
  }
  if (why) {
    return new CdbError('ENGINE_UNREACHABLE', `Cannot reach the ${name} engine at ${where}: ${why}. Is ${name} running there? Start it, or set ${hosts}.`, { cause: err });
  }
  return new CdbError('ENGINE_ERROR', `${name} engine call to ${where} failed: ${errorLine(err)}`, { cause: err });
}

/** The engine's own message (first line), e.g. "No such container: abc", from a docker-modem error. */
function engineMessage(json: unknown, fallback: unknown): string {
  const fromJson = json && typeof json === 'object' ? (json as { message?: unknown }).message : undefined;
  const raw = typeof fromJson === 'string' && fromJson ? fromJson : typeof json === 'string' && json ? json : String(fallback ?? 'unknown error');
  return raw.split('\n')[0].trim();
}
