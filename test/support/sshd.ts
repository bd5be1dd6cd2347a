/**
 * A real OpenSSH server on loopback for the ssh tests, owned by the test that starts it: its own
 * host key, client keys and config in a temp directory, listening on 127.0.0.1 only, on a free
 * high port; stopped (and its directory removed) by `stop()`. Debian's openssh-server provides
 * /usr/sbin/sshd (.ci/setup.sh installs it and starts nothing).
 *
 * Keys made here:
 * - `home/.ssh/id_ed25519`: authorized, logs in as root with the normal environment (docker on PATH);
 * - `nodocker/.ssh/id_ed25519`: authorized with a forced command that runs the requested command
 *   with PATH=/nonexistent, as for a user whose far side has no docker;
 * - `stranger/.ssh/id_ed25519`: not authorized.
 * Each of those homes has a known_hosts holding the server's key, except `unknownhost/`, whose
 * known_hosts is empty, and `changedhost/`, whose known_hosts holds another key for this host.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  dir: string;
  /** HOME directories for the cases above. */
  homes: Record<'ok' | 'nodocker' | 'stranger' | 'unknownhost' | 'changedhost', string>;
  /** The PIDs of the per-connection sshd processes now serving sessions (to cut one mid-transfer). */
  sessionPids(): number[];
  stop(): Promise<void>;
}

/** Why sshd cannot run here, or undefined when it can. */
export function sshdSkipReason(): string | undefined {
  if (!fs.existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server; .ci/setup.sh does)`;
  if (process.getuid?.() !== 0) return 'sshd must run as root to log users in';
  return undefined;
}

export async function startSshd(): Promise<Sshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdbt-e12-sshd-'));
  const keygen = (file: string): string => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cdbt', '-f', file]);
    return fs.readFileSync(`${file}.pub`, 'utf8').trim();
  };
  const hostPub = keygen(path.join(dir, 'host_key'));
  const otherHostPub = keygen(path.join(dir, 'other_host_key'));
  const homes = {} as Sshd['homes'];
  const pubs: Record<string, string> = {};
  for (const name of ['ok', 'nodocker', 'stranger', 'unknownhost', 'changedhost'] as const) {
    const home = path.join(dir, name);
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    pubs[name] = keygen(path.join(home, '.ssh', 'id_ed25519'));
    homes[name] = home;
  }
  const port = await freePort();
  const hostEntry = (pub: string): string => `[127.0.0.1]:${port} ${pub.split(' ').slice(0, 2).join(' ')}\n`;
  for (const name of ['ok', 'nodocker', 'stranger'] as const) fs.writeFileSync(path.join(homes[name], '.ssh', 'known_hosts'), hostEntry(hostPub));
  fs.writeFileSync(path.join(homes.unknownhost, '.ssh', 'known_hosts'), '');
  fs.writeFileSync(path.join(homes.changedhost, '.ssh', 'known_hosts'), hostEntry(otherHostPub));
  const authorized = [
    pubs.ok,
    pubs.unknownhost,
    pubs.changedhost,
    `command="exec env PATH=/nonexistent /bin/sh -c \\"$SSH_ORIGINAL_COMMAND\\"" ${pubs.nodocker}`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'authorized_keys'), `${authorized}\n`, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  fs.mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory sshd insists on
  // -D: stays in the foreground as our child, so stop() ends exactly this server.
  const child: ChildProcess = spawn(SSHD, ['-D', '-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')], { stdio: 'ignore' });
  await waitForPort(port, child, dir);
  return {
    port,
    dir,
    homes,
    sessionPids: () => {
      try {
        return execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, dir: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${readOr(path.join(dir, 'sshd.log'))}`);
    const open = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${readOr(path.join(dir, 'sshd.log'))}`);
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}
