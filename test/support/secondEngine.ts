/**
 * A second, real container engine for the tests of several engines in one view (issue 12 part 3):
 * Podman's Docker-compatible service at unix:///run/podman/podman.sock. When it does not answer
 * and the `podman` binary is there, its service is started for this process (and stopped by
 * `stopPodmanService`, only if we started it).
 *
 * The fixture image is the Docker fixture's root file system (dockerFixtures.ts builds it),
 * exported from a created Docker container and `podman import`ed with the same WORKDIR and CMD.
 * Containers are *created*, not started: `podman run` fails in some sandboxes with "error setting
 * rlimits"; a created container is listed (with `all`) and its files read through the archive API
 * all the same. The database goes in with `podman cp`, which works on a created container.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { docker, engineCli, ensureFixtureImage, OPENWEBUI_DATA_DIR, OPENWEBUI_WORKDIR, type RunResult } from './dockerFixtures';
import { PODMAN, PODMAN_SOCKET } from './fixtureEngines';

export { PODMAN_SOCKET };
export const PODMAN_HOST = `unix://${PODMAN_SOCKET}`;
/** Ours alone, so that nothing of another suite's (or another engineer's) Podman images is touched. */
export const PODMAN_FIXTURE_IMAGE = 'localhost/cdb12v-fixture:test';

let service: ChildProcess | undefined;

/** Run the podman CLI; as docker() in dockerFixtures.ts. */
export function podman(args: string[], opts: { input?: Buffer | string; check?: boolean } = {}): Promise<RunResult> {
  return engineCli(PODMAN, args, opts);
}

/** True when the socket answers `GET /_ping` with OK. */
export function pingSocket(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Podman's service answering at PODMAN_SOCKET, started here if needed. Resolves with why not
 * (a line for `this.skip()`), or undefined when it answers.
 */
export async function ensurePodmanService(): Promise<string | undefined> {
  if (await pingSocket(PODMAN_SOCKET)) return undefined;
  const which = await new Promise<boolean>((resolve) => spawn('podman', ['--version']).on('error', () => resolve(false)).on('close', (c) => resolve(c === 0)));
  if (!which) return 'podman is not installed (apt-get install -y podman)';
  fs.mkdirSync(path.dirname(PODMAN_SOCKET), { recursive: true });
  service = spawn('podman', ['system', 'service', '--time=0', PODMAN_HOST], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await pingSocket(PODMAN_SOCKET)) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
  return `podman system service did not answer at ${PODMAN_SOCKET} within 10 s`;
}

/** Stops the service if this process started it (never one that was already running). */
export function stopPodmanService(): void {
  service?.kill();
  service = undefined;
}

/** The Docker fixture's root file system as a Podman image (made once; reused while it exists). */
export async function ensurePodmanFixtureImage(): Promise<string> {
  if ((await podman(['image', 'exists', PODMAN_FIXTURE_IMAGE])).exitCode === 0) return PODMAN_FIXTURE_IMAGE;
  const image = await ensureFixtureImage();
  const name = `cdb12v-export-${process.pid}`;
  const id = (await docker(['create', '--name', name, image], { check: true })).stdout.trim();
  try {
    const exported = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('docker', ['export', id]);
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`docker export ${id} failed (${code})`))));
    });
    await podman(['import', '--change', `WORKDIR ${OPENWEBUI_WORKDIR}`, '--change', 'CMD ["/bin/sleep", "1000000"]', '-', PODMAN_FIXTURE_IMAGE], { input: exported, check: true });
  } finally {
    await docker(['rm', '-f', id]);
  }
  return PODMAN_FIXTURE_IMAGE;
}

/** A created (not started) Open WebUI-shaped Podman container, its data in a named volume, `dbFile` copied in. */
export async function createPodmanOwui(name: string, dbFile: string): Promise<{ id: string; name: string }> {
  const image = await ensurePodmanFixtureImage();
  const id = (await podman(['create', '--network', 'none', '--name', name, '-v', `${name}-data:${OPENWEBUI_DATA_DIR}`, image, '/bin/sleep', '1000000'], { check: true })).stdout.trim();
  await podman(['cp', dbFile, `${name}:${OPENWEBUI_DATA_DIR}/webui.db`], { check: true });
  return { id, name };
}

/** Removes the Podman containers and volumes whose names start with `prefix` (ours only). */
export async function removePodmanByPrefix(prefix: string): Promise<void> {
  const list = await podman(['ps', '-a', '--format', '{{.Names}}']);
  for (const n of list.stdout.split('\n').filter((x) => x.startsWith(prefix))) await podman(['rm', '-f', '-v', n]);
  const vols = await podman(['volume', 'ls', '--format', '{{.Name}}']);
  for (const v of vols.stdout.split('\n').filter((x) => x.startsWith(prefix))) await podman(['volume', 'rm', '-f', v]);
}
