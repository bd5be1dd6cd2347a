/**
 * Every engine this machine's configuration names, for `container-db ls --all-engines`: the
 * default one (DOCKER_HOST, DOCKER_CONTEXT, `currentContext`, the local socket, as resolveEndpoint
 * decides) and every Docker context stored under the Docker config directory
 * (`$DOCKER_CONFIG/contexts/meta/<sha256 of name>/meta.json`, else ~/.docker). Only a context's
 * name is read here; what it points at is read by resolveEndpoint, the one parser of contexts.
 *
 * Then Podman's (podmanEndpoint.ts podmanEngines): CONTAINER_HOST when set, else each connection
 * in podman-connections.json / containers.conf and each service socket that exists; an address
 * already listed is marked as the same engine, not listed twice.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdbError, errorLine } from '../errors';
import type { ContainerInfo } from '../types';
import type { ConnectOptions } from './connection';
import type { ContainerEngine } from './containerEngine';
import type { DiscoveryOptions } from './discovery';
import { contextDirName, resolveEndpoint } from './endpoint';
import { podmanEngines, type PodmanLookup } from './podmanEndpoint';

export interface KnownEngine {
  /** "default", or the Docker context's name. */
  name: string;
  source: 'default' | 'context' | 'podman';
  /** What connectEngine takes to reach it. */
  connect: ConnectOptions;
}

export interface KnownEnginesOptions {
  /** Default process.env (DOCKER_CONFIG, DOCKER_HOST, …). */
  env?: NodeJS.ProcessEnv;
  /** Default os.homedir(). */
  homeDir?: string;
  /** For tests: the uid, the prefix of /etc, /usr/share and /run, and the probe for sockets. */
  podmanLookup?: Pick<PodmanLookup, 'uid' | 'systemRoot' | 'exists'>;
}

/** The default engine, then the Docker contexts by name, then Podman's connections and sockets. */
export function knownEngines(opts: KnownEnginesOptions = {}): KnownEngine[] {
  const env = opts.env ?? process.env;
  const homeDir = opts.homeDir ?? os.homedir();
  const base = { env, homeDir, podmanLookup: opts.podmanLookup };
  return [{ name: 'default', source: 'default', connect: base }, ...dockerContexts(base), ...podmanKnown(base)];
}

/**
 * Podman's engines, each reached as Podman itself would be told to: CONTAINER_CONNECTION or
 * CONTAINER_HOST, with the Docker variables that would win over them left out.
 */
function podmanKnown(base: { env: NodeJS.ProcessEnv; homeDir: string; podmanLookup?: KnownEnginesOptions['podmanLookup'] }): KnownEngine[] {
  let found: ReturnType<typeof podmanEngines>;
  try {
    found = podmanEngines({ env: base.env, homeDir: base.homeDir, ...base.podmanLookup });
  } catch {
    return []; // a Podman file we cannot read: the default engine's listing says so if it matters
  }
  const { DOCKER_HOST: _host, DOCKER_CONTEXT: _context, CONTAINER_HOST: _ch, CONTAINER_CONNECTION: _cc, ...rest } = base.env;
  return found.map((p): KnownEngine => {
    if (p.connection) return { name: p.name, source: 'podman', connect: { ...base, env: { ...rest, CONTAINER_CONNECTION: p.connection } } };
    // A socket found on disk is named as such; CONTAINER_HOST as the variable it is.
    if (p.label) return { name: p.name, source: 'podman', connect: { ...base, env: rest, dockerHost: p.host, dockerHostLabel: p.label } };
    return { name: p.name, source: 'podman', connect: { ...base, env: { ...rest, CONTAINER_HOST: p.host } } };
  });
}

/** The Docker contexts stored in the config directory, sorted by name ("default" is never stored). */
export function dockerContexts(opts: { env: NodeJS.ProcessEnv; homeDir: string }): KnownEngine[] {
  const configDir = opts.env.DOCKER_CONFIG || path.join(opts.homeDir, '.docker');
  const metaDir = path.join(configDir, 'contexts', 'meta');
  let dirs: string[];
  try {
    dirs = fs.readdirSync(metaDir);
  } catch {
    return []; // no contexts: the usual case
  }
  const names: string[] = [];
  for (const dir of dirs) {
    let name: unknown;
    try {
      name = (JSON.parse(fs.readFileSync(path.join(metaDir, dir, 'meta.json'), 'utf8')) as { Name?: unknown } | null)?.Name;
    } catch {
      continue; // not a context the docker CLI could read either
    }
    // The docker CLI stores a context under the SHA-256 of its name; anything else is not one of its contexts.
    if (typeof name === 'string' && name && contextDirName(name) === dir) names.push(name);
  }
  return names.sort().map((name) => ({ name, source: 'context', connect: { ...opts, context: name } }));
}

/** One engine's answer to a listing across engines. */
export interface EngineListing {
  name: string;
  source: KnownEngine['source'];
  /** Where it is, e.g. "unix:///var/run/docker.sock (default)"; null when even that could not be read. */
  endpoint: string | null;
  kind?: string;
  version?: string;
  apiVersion?: string;
  /** The engine listed earlier at the same address (a current context is also the default): not listed twice. */
  sameAs?: string;
  containers?: ContainerInfo[];
  error?: { code: string; message: string };
}

/**
 * Lists the containers of every engine at once, each failure its own: an unreachable engine is an
 * `error`, the others are listed. `connectEngine` is passed in (the CLI's own, or a test's).
 */
export async function listAllEngines(
  engines: KnownEngine[],
  connectEngine: (opts: ConnectOptions) => Promise<ContainerEngine>,
  opts: DiscoveryOptions & { all?: boolean } = {},
): Promise<EngineListing[]> {
  const addresses = new Map<string, string>();
  const planned = engines.map((e) => {
    let endpoint: string | null = null;
    let error: EngineListing['error'];
    try {
      endpoint = resolveEndpoint(e.connect).description;
    } catch (err) {
      error = err instanceof CdbError ? { code: err.code, message: err.message } : { code: 'ENGINE_CONFIG', message: errorLine(err) };
    }
    const address = endpoint?.replace(/\s*\(.*\)$/, '');
    const sameAs = address ? addresses.get(address) : undefined;
    if (address && !sameAs) addresses.set(address, e.name);
    return { e, endpoint, error, sameAs };
  });
  return Promise.all(
    planned.map(async ({ e, endpoint, error, sameAs }): Promise<EngineListing> => {
      const out: EngineListing = { name: e.name, source: e.source, endpoint };
      if (error) return { ...out, error };
      if (sameAs) return { ...out, sameAs };
      try {
        const engine = await connectEngine(e.connect);
        const containers = await engine.listContainers(opts);
        return { ...out, kind: engine.kind, version: engine.version, apiVersion: engine.apiVersion, containers };
      } catch (err) {
        return { ...out, error: err instanceof CdbError ? { code: err.code, message: err.message } : { code: 'ENGINE_ERROR', message: errorLine(err) } };
      }
    }),
  );
}
