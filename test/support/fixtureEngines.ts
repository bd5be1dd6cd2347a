/**
 * The container engines the integration suite runs against: dockerd (as always) and Podman's
 * Docker-compatible service, when it answers on this machine. The same fixtures are made on each
 * with the engine's own CLI (`docker` / `podman`, which take the same arguments for what we do),
 * and the tool is pointed at the engine's socket.
 *
 *   for (const engine of FIXTURE_ENGINES) {
 *     describeOn(engine, 'container discovery', () => { ... engine.connect() ... });
 *   }
 *
 * Podman is skipped (a pending suite whose title says why) only when its socket is absent and we
 * are not in CI; .ci/setup.sh starts it, so in CI a missing Podman fails instead.
 */
import * as fs from 'fs';

export interface FixtureEngine {
  kind: 'docker' | 'podman';
  /** Named in every test title: "dockerd", "Podman". */
  title: string;
  /** The CLI that makes fixtures on this engine. */
  cli: 'docker' | 'podman';
  /** What to give the tool (--host / dockerHost); undefined = resolve as the user's machine does (dockerd). */
  host: string | undefined;
  /** The socket path behind `host`, for tests that talk to it directly. */
  socketPath: string;
  /** Extra flags for `create` / `run` of a fixture container on this engine. */
  runFlags: string[];
  /** Why this engine's suites are skipped here; undefined when they run. */
  skipReason: string | undefined;
}

export const PODMAN_SOCKET = '/run/podman/podman.sock';

export const DOCKERD: FixtureEngine = {
  kind: 'docker',
  title: 'dockerd',
  cli: 'docker',
  host: undefined,
  socketPath: '/var/run/docker.sock',
  runFlags: [],
  skipReason: undefined,
};

export const PODMAN: FixtureEngine = {
  kind: 'podman',
  title: 'Podman',
  cli: 'podman',
  host: `unix://${PODMAN_SOCKET}`,
  socketPath: PODMAN_SOCKET,
  runFlags: podmanRunFlags(),
  skipReason: podmanSkipReason(),
};

export const FIXTURE_ENGINES: FixtureEngine[] = [DOCKERD, PODMAN];

/** `describe` on one engine, the engine in the title; a pending suite with the reason when it is not here. */
export function describeOn(engine: FixtureEngine, title: string, body: (this: Mocha.Suite) => void): void {
  if (engine.skipReason) describe.skip(`${title} [${engine.title}] (skipped: ${engine.skipReason})`, body);
  else describe(`${title} [${engine.title}]`, body);
}

function podmanSkipReason(): string | undefined {
  if (process.env.CI || process.env.CDB_REQUIRE_PODMAN) return undefined; // must run: let it fail loudly
  if (!fs.existsSync(PODMAN_SOCKET)) return `no Podman service socket at ${PODMAN_SOCKET} (bash .ci/setup.sh starts one)`;
  return undefined;
}

/**
 * Podman (rootful, 4.3) asks the OCI runtime for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 by
 * default; where the sandbox will not raise limits, runc fails with "error setting rlimit type 7
 * (then 6): operation not permitted". Limits at or under what conmon inherits work (measured here:
 * nofile ≤ `ulimit -Hn`, nproc ≤ kernel.pid_max, which the kernel had already clamped conmon's to),
 * so fixtures ask for exactly those. (containers.conf `default_ulimits = []` works too: no rlimits
 * in the spec, the container inherits conmon's.)
 */
export function podmanRunFlags(): string[] {
  const hard = (name: string): number | undefined => {
    try {
      const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
      const v = line?.slice(name.length).trim().split(/\s+/)[1];
      return v && /^\d+$/.test(v) ? Number(v) : undefined;
    } catch {
      return undefined;
    }
  };
  const pidMax = Number(readOr('/proc/sys/kernel/pid_max', '32768')) || 32768;
  const nofile = Math.min(hard('Max open files') ?? 1024, 1048576);
  const nproc = Math.min(hard('Max processes') ?? pidMax, pidMax);
  return ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`];
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

/** The fixture image as this engine lists it: Podman qualifies an imported name with "localhost/". */
export function listedImage(engine: FixtureEngine, image: string): string {
  return engine.kind === 'podman' && !image.startsWith('localhost/') ? `localhost/${image}` : image;
}

/** `ps --filter` for names starting with `prefix`: a regex on "/name" for dockerd, on "name" for Podman. */
export function nameFilter(engine: FixtureEngine, prefix: string): string {
  return engine.kind === 'podman' ? `name=^${prefix}` : `name=^/${prefix}`;
}
