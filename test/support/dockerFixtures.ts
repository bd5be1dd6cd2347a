/**
 * Docker fixtures shared by the integration tests, the extension tests, the benchmark and the demo.
 *
 * Nothing can be pulled from a registry here, so the fixture image is made on the spot with
 * `docker import` from a tiny root file system: a static busybox (sh, sleep, cp, ...) plus Debian's
 * sqlite3 with the exact libraries `ldd` lists, so a live sqlite3 can write a database inside a
 * container (WAL, journals) the way Open WebUI does.
 *
 * Everything goes through the `docker` CLI: it is what a person would type, it is already on the
 * machine, and its failures are easy to read in a test log.
 *
 * Typical use in a mocha suite:
 *
 *   before(async () => {
 *     await ensureFixtureImage();
 *     await makeWebuiDb(dbPath, { users: 5 });
 *     owui = await createOpenWebuiContainer({ name: 'cdbt-x-owui', volume: 'cdbt-x-owui-data', dbFile: dbPath });
 *   });
 *   after(() => removeByPrefix('cdbt-x-'));
 *
 * Every object a test creates must carry that test's own prefix; `removeByPrefix` removes only those.
 *
 * Each function takes the engine to make the fixture on (fixtureEngines.ts); dockerd by default.
 * Podman's CLI takes the same arguments for everything done here.
 */
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DOCKERD, type FixtureEngine } from './fixtureEngines';

export const FIXTURE_IMAGE = 'cdb-fixture/openwebui:test';
/** Bump when the image's contents change, so a stale image from an older checkout is rebuilt. */
const FIXTURE_REVISION = '1';
const REVISION_LABEL = 'cdb.fixture.revision';
/** Open WebUI's data directory and working directory in its real image. */
export const OPENWEBUI_DATA_DIR = '/app/backend/data';
export const OPENWEBUI_WORKDIR = '/app/backend';

const BUSYBOX_APPLETS = [
  'sh', 'sleep', 'cat', 'ls', 'rm', 'mv', 'cp', 'ln', 'mkdir',
  // Handy in tests that change files inside a container.
  'touch', 'chmod', 'dd', 'echo', 'head', 'wc', 'stat', 'sync', 'true', 'sha256sum', 'kill',
];

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Run the docker CLI; resolves with the exit code rather than throwing, unless `check`. */
export function docker(args: string[], opts: { input?: Buffer | string; check?: boolean } = {}): Promise<RunResult> {
  return engineCli(DOCKERD, args, opts);
}

/** Run the engine's own CLI (`docker` or `podman`); as docker(). */
export function engineCli(engine: FixtureEngine, args: string[], opts: { input?: Buffer | string; check?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine.cli, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), exitCode: code ?? -1 };
      if (opts.check && result.exitCode !== 0) {
        reject(new Error(`${engine.cli} ${args.join(' ')} failed (${result.exitCode}): ${result.stderr.trim()}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.end(opts.input);
  });
}

const imageBuilds = new Map<string, Promise<string>>();

/**
 * Build the fixture image once per engine (per process; reused across runs when its revision
 * label matches) and prove that sqlite3 runs in it. Safe to call from every suite's `before`.
 */
export function ensureFixtureImage(engine: FixtureEngine = DOCKERD): Promise<string> {
  let build = imageBuilds.get(engine.kind);
  if (!build) {
    build = buildFixtureImage(engine).catch((err: unknown) => {
      imageBuilds.delete(engine.kind);
      throw err;
    });
    imageBuilds.set(engine.kind, build);
  }
  return build;
}

async function buildFixtureImage(engine: FixtureEngine): Promise<string> {
  const docker = (args: string[], opts?: { input?: Buffer | string; check?: boolean }): Promise<RunResult> => engineCli(engine, args, opts);
  const existing = await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${REVISION_LABEL}" }}`, FIXTURE_IMAGE]);
  // An image with our revision label was proven when it was built.
  if (existing.exitCode === 0 && existing.stdout.trim() === FIXTURE_REVISION) return FIXTURE_IMAGE;

  const rootfs = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cdb-fixture-rootfs-'));
  try {
    await makeRootfs(rootfs);
    const tar = await run('tar', ['-C', rootfs, '-c', '.']);
    await docker(
      [
        'import',
        '--change', `LABEL ${REVISION_LABEL}=${FIXTURE_REVISION}`,
        '--change', `WORKDIR ${OPENWEBUI_WORKDIR}`,
        '--change', 'CMD ["/bin/sleep", "1000000"]',
        '-', FIXTURE_IMAGE,
      ],
      { input: tar, check: true },
    );
  } finally {
    await fs.promises.rm(rootfs, { recursive: true, force: true });
  }
  const probe = await docker(['run', '--rm', '--network', 'none', ...engine.runFlags, FIXTURE_IMAGE, 'sqlite3', '-version']);
  if (probe.exitCode !== 0 || !/^3\.\d+/.test(probe.stdout)) {
    // Untag it so that the next run builds again instead of trusting a broken image.
    await docker(['rmi', FIXTURE_IMAGE]);
    throw new Error(`fixture image ${FIXTURE_IMAGE} cannot run sqlite3: ${probe.stderr.trim() || probe.stdout.trim()}`);
  }
  return FIXTURE_IMAGE;
}

