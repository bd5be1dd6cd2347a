/**
 * The engine's API over ssh, as `docker -H ssh://` carries it: each HTTP connection is a channel
 * running `docker system dial-stdio` on the far side (or, for a URL with a socket path, as Podman
 * writes its connections, a channel forwarded to that socket). One ssh session serves every
 * request; it closes itself when idle.
 *
 * Why our own and not docker-modem's (lib/ssh.js): that one accepts any host key, opens a new ssh
 * session per request, offers only SSH_AUTH_SOCK's keys, and turns "no docker over there" into a
 * bare "socket hang up". Here every failure a person can meet ends in one CdbError line, and every
 * wait is bounded (connect + handshake by the connect timeout, a dead peer by keepalives).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Duplex } from 'stream';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { CdbError, errorLine } from '../errors';
import type { SshTarget } from './endpoint';
import { checkHostKey, fingerprint, knownHostsFiles, knownHostsName } from './knownHosts';

export interface SshAgentOptions {
  /** Bounds the TCP connect and the ssh handshake. */
  timeoutMs: number;
  /** For messages: "ssh://root@127.0.0.1:2222 (DOCKER_HOST)". */
  description: string;
}

/** A dead peer is noticed after interval × count without an answer. */
const KEEPALIVE_MS = 5000;
const KEEPALIVE_COUNT = 3;
/**
 * An idle session is closed after this; the next request opens another. Short, because ssh2's
 * keepalive timer holds a CLI process open until then; the extension always has its event stream
 * open, so its session never idles.
 */
const IDLE_MS = 250;

/** ssh2 is loaded with the first ssh endpoint only (dist/ssh2.js, shared with dockerode's bundle). */
function loadSsh2(): typeof import('ssh2') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('ssh2') as typeof import('ssh2');
}

const agents = new WeakMap<SshTarget, http.Agent>();

/**
 * An http.Agent whose connections are ssh channels to the engine behind `target`; one per target,
 * so that connect()'s version probe and the client after it share one ssh session.
 */
export function sshAgent(target: SshTarget, opts: SshAgentOptions): http.Agent {
  const known = agents.get(target);
  if (known) return known;
  const agent = new http.Agent({ keepAlive: false });
  agents.set(target, agent);
  const session = new SshSession(target, opts);
  (agent as unknown as { createConnection: unknown }).createConnection = (_o: object, callback: (err: Error | null, socket?: Duplex) => void) => {
    session.channel().then(
      (socket) => callback(null, socket),
      (err: Error) => callback(err),
    );
    return undefined;
  };
  return agent;
}

class SshSession {
  private ready: Promise<Client> | undefined;
  private open = 0;
  private idle: NodeJS.Timeout | undefined;
  private tcp: net.Socket | undefined;
  private readonly user: string;
  private readonly where: string;

  constructor(
    private readonly target: SshTarget,
    private readonly opts: SshAgentOptions,
  ) {
    this.user = target.username || process.env.USER || safeUserName();
    this.where = `${this.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`;
  }

  /** One channel carrying one HTTP connection. */
  async channel(): Promise<Duplex> {
    const client = await (this.ready ??= this.connect());
    this.open++;
    this.tcp?.ref();
    if (this.idle) clearTimeout(this.idle);
    try {
      const ch = await new Promise<ClientChannel>((resolve, reject) => {
        const done = (err: Error | undefined, c: ClientChannel): void => (err ? reject(this.lost(err)) : resolve(c));
        if (this.target.remoteSocket) client.openssh_forwardOutStreamLocal(this.target.remoteSocket, done);
        else client.exec('docker system dial-stdio', done);
      });
      return this.wrap(ch);
    } catch (err) {
      this.release();
      throw err;
    }
  }

  private release(): void {
    this.open = Math.max(0, this.open - 1);
    if (this.open > 0) return;
    // Nothing open: let a CLI exit, and close the session unless another request comes soon.
    this.tcp?.unref();
    this.idle = setTimeout(() => this.close(), IDLE_MS);
    this.idle.unref();
  }

  private close(): void {
    const ready = this.ready;
    this.ready = undefined;
    void ready?.then((c) => c.end(), () => undefined);
  }

