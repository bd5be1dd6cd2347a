/**
 * A Docker engine that can be stopped and started again without touching the real one (other
 * suites share it): a listener on a unix socket or a loopback TCP port that forwards every
 * connection to the engine's own socket. To a client, stop() is the engine going away: open
 * connections are cut, and the address then refuses (TCP) or is gone (unix), exactly as when
 * dockerd exits. start() brings it back on the same address.
 *
 * A pull can be caught in the middle: after stallArchiveAfter(n), the answer to the next
 * `GET /containers/{id}/archive` is held once n bytes of it have been handed on, and `stalled`
 * resolves; the test then stops the proxy (the engine dies mid-pull) or removes the container.
 */
import * as fs from 'fs';
import * as net from 'net';

const ENGINE_SOCKET = '/var/run/docker.sock';

export type ProxyListen = { unix: string } | { tcp: true };

export class EngineProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;
  private stallAt: number | undefined;
  private onStall: (() => void) | undefined;
  /** Archive answers held by stallArchiveAfter, resumed by release(). */
  private readonly held: (() => void)[] = [];
  /** `GET …/archive?` requests seen so far: the content requests, whatever client sent them. */
  archiveGets = 0;
  /** The User-Agent of each of those requests, in order: which client sent it. */
  readonly archiveAgents: string[] = [];
  /** Every request seen so far: a client that switched to this engine has sent some. */
  requests = 0;

  private constructor(private readonly listen: ProxyListen) {}

  static async start(listen: ProxyListen): Promise<EngineProxy> {
    const proxy = new EngineProxy(listen);
    await proxy.start();
    return proxy;
  }

  /** The DOCKER_HOST value that reaches the engine through this proxy. */
  get dockerHost(): string {
    return 'unix' in this.listen ? `unix://${this.listen.unix}` : `tcp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.forward(client));
    if ('unix' in this.listen) {
      fs.rmSync(this.listen.unix, { force: true });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen((this.listen as { unix: string }).unix, resolve));
    } else {
      // The same port again after a stop, as a restarted engine keeps its address.
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
      this.port = (server.address() as net.AddressInfo).port;
    }
    this.server = server;
  }

  /** The engine goes away: every open connection is cut, and the address no longer answers. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.held.splice(0);
    await closed;
    if ('unix' in this.listen) fs.rmSync(this.listen.unix, { force: true });
  }

  /** Holds the next archive answer after `bytes` of it; resolves when it is held. */
  stallArchiveAfter(bytes: number): Promise<void> {
    this.stallAt = bytes;
    return new Promise<void>((resolve) => (this.onStall = resolve));
  }

  /** Lets held archive answers go on. */
  release(): void {
    for (const resume of this.held.splice(0)) resume();
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(ENGINE_SOCKET);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    let archive = false;
    let sent = 0;
    client.on('data', (b: Buffer) => {
      // A connection can be kept alive and carry several requests, one after the other (dockerode
      // does not pipeline): each new request line starts the count again.
      const line = b.toString('latin1', 0, 200);
      if (/^(GET|HEAD|POST|PUT|DELETE) \//.test(line)) {
        this.requests++;
        archive = /^GET \/[^ ]*\/archive\?/.test(line);
        if (archive) {
          this.archiveGets++;
          this.archiveAgents.push(/\r\nUser-Agent: ([^\r]*)/i.exec(b.toString('latin1'))?.[1] ?? '');
        }
        sent = 0;
      }
      upstream.write(b);
    });
    upstream.on('data', (b: Buffer) => {
      const limit = this.stallAt;
      if (!archive || limit === undefined || sent + b.length <= limit) {
        sent += b.length;
        client.write(b);
        return;
      }
      this.stallAt = undefined; // one answer only: the next pull goes through
      const head = Math.max(0, limit - sent);
      client.write(b.subarray(0, head));
      sent += head;
      upstream.pause();
      const rest = b.subarray(head);
      this.held.push(() => {
        client.write(rest);
        upstream.resume();
      });
      const stalled = this.onStall;
      this.onStall = undefined;
      stalled?.();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.end());
  }
}