async function makeRootfs(root: string): Promise<void> {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!busybox) throw new Error('busybox not found: apt-get install -y busybox-static');
  const sqlite3 = '/usr/bin/sqlite3';
  if (!fs.existsSync(sqlite3)) throw new Error('sqlite3 not found: apt-get install -y sqlite3');

  for (const dir of ['bin', 'usr/bin', 'tmp', 'etc', OPENWEBUI_DATA_DIR.slice(1)]) {
    await fs.promises.mkdir(path.join(root, dir), { recursive: true });
  }
  await fs.promises.chmod(path.join(root, 'tmp'), 0o1777);
  await fs.promises.copyFile(busybox, path.join(root, 'bin/busybox'));
  await fs.promises.chmod(path.join(root, 'bin/busybox'), 0o755);
  for (const applet of BUSYBOX_APPLETS) await fs.promises.symlink('busybox', path.join(root, 'bin', applet));

  // The dynamic loader and every library at the path ldd resolved it to, symlinks followed, so
  // the binary finds them without an ld.so.cache.
  const ldd = (await run('ldd', [sqlite3])).toString();
  const files = [sqlite3, ...[...ldd.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1])];
  for (const file of files) {
    const dest = path.join(root, file);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    await fs.promises.copyFile(fs.realpathSync(file), dest);
    await fs.promises.chmod(dest, 0o755);
  }
}

export interface FixtureContainer {
  id: string;
  name: string;
  /** Remove the container (forced) and, when one was given, its named volume. */
  remove(): Promise<void>;
}

export interface OpenWebuiContainerOptions {
  name: string;
  /** Named volume mounted at /app/backend/data (created if missing). */
  volume?: string;
  /** Host directory bind-mounted at /app/backend/data instead. */
  bind?: string;
  env?: Record<string, string>;
  /** A host database to copy in; its -wal and -journal companions come along when present. */
  dbFile?: string;
  /** Where to put it. Default $DATA_DIR/webui.db when env.DATA_DIR is set, else /app/backend/data/webui.db. */
  dbPathInContainer?: string;
  /** Default true. False leaves the container exited (it ran once), like a stopped Open WebUI. */
  running?: boolean;
  /** Extra labels, e.g. for tests that filter by label. */
  labels?: Record<string, string>;
  /** Default dockerd. */
  engine?: FixtureEngine;
}

/**
 * A container shaped like Open WebUI's: the fixture image, `/bin/sleep` as its process, no
 * network, the data directory in a named volume or a bind mount, and a database copied in.
 */
export async function createOpenWebuiContainer(opts: OpenWebuiContainerOptions): Promise<FixtureContainer> {
  if (opts.volume && opts.bind) throw new Error('createOpenWebuiContainer: give volume or bind, not both');
  const engine = opts.engine ?? DOCKERD;
  const docker = (a: string[], o?: { check?: boolean }): Promise<RunResult> => engineCli(engine, a, o);
  const args = ['create', '--network', 'none', ...engine.runFlags, '--name', opts.name, '--label', 'cdb.fixture=1'];
  for (const [k, v] of Object.entries(opts.labels ?? {})) args.push('--label', `${k}=${v}`);
  if (opts.volume) args.push('-v', `${opts.volume}:${OPENWEBUI_DATA_DIR}`);
  if (opts.bind) args.push('-v', `${path.resolve(opts.bind)}:${OPENWEBUI_DATA_DIR}`);
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('-e', `${k}=${v}`);
  args.push(await ensureFixtureImage(engine), '/bin/sleep', '1000000');
  const id = (await docker(args, { check: true })).stdout.trim();

  const remove = async (): Promise<void> => {
    await docker(['rm', '-f', '-v', id]);
    if (opts.volume) await docker(['volume', 'rm', '-f', opts.volume]);
  };
  try {
    // Podman 4.3's `cp` into a created container lands under a bind mount, not in it (exit 0, the
    // host directory stays empty; measured): on Podman the copy waits for the running container.
    const copyFirst = engine.kind !== 'podman';
    if (!copyFirst) await docker(['start', id], { check: true });
    if (opts.dbFile) {
      const target = opts.dbPathInContainer ?? path.posix.join(opts.env?.DATA_DIR ?? OPENWEBUI_DATA_DIR, 'webui.db');
      await copyIntoContainer(id, opts.dbFile, target, engine);
    }
    if (copyFirst) await docker(['start', id], { check: true });
    // sleep as PID 1 ignores SIGTERM; SIGKILL stops it at once (exit 137), as a crash or `docker kill` would.
    if (opts.running === false) await docker(['kill', id], { check: true });
  } catch (err) {
    await remove();
    throw err;
  }
  return { id, name: opts.name, remove };
}

/**
 * Copy a host database (and its -wal / -journal when present) to `target` in a created or running
 * container. A tar stream through `docker cp -` creates the missing parent directories, which a
 * plain `docker cp` does not.
 */