  private connect(): Promise<Client> {
    const { Client: SshClient } = loadSsh2();
    const { host, port } = this.target;
    const keys = this.keys();
    if (keys.length === 0 && !this.target.agent) {
      return Promise.reject(
        new CdbError('ENGINE_CONFIG', `No ssh key to log in to ${this.where} with: start ssh-agent and \`ssh-add\` your key, or create ~/.ssh/id_ed25519 (an unencrypted key file; encrypted ones need the agent).`),
      );
    }
    return new Promise<Client>((resolve, reject) => {
      const client = new SshClient();
      let hostKeyProblem: CdbError | undefined;
      let settled = false;
      const fail = (err: CdbError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.ready = undefined;
        client.end();
        tcp.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new CdbError('ENGINE_UNREACHABLE', `ssh to ${this.where} did not complete within ${Math.round(this.opts.timeoutMs / 100) / 10} s: check the host and port, and that \`ssh -p ${port} ${this.user}@${host}\` works.`)),
        this.opts.timeoutMs,
      );
      // Our own TCP socket: its connect is bounded by the timer above, and it can be unref'd while idle.
      const tcp = net.connect({ host, port });
      this.tcp = tcp;
      tcp.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host name not found' : errorLine(err);
        fail(new CdbError('ENGINE_UNREACHABLE', `Cannot reach ${knownHostsName(host, port)} over ssh (${why}): check the host and port in ${this.opts.description}.`, { cause: err }));
      });
      const authHandler = [
        ...(this.target.agent ? [{ type: 'agent' as const, username: this.user, agent: this.target.agent }] : []),
        ...keys.map((k) => ({ type: 'publickey' as const, username: this.user, key: k.key })),
      ];
      const config: ConnectConfig = {
        sock: tcp,
        username: this.user,
        authHandler: authHandler as ConnectConfig['authHandler'],
        keepaliveInterval: KEEPALIVE_MS,
        keepaliveCountMax: KEEPALIVE_COUNT,
        readyTimeout: this.opts.timeoutMs,
        hostVerifier: (key: Buffer) => {
          const verdict = checkHostKey(host, port, key, knownHostsFiles(this.target.homeDir ?? os.homedir()));
          if (verdict.ok) return true;
          hostKeyProblem = hostKeyError(verdict.reason, host, port, this.user, key);
          return false;
        },
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (hostKeyProblem) return fail(hostKeyProblem);
        if (err.level === 'client-authentication') {
          const tried = [...(this.target.agent ? ['ssh-agent'] : []), ...keys.map((k) => k.file)].join(', ');
          return fail(new CdbError('ENGINE_CONFIG', `${this.where} refused our ssh keys (tried ${tried}): add your public key to that user's ~/.ssh/authorized_keys, or load the right key with \`ssh-add\`.`, { cause: err }));
        }
        if (!settled) return fail(new CdbError('ENGINE_UNREACHABLE', `ssh to ${this.where} failed: ${errorLine(err)}. Check that \`ssh -p ${port} ${this.user}@${host}\` works.`, { cause: err }));
        this.ready = undefined; // a session that broke after it was up: the next request opens another
      });
      client.on('close', () => {
        if (!settled) fail(new CdbError('ENGINE_UNREACHABLE', `${this.where} closed the ssh connection during the handshake: check its sshd log.`));
        this.ready = undefined;
      });
      client.connect(config);
    });
  }

  /** The identity a Podman connection names, else the files ssh tries by default; unreadable and encrypted ones are skipped. */
  private keys(): Array<{ file: string; key: Buffer }> {
    const home = this.target.homeDir ?? os.homedir();
    const files = this.target.identity ? [this.target.identity] : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(home, '.ssh', f));
    const { utils } = loadSsh2();
    const out: Array<{ file: string; key: Buffer }> = [];
    for (const file of files) {
      let key: Buffer;
      try {
        key = fs.readFileSync(file);
      } catch {
        continue;
      }
      if (utils.parseKey(key) instanceof Error) continue; // encrypted, or not a key: the agent can still offer it
      out.push({ file: file.startsWith(home + path.sep) ? `~/${path.relative(home, file)}` : file, key });
    }
    return out;
  }

  /**
   * The channel behind a Duplex of our own, so that its end can be judged once ssh says how the
   * far side ended: `dial-stdio` that exits non-zero (no docker there, engine down) or a session
   * that drops mid-answer becomes an error with a line for a person, not a silent short stream.
   */
  private wrap(ch: ClientChannel): Duplex {
    let stderr = '';
    let exit: { code?: number | null; signal?: string } | undefined;
    let sawData = false;
    let finished = false;
    const socket = new Duplex({
      read() {
        ch.resume();
      },
      write(chunk: Buffer, _enc, cb) {
        ch.write(chunk, cb);
      },
      final(cb) {
        ch.end();
        cb();
      },
      destroy: (err, cb) => {
        finished = true;
        ch.close();
        cb(err);
      },
    });
    // net.Socket methods http may call on its socket.
    Object.assign(socket, { setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket, ref: () => socket, unref: () => socket });
    ch.on('data', (d: Buffer) => {
      sawData = true;
      if (!socket.push(d)) ch.pause();
    });
    ch.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2000)));
    ch.on('exit', (code: number | null, signal?: string) => (exit = { code, signal }));
    ch.on('close', () => {
      this.release();
      if (finished) return;
      finished = true;
      const failed = exit === undefined ? !this.target.remoteSocket : (exit.code ?? 1) !== 0;
      if (!failed) {
        socket.push(null);
        return;
      }
      socket.destroy(this.channelError(exit, stderr, sawData));
    });
    return socket;
  }

  private channelError(exit: { code?: number | null; signal?: string } | undefined, stderr: string, sawData: boolean): CdbError {
    const said = stderr.trim().split('\n').filter(Boolean).pop();
    if (!exit) {
      return new CdbError('ENGINE_UNREACHABLE', `Lost the ssh connection to ${this.where}${sawData ? ' in the middle of an answer' : ''}: check the network and that host, then try again.`);
    }
    if (!sawData && (exit.code === 127 || /not found|unknown command|is not a docker command/i.test(said ?? ''))) {
      return new CdbError('ENGINE_UNREACHABLE', `\`docker system dial-stdio\` does not run on ${this.where}${said ? ` (${said})` : ''}: install the docker CLI there, on the PATH of that user's non-interactive shell.`);
    }
    return new CdbError('ENGINE_UNREACHABLE', `\`docker system dial-stdio\` on ${this.where} ended (exit ${exit.code ?? exit.signal})${said ? `: ${said}` : ''}. Check that Docker runs there and that user may use it.`);
  }

  /** A channel could not be opened on a session that was up: usually the session just died. */
  private lost(err: Error): CdbError {
    this.ready = undefined;
    return new CdbError('ENGINE_UNREACHABLE', `Lost the ssh connection to ${this.where} (${errorLine(err)}): try again.`, { cause: err });
  }
}

function hostKeyError(reason: 'unknown' | 'changed' | 'revoked', host: string, port: number, user: string, key: Buffer): CdbError {
  const fp = fingerprint(key);
  const sshCmd = `ssh${port === 22 ? '' : ` -p ${port}`} ${user}@${host}`;
  if (reason === 'unknown') {
    return new CdbError('ENGINE_CONFIG', `The ssh host key of ${knownHostsName(host, port)} is not known (${fp.type} ${fp.sha256}, not in ~/.ssh/known_hosts): run \`${sshCmd}\` once, check that fingerprint and accept it, then try again.`);
  }
  if (reason === 'revoked') {
    return new CdbError('ENGINE_CONFIG', `The ssh host key of ${knownHostsName(host, port)} (${fp.sha256}) is marked @revoked in known_hosts: refusing to connect. Ask that host's administrator.`);
  }
  return new CdbError('ENGINE_CONFIG', `The ssh host key of ${knownHostsName(host, port)} has CHANGED (now ${fp.type} ${fp.sha256}): it may be an attack. If the host was reinstalled, remove the old key with \`ssh-keygen -R '${knownHostsName(host, port)}'\` and accept the new one with \`${sshCmd}\`.`);
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'root';
  }
}
