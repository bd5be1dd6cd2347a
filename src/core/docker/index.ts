/**
 * Container engines: the ContainerEngine interface everything above uses, and its Docker Engine
 * API implementation (endpoint, connection, discovery, mounts, database path, events, archive).
 */
export * from './containerEngine';
export { detectEngineKind, engineName } from './engineKind';
export { dockerEngine, connectEngine } from './dockerEngine';
export { connect, negotiateApiVersion, engineError, MAX_TESTED_API_VERSION, type ConnectOptions, type DockerConnection } from './connection';
export { resolveEndpoint, contextDirName, type EngineEndpoint, type EndpointOptions } from './endpoint';
export { isRegularFile, decodePathStat, linkDestination, MAX_LINK_DEPTH, type PullFileOptions, type PulledFile } from './archive';
export { toContainerInfo, formatPorts, type DiscoveryOptions } from './discovery';
export { classifyMounts, mountFor, type InspectMount } from './mounts';
export { resolveDatabasePath, parseDatabaseUrl, redactUrl, DEFAULT_DATABASE_PATH } from './databasePath';
export { WATCHED_ACTIONS, type ContainerEvent } from './events';
export { knownEngines, dockerContexts, listAllEngines, type KnownEngine, type KnownEnginesOptions, type EngineListing } from './knownEngines';