export async function copyIntoContainer(container: string, hostFile: string, target: string, engine: FixtureEngine = DOCKERD): Promise<void> {
  const stage = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cdb-fixture-cp-'));
  try {
    const dir = path.join(stage, path.posix.dirname(target));
    await fs.promises.mkdir(dir, { recursive: true });
    const base = path.posix.basename(target);
    for (const suffix of ['', '-wal', '-journal']) {
      if (fs.existsSync(hostFile + suffix)) await fs.promises.copyFile(hostFile + suffix, path.join(dir, base + suffix));
    }
    // Only the leaf directory's entries: the parents are created by the tar's directory entries.
    const top = target.split('/').filter(Boolean)[0];
    const tar = await run('tar', ['-C', stage, '--owner=0', '--group=0', '-c', top]);
    await engineCli(engine, ['cp', '-', `${container}:/`], { input: tar, check: true });
  } finally {
    await fs.promises.rm(stage, { recursive: true, force: true });
  }
}

/** `docker exec` in a running container; never throws for a non-zero exit. */
export function dockerExec(container: string, cmd: string[], engine: FixtureEngine = DOCKERD): Promise<RunResult> {
  return engineCli(engine, ['exec', container, ...cmd]);
}

/**
 * The container's own sqlite3 on its Open WebUI database (or `db`), the SQL on stdin (any length,
 * dot-commands too). Throws on a failure or anything on stderr; the output, trimmed.
 */
export async function sqliteInContainer(container: string, sql: string, db = `${OPENWEBUI_DATA_DIR}/webui.db`, engine: FixtureEngine = DOCKERD): Promise<string> {
  const r = await engineCli(engine, ['exec', '-i', container, 'sqlite3', db], { input: sql });
  if (r.exitCode !== 0 || r.stderr.trim()) throw new Error(`sqlite3 in ${container}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Remove every container, then every volume, whose name starts with `prefix`. The prefix is a
 * test's own (e.g. "cdbt-b-"); short prefixes are refused so a typo cannot remove others' objects.
 */
export async function removeByPrefix(prefix: string, engine: FixtureEngine = DOCKERD): Promise<void> {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{3,}$/.test(prefix)) throw new Error(`removeByPrefix: refusing the prefix '${prefix}'`);
  const docker = (a: string[], o?: { check?: boolean }): Promise<RunResult> => engineCli(engine, a, o);
  // The name filter is a regular expression, on "/name" for dockerd and on the bare name for
  // Podman; the startsWith check below is the real test.
  const filter = engine.cli === 'podman' ? `name=^${prefix}` : `name=^/${prefix}`;
  const ps = await docker(['ps', '-a', '--filter', filter, '--format', '{{.ID}} {{.Names}}'], { check: true });
  const ids = ps.stdout.split('\n').map((l) => l.trim().split(' ')).filter(([id, name]) => id && name?.startsWith(prefix)).map(([id]) => id);
  if (ids.length) await docker(['rm', '-f', '-v', ...ids], { check: true });
  const vols = await docker(['volume', 'ls', '-q', '--filter', `name=${prefix}`], { check: true });
  const names = vols.stdout.split('\n').map((v) => v.trim()).filter((v) => v.startsWith(prefix));
  if (names.length) await docker(['volume', 'rm', '-f', ...names]);
}

export interface WebuiDbOptions {
  users?: number;
  chats?: number;
  usageDays?: number;
  targetMb?: number;
  /** Leave the database in WAL mode with its last changes only in the -wal file. */
  wal?: boolean;
}

/**
 * A fresh Open WebUI-like container `name` (its database in the named volume `${name}-data`), after
 * removing what an earlier run left under `prefix`; the database's host copy is `dbFile` in `tmp`.
 */
export async function freshOpenWebuiContainer(prefix: string, name: string, db: WebuiDbOptions = {}, engine: FixtureEngine = DOCKERD): Promise<{ tmp: string; dbFile: string }> {
  await removeByPrefix(prefix, engine);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dbFile = await makeWebuiDb(path.join(tmp, 'webui.db'), db);
  await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile, engine });
  return { tmp, dbFile };
}

/** scripts/makeWebuiDb.sh: a deterministic Open WebUI-like database at `outPath`. */
export async function makeWebuiDb(outPath: string, opts: WebuiDbOptions = {}): Promise<string> {
  const args = [outPath];
  if (opts.users !== undefined) args.push('--users', String(opts.users));
  if (opts.chats !== undefined) args.push('--chats', String(opts.chats));
  if (opts.usageDays !== undefined) args.push('--usage-days', String(opts.usageDays));
  if (opts.targetMb !== undefined) args.push('--target-mb', String(opts.targetMb));
  if (opts.wal) args.push('--wal');
  await run(path.join(projectRoot(), 'scripts', 'makeWebuiDb.sh'), args);
  return outPath;
}

/** The folder holding package.json, from test/support (ts) or out/test/support (compiled). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'scripts'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no project root above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** Run a program, resolve with its stdout; reject with its stderr. */
function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.toString().trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Polls a readiness condition (not a timing assertion): up to ~30 s. */
export async function waitFor(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached in 30 s');
}
