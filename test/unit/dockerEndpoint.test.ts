/**
 * resolveEndpoint against temporary HOME / DOCKER_CONFIG directories. Contexts are written by the
 * real `docker context create` (a client-only command), so the files we read are the CLI's own.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCdbError } from '../../src/core/errors';
import { resolveEndpoint } from '../../src/core/docker';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-b-endpoint-'));
}

let pemSource: string | undefined;

/** A self-signed certificate and key (which `docker context create` insists on), made once, copied to `dir`. */
function writeCerts(dir: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  if (!pemSource) {
    pemSource = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(pemSource, 'key.pem'), '-out', path.join(pemSource, 'cert.pem'), '-days', '1', '-subj', '/CN=cdbt'], { stdio: 'ignore' });
    fs.copyFileSync(path.join(pemSource, 'cert.pem'), path.join(pemSource, 'ca.pem'));
  }
  fs.mkdirSync(dir, { recursive: true });
  const read = (f: string): Buffer => {
    fs.copyFileSync(path.join(pemSource as string, f), path.join(dir, f));
    return fs.readFileSync(path.join(dir, f));
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** `docker context create/use` with the config directory under `home`. */
function dockerCli(home: string, args: string[]): void {
  execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: path.join(home, '.docker'), DOCKER_HOST: '', DOCKER_CONTEXT: '' }, stdio: 'ignore' });
}

function expectConfigError(fn: () => unknown, ...mustMention: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isCdbError(err, 'ENGINE_CONFIG'), `expected ENGINE_CONFIG, got ${String(err)}`);
    for (const re of mustMention) assert.match(err.message, re);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

