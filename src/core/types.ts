/** The values that cross module boundaries in the core. One place, so that every layer agrees. */

/** A container as the engine lists it. */
export interface ContainerRef {
  id: string;
  /** Without the leading slash. */
  name: string;
  image: string;
  /** Engine state: running, exited, created, paused, ... */
  state: string;
  /** Engine's human status, e.g. "Up 3 minutes". */
  status: string;
  /** ISO time the container last started, when known. */
  startedAt?: string;
  /** e.g. "127.0.0.1:3000->8080/tcp" */
  ports: string[];
}

export type MountKind = 'volume' | 'bind' | 'tmpfs' | 'other';

export interface MountInfo {
  kind: MountKind;
  /** Volume name for a volume; host path for a bind mount. */
  source: string;
  /** Path inside the container. */
  destination: string;
  readOnly: boolean;
  /** True for a named volume: the data is not visible as a file in the host workspace. */
  isolatedFromHost: boolean;
}

export type DatabasePathSource = 'option' | 'DATABASE_URL' | 'DATA_DIR' | 'default';

/** Where the app in a container keeps its database, and why we think so. */
export interface DatabaseLocation {
  /** Absolute path inside the container. Empty when `unsupported` is set. */
  path: string;
  source: DatabasePathSource;
  /** The mount that holds `path`, if any (longest destination prefix). */
  mount?: MountInfo;
  /** Set when DATABASE_URL names a database this tool cannot open. */
  unsupported?: { kind: 'postgresql' | 'mysql' | 'sqlcipher' | 'other'; url: string };
}

export interface ContainerInfo extends ContainerRef {
  mounts: MountInfo[];
  database: DatabaseLocation;
}

/** Decoded X-Docker-Container-Path-Stat header. */
export interface PathStat {
  name: string;
  size: number;
  /** Go os.FileMode bits as the engine sends them (type bits high, permission bits low). */
  mode: number;
  mtime: string;
  /** Non-empty when the path is a symbolic link. */
  linkTarget: string;
  isDirectory: boolean;
  isSymlink: boolean;
}

export interface PullProgress {
  /** Which file is being pulled: the database or a companion. */
  file: string;
  bytes: number;
  /** Total over all files being pulled, known up front from the stat. */
  totalBytes: number;
  bytesSoFar: number;
}

export interface PullOptions {
  /** Refuse files larger than this (bytes). Default 2 GiB. */
  maxBytes?: number;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
  /**
   * The image's SHA-256 in the stamp (default true): computed while the database streams in, or
   * over the image before returning when a WAL or journal changed it. `diff` and `query` turn it
   * off (nothing they show needs it). 'later': not in the stamp, but a digest taken while
   * streaming is kept for `withSha256`, which the caller runs beside the worker's open (`inspect`,
   * the extension): free then, and hashed beside the open when the image is not the file.
   */
  hash?: boolean | 'later';
}

export type JournalState = 'none' | 'wal' | 'cold-journal' | 'hot-journal';

/** Everything that says which bytes a snapshot holds and where they came from. */
export interface SnapshotStamp {
  containerId?: string;
  containerName?: string;
  image?: string;
  /** Path inside the container, or the host file path for a local snapshot. */
  path: string;
  /** Where the bytes came from. */
  origin: 'container' | 'file';
  /** Size of the database file (without WAL) as pulled. */
  size: number;
  /** mtime of the database file as the engine (or the file system) reports it. */
  mtime: string;
  /** SHA-256 (hex) of the final database image, WAL applied; absent when the pull was asked not to hash. */
  sha256?: string;
  /** ISO time when the pull finished. */
  pulledAt: string;
  walFramesApplied: number;
  journal: JournalState;
  /** How many pulls it took to get a consistent copy. */
  attempts: number;
  /** Things the user should know (e.g. "snapshot may be mid-write"). */
  warnings: string[];
}

/**
 * A consistent database image in memory. `bytes` is a view over a SharedArrayBuffer so that the
 * sql.js worker reads it without a copy and a cancelled (terminated) worker can reopen it.
 */
export interface Snapshot {
  stamp: SnapshotStamp;
  bytes: Uint8Array;
}

/**
 * A database file on this machine that the sql.js worker reads itself, on demand (fileSnapshot.ts
 * fileOnDemand): the worker refuses it when the file's key (blockReader.ts fileKey) has changed.
 */
export interface FileImageRef {
  path: string;
  key: string;
  size: number;
}

/** A value as SQLite stores it: INTEGER outside the safe range of a JS number arrives as a bigint. */
export type SqlValue = null | number | bigint | string | Uint8Array;

export interface QueryResult {
  columns: string[];
  rows: SqlValue[][];
  /** True when maxRows cut the result. */
  truncated: boolean;
}

export interface ColumnInfo {
  name: string;
  type: string;
  /** 0 when not part of the primary key, else its 1-based position in the key. */
  pk: number;
  notNull: boolean;
  defaultValue: string | null;
  hidden?: boolean;
}

export interface IndexInfo {
  name: string;
  table: string;
  unique: boolean;
  columns: string[];
  /** 'c' CREATE INDEX, 'u' UNIQUE constraint, 'pk' PRIMARY KEY */
  origin: string;
  sql: string | null;
}

export interface TableInfo {
  name: string;
  kind: 'table' | 'view';
  /** Row count; for views, null (not counted: a view can be arbitrarily expensive). */
  rows: number | null;
  columns: ColumnInfo[];
  withoutRowid: boolean;
  sql: string | null;
  /** sqlite_* internal tables. */
  system: boolean;
}

export interface TriggerInfo {
  name: string;
  table: string;
  sql: string | null;
}

export interface SchemaInfo {
  tables: TableInfo[];
  views: TableInfo[];
  indexes: IndexInfo[];
  triggers: TriggerInfo[];
  pageSize: number;
  pageCount: number;
  encoding: string;
  userVersion: number;
}
