/**
 * The one path from "this container" to an open database, for the CLI and the extension alike:
 * check where the app keeps it, pull it as a consistent snapshot, open it in the sql.js worker
 * and read its schema with row counts. Both front ends used to do these steps themselves and
 * disagreed on the messages; now they differ only in how they show them.
 */
import { CdbError } from '../errors';
import type { ContainerEngine } from '../docker';
import { pullSnapshot, withSha256, type PullSnapshotOptions } from '../snapshot';
import { readSchema, type DbHandle, type SqlEngine } from '../sqlEngine';
import type { ContainerInfo, SchemaInfo, Snapshot } from '../types';

export interface OpenedDatabase {
  /** With its SHA-256. */
  snapshot: Snapshot;
  db: DbHandle;
  schema: SchemaInfo;
}

export interface OpenedContainerDatabase extends OpenedDatabase {
  container: ContainerInfo;
  /** Where the database was pulled from inside the container. */
  path: string;
  /** Wall time of the pull alone (engine stream, WAL replay), ms. */
  pullMs: number;
}

/**
 * The database path to pull from `container`, or the one-line reason there is none: a
 * DATABASE_URL naming a server database (shown with its password hidden), or no path at all.
 */
export function databasePathOf(container: ContainerInfo): string {
  const loc = container.database;
  if (loc.unsupported) {
    throw new CdbError(
      'UNSUPPORTED_DATABASE',
      `Container '${container.name}' uses a ${loc.unsupported.kind} database (DATABASE_URL=${loc.unsupported.url}), which this tool cannot open: it reads SQLite files only.`,
    );
  }
  if (!loc.path) throw new CdbError('FILE_NOT_FOUND', `No database path is known for container '${container.name}': set it with --path / containerDb.databasePath.`);
  return loc.path;
}

/** Check, then pull: the consistent snapshot of the container's database. */
export function pullContainerDatabase(engine: ContainerEngine, container: ContainerInfo, opts: PullSnapshotOptions = {}): Promise<Snapshot> {
  return pullSnapshot(engine, container, databasePathOf(container), opts);
}

/**
 * Open `pulled` and read its schema (row counts off the image's b-tree pages), hashing it beside
 * that work when the pull did not (`hash: 'later'`): the two then share the machine's two cores.
 * The handle is closed again when anything after the open fails.
 */
export async function openSnapshot(sql: SqlEngine, pulled: Snapshot, label: string, signal?: AbortSignal): Promise<OpenedDatabase> {
  const hashed = withSha256(pulled, signal);
  hashed.catch(() => undefined);
  const db = await sql.open(pulled, label);
  try {
    const schema = await readSchema(sql, db, { countRows: true, signal, image: pulled.bytes });
    return { snapshot: await hashed, db, schema };
  } catch (err) {
    await sql.close(db).catch(() => undefined);
    throw err;
  }
}

/** Check → pull → open → schema. */
export async function openContainerDatabase(
  engine: ContainerEngine,
  sql: SqlEngine,
  container: ContainerInfo,
  opts: Omit<PullSnapshotOptions, 'hash'> = {},
): Promise<OpenedContainerDatabase> {
  const path = databasePathOf(container);
  const started = Date.now();
  const pulled = await pullSnapshot(engine, container, path, { ...opts, hash: 'later' });
  const pullMs = Date.now() - started;
  const opened = await openSnapshot(sql, pulled, `${container.name}:${path}`, opts.signal);
  return { ...opened, container, path, pullMs };
}