describe('resolveEndpoint', () => {
  let home: string;
  const dirs: string[] = [];
  beforeEach(() => {
    home = tempDir();
    dirs.push(home);
  });
  after(() => {
    for (const d of [...dirs, pemSource ?? '']) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('without any configuration', () => {
    it('uses the local socket', () => {
      const e = resolveEndpoint({ env: {}, homeDir: home });
      assert.equal(e.kind, 'unix');
      assert.equal(e.source, 'default');
      assert.equal(e.options.socketPath, '/var/run/docker.sock');
      assert.equal(e.description, 'unix:///var/run/docker.sock (default)');
    });

    it('clears every option docker-modem would otherwise take from process.env', () => {
      const e = resolveEndpoint({ env: {}, homeDir: home });
      for (const key of ['host', 'port', 'ca', 'cert', 'key'] as const) {
        assert.ok(key in e.options && e.options[key] === undefined, `${key} must be present and undefined`);
      }
      assert.equal(e.options.protocol, 'http');
    });
  });

  describe('DOCKER_HOST', () => {
    it('unix:// names a socket', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/other.sock' }, homeDir: home });
      assert.deepEqual([e.kind, e.source, e.options.socketPath], ['unix', 'DOCKER_HOST', '/tmp/other.sock']);
      assert.equal(e.description, 'unix:///tmp/other.sock (DOCKER_HOST)');
    });

    it('tcp:// without TLS defaults to port 2375 over http', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://10.0.0.5' }, homeDir: home });
      assert.deepEqual([e.kind, e.options.host, e.options.port, e.options.protocol], ['tcp', '10.0.0.5', 2375, 'http']);
      assert.equal(e.options.socketPath, undefined);
    });

    it('tcp:// keeps an explicit port', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:12375' }, homeDir: home });
      assert.deepEqual([e.options.host, e.options.port], ['127.0.0.1', 12375]);
      assert.equal(e.description, 'tcp://127.0.0.1:12375 (DOCKER_HOST)');
    });

    it('a bare host:port means TCP, as in the docker CLI', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'localhost:2375' }, homeDir: home });
      assert.deepEqual([e.kind, e.options.host, e.options.port], ['tcp', 'localhost', 2375]);
    });

    it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH: https on 2376 with ca, cert and key', () => {
      const certDir = path.join(home, 'certs');
      const pem = writeCerts(certDir);
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir }, homeDir: home });
      assert.deepEqual([e.options.protocol, e.options.port], ['https', 2376]);
      assert.deepEqual([e.options.ca, e.options.cert, e.options.key], [pem.ca, pem.cert, pem.key]);
      assert.match(e.description, /TLS/);
    });

    it('DOCKER_TLS_VERIFY without DOCKER_CERT_PATH reads the certificates from ~/.docker', () => {
      const pem = writeCerts(path.join(home, '.docker'));
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://engine.example:2376', DOCKER_TLS_VERIFY: '1' }, homeDir: home });
      assert.deepEqual(e.options.cert, pem.cert);
    });

    it('DOCKER_TLS_VERIFY with missing certificates is a configuration error naming DOCKER_CERT_PATH', () => {
      const missing = path.join(home, 'nowhere');
      expectConfigError(
        () => resolveEndpoint({ env: { DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: missing }, homeDir: home }),
        /DOCKER_CERT_PATH/,
        /ca\.pem/,
      );
    });

    it('DOCKER_TLS_VERIFY does not matter for a unix socket', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/x.sock', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' }, homeDir: home });
      assert.equal(e.options.protocol, 'http');
    });

    it('ssh://user@host:port builds ssh options with the agent from SSH_AUTH_SOCK', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'ssh://deploy@build.example:2222', SSH_AUTH_SOCK: '/tmp/agent.sock' }, homeDir: home });
      assert.deepEqual([e.kind, e.options.protocol, e.options.host, e.options.port, e.options.username], ['ssh', 'ssh', 'build.example', 2222, 'deploy']);
      assert.deepEqual(e.options.sshOptions, { agent: '/tmp/agent.sock' });
      assert.equal(e.description, 'ssh://deploy@build.example:2222 (DOCKER_HOST)');
    });

    it('ssh:// defaults to port 22', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'ssh://deploy@build.example' }, homeDir: home });
      assert.equal(e.options.port, 22);
    });

    it('npipe:// names a Windows pipe', () => {
      const e = resolveEndpoint({ env: { DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, homeDir: home });
      assert.deepEqual([e.kind, e.options.socketPath], ['npipe', '//./pipe/docker_engine']);
    });

    for (const [value, why] of [
      ['ftp://engine.example', /unsupported scheme 'ftp:\/\/'/],
      ['unix://relative/docker.sock', /not an absolute socket path/],
      ['tcp://engine.example:99999', /not a valid address/],
      ['tcp://engine.example/some/path', /path after the host/],
    ] as const) {
      it(`rejects ${value} naming DOCKER_HOST and what is expected`, () => {
        expectConfigError(() => resolveEndpoint({ env: { DOCKER_HOST: value }, homeDir: home }), /^DOCKER_HOST is set to/, why, /expected unix:\/\//);
      });
    }
  });

  describe('the explicit host (setting / --host)', () => {
    it('wins over DOCKER_HOST and contexts', () => {
      dockerCli(home, ['context', 'create', 'remote', '--docker', 'host=tcp://10.9.9.9:2375']);
      dockerCli(home, ['context', 'use', 'remote']);
      const e = resolveEndpoint({ dockerHost: 'unix:///tmp/mine.sock', env: { DOCKER_HOST: 'tcp://1.2.3.4', DOCKER_CONTEXT: 'remote' }, homeDir: home });
      assert.deepEqual([e.source, e.options.socketPath], ['setting', '/tmp/mine.sock']);
      assert.equal(e.description, 'unix:///tmp/mine.sock (containerDb.dockerHost)');
    });

    it('is named by its label in errors', () => {
      expectConfigError(() => resolveEndpoint({ dockerHost: 'bogus://x', dockerHostLabel: '--host', env: {}, homeDir: home }), /^--host is set to 'bogus:\/\/x'/);
    });
  });

  describe('contexts', () => {
    it('follows currentContext in config.json to the context the docker CLI wrote, with its TLS material', () => {
      const pem = writeCerts(path.join(home, 'pem'));
      const p = (f: string): string => path.join(home, 'pem', f);
      dockerCli(home, ['context', 'create', 'remote', '--docker', `host=tcp://10.1.2.3:2376,ca=${p('ca.pem')},cert=${p('cert.pem')},key=${p('key.pem')}`]);
      dockerCli(home, ['context', 'use', 'remote']);
      const e = resolveEndpoint({ env: {}, homeDir: home });
      assert.deepEqual([e.kind, e.source, e.options.host, e.options.port, e.options.protocol], ['tcp', 'context', '10.1.2.3', 2376, 'https']);
      assert.deepEqual([e.options.ca, e.options.cert, e.options.key], [pem.ca, pem.cert, pem.key]);
      assert.equal(e.description, "tcp://10.1.2.3:2376 (Docker context 'remote', TLS)");
    });

    it('stores a context under the SHA-256 of its name', () => {
      dockerCli(home, ['context', 'create', 'named', '--docker', 'host=tcp://10.1.2.3:2375']);
      const sha = crypto.createHash('sha256').update('named').digest('hex');
      assert.ok(fs.existsSync(path.join(home, '.docker', 'contexts', 'meta', sha, 'meta.json')));
      assert.equal(resolveEndpoint({ context: 'named', env: {}, homeDir: home }).options.host, '10.1.2.3');
    });

    it('SkipTLSVerify gives https with an agent that does not verify', () => {
      dockerCli(home, ['context', 'create', 'insecure', '--docker', 'host=tcp://10.1.2.4:2376,skip-tls-verify=true']);
      const e = resolveEndpoint({ env: { DOCKER_CONTEXT: 'insecure' }, homeDir: home });
      assert.equal(e.options.protocol, 'https');
      const agent = (e.options as { agent?: { options: { rejectUnauthorized?: boolean } } }).agent;
      assert.equal(agent?.options.rejectUnauthorized, false);
      assert.match(e.description, /without verification/);
    });

    it('an ssh context', () => {
      dockerCli(home, ['context', 'create', 'box', '--docker', 'host=ssh://me@box.example:2200']);
      const e = resolveEndpoint({ env: { DOCKER_CONTEXT: 'box' }, homeDir: home });
      assert.deepEqual([e.kind, e.options.username, e.options.host, e.options.port], ['ssh', 'me', 'box.example', 2200]);
    });

    it('precedence: --context > DOCKER_HOST > DOCKER_CONTEXT > currentContext', () => {
      dockerCli(home, ['context', 'create', 'ctx-a', '--docker', 'host=tcp://10.0.0.1:2375']);
      dockerCli(home, ['context', 'create', 'ctx-b', '--docker', 'host=tcp://10.0.0.2:2375']);
      dockerCli(home, ['context', 'create', 'ctx-c', '--docker', 'host=tcp://10.0.0.3:2375']);
      dockerCli(home, ['context', 'use', 'ctx-c']);
      const host = (o: Parameters<typeof resolveEndpoint>[0]): unknown => resolveEndpoint({ homeDir: home, ...o }).options.host;
      assert.equal(host({ env: {} }), '10.0.0.3');
      assert.equal(host({ env: { DOCKER_CONTEXT: 'ctx-b' } }), '10.0.0.2');
      assert.equal(host({ env: { DOCKER_CONTEXT: 'ctx-b', DOCKER_HOST: 'tcp://10.0.0.9' } }), '10.0.0.9');
      assert.equal(host({ context: 'ctx-a', env: { DOCKER_CONTEXT: 'ctx-b', DOCKER_HOST: 'tcp://10.0.0.9' } }), '10.0.0.1');
    });

    it('the "default" context means DOCKER_HOST or the local socket', () => {
      dockerCli(home, ['context', 'create', 'ctx-c', '--docker', 'host=tcp://10.0.0.3:2375']);
      dockerCli(home, ['context', 'use', 'ctx-c']);
      assert.equal(resolveEndpoint({ context: 'default', env: {}, homeDir: home }).options.socketPath, '/var/run/docker.sock');
      assert.equal(resolveEndpoint({ env: { DOCKER_CONTEXT: 'default' }, homeDir: home }).source, 'default');
    });

    it('DOCKER_CONFIG moves the whole configuration directory', () => {
      const other = tempDir();
      dirs.push(other);
      execFileSync('docker', ['context', 'create', 'elsewhere', '--docker', 'host=tcp://10.7.7.7:2375'], { env: { ...process.env, DOCKER_CONFIG: other }, stdio: 'ignore' });
      const e = resolveEndpoint({ env: { DOCKER_CONFIG: other, DOCKER_CONTEXT: 'elsewhere' }, homeDir: home });
      assert.equal(e.options.host, '10.7.7.7');
    });

    it('a context that does not exist is a configuration error naming where it came from', () => {
      expectConfigError(() => resolveEndpoint({ env: { DOCKER_CONTEXT: 'ghost' }, homeDir: home }), /'ghost'/, /DOCKER_CONTEXT/, /docker context ls/);
    });

    it('a context without a docker host is a configuration error', () => {
      const sha = crypto.createHash('sha256').update('empty').digest('hex');
      const dir = path.join(home, '.docker', 'contexts', 'meta', sha);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: 'empty', Metadata: {}, Endpoints: {} }));
      expectConfigError(() => resolveEndpoint({ context: 'empty', env: {}, homeDir: home }), /no Docker endpoint host/, /--context/);
    });

    it('a config.json that is not JSON is a configuration error', () => {
      fs.mkdirSync(path.join(home, '.docker'));
      fs.writeFileSync(path.join(home, '.docker', 'config.json'), '{ not json');
      expectConfigError(() => resolveEndpoint({ env: {}, homeDir: home }), /config\.json is not valid JSON/);
    });
  });
});
