/**
 * Which engine answers on the other end of a Docker-compatible API, and how messages name it.
 * Podman serves the Docker Engine API too (its "compat" API) but answers differently in places
 * (events, archive stats, errors); the kind tells the code that cares, and tells a person which
 * engine a message is about.
 */

/** Which implementation answers: the view and messages name it. */
export type EngineKind = 'docker' | 'podman';

/** The part of GET /version that tells engines apart. */
export interface VersionAnswer {
  Components?: Array<{ Name?: unknown } | null> | null;
}

/**
 * Podman lists itself as the component "Podman Engine" (Docker as "Engine"), in the compat API's
 * GET /version since Podman 2; nothing else in that answer names it reliably (its ApiVersion is
 * Docker's, "1.41" for Podman 4.3).
 */
export function detectEngineKind(version: VersionAnswer | null | undefined): EngineKind {
  const components = Array.isArray(version?.Components) ? version.Components : [];
  return components.some((c) => typeof c?.Name === 'string' && /^podman\b/i.test(c.Name)) ? 'podman' : 'docker';
}

/** "Docker" / "Podman", as messages and the view write it. */
export function engineName(kind: EngineKind | undefined): string {
  return kind === 'podman' ? 'Podman' : 'Docker';
}

/** The environment variables a user sets to point the tool at this kind of engine, for advice in messages. */
export function hostVariables(kind: EngineKind | undefined): string {
  return kind === 'podman' ? 'CONTAINER_HOST / DOCKER_HOST / containerDb.dockerHost' : 'DOCKER_HOST / containerDb.dockerHost';
}

/** The CLI a user types for this engine, for advice such as "run `podman unpause x`". */
export function engineCli(kind: EngineKind | undefined): string {
  return kind === 'podman' ? 'podman' : 'docker';
}
