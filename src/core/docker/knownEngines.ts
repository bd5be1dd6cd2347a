/**
 * Every engine this machine's configuration names, for `container-db ls --all-engines`: the
 * default one (DOCKER_HOST, DOCKER_CONTEXT, `currentContext`, the local socket, as resolveEndpoint
 * decides) and every Docker context stored under the Docker config directory
 * (`$DOCKER_CONFIG/contexts/meta/<sha256 of name>/meta.json`, else ~/.docker). Only a context's
 * name is read here; what it points at is read by resolveEndpoint, the one parser of contexts.
 *
 * `knownEngines` is the hook for further sources: Podman's sockets (CONTAINER_HOST, the rootful and
 * rootless default sockets, podman-connections.json) are one more list appended there.
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

export interface KnownEngine {
  /** "default", or the Docker context's name. */
  name: string;
  source: 'default' | 'context';
  /** What connectEngine takes to reach it. */
  connect: ConnectOptions;
}

export interface KnownEnginesOptions {
  /** Default process.env (DOCKER_CONFIG, DOCKER_HOST, …). */
  env?: NodeJS.ProcessEnv;
  /** Default os.homedir(). */
  homeDir?: string;
}

/** The default engine, then the Docker contexts by name. (Podman's sockets: append their list here.) */
export function knownEngines(opts: KnownEnginesOptions = {}): KnownEngine[] {
  const env = opts.env ?? process.env;
  const homeDir = opts.homeDir ?? os.homedir();
  const base = { env, homeDir };
  return [{ name: 'default', source: 'default', connect: base }, ...dockerContexts(base)];
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
