/** The values a database diff produces. Semantics follow `sqldiff --primarykey` (see rowDiff.ts). */
import type { SqlValue } from '../types';
import type { PageImage, PagePair } from './pagePair';

export type TableStatus = 'same' | 'changed' | 'only-in-a' | 'only-in-b' | 'schema-changed';

/** How rows of A and B were paired: the declared PRIMARY KEY, or the rowid when none is declared. */
export type MatchedBy = 'primary-key' | 'rowid' | 'all-columns';

export type RowKind = 'inserted' | 'deleted' | 'updated';

/** A row with its key (the PRIMARY KEY columns, or the rowid), values in `TableDiff.columns` order. */
export interface KeyedRow {
  key: SqlValue[];
  values: SqlValue[];
}

export interface UpdatedRow {
  key: SqlValue[];
  a: SqlValue[];
  b: SqlValue[];
  changedColumns: string[];
}

export interface DiffSamples {
  inserted: KeyedRow[];
  deleted: KeyedRow[];
  updated: UpdatedRow[];
}

export interface TableDiff {
  name: string;
  status: TableStatus;
  /** Rows only in B (for a table only in B, or whose rows could not be paired: all of B's rows). */
  inserted: number;
  /** Rows only in A (for a table only in A, or whose rows could not be paired: all of A's rows). */
  deleted: number;
  /** Same key, some other value different. */
  updated: number;
  unchanged: number;
  matchedBy: MatchedBy;
  /** The names rows are paired by: the PRIMARY KEY columns in key order, or `rowid` (`_rowid_`, `oid`). */
  keyColumns: string[];
  /** The compared columns (A's spelling, table order): what sample `values` hold. */
  columns: string[];
  /** False when rows were not paired: table on one side only, incompatible columns, or --schema-only. */
  rowsCompared: boolean;
  note?: string;
  samples: DiffSamples;
}

export type SchemaKind = 'table' | 'index' | 'view' | 'trigger';

export interface ColumnChanges {
  added: string[];
  removed: string[];
  retyped: { name: string; a: string; b: string }[];
}

export interface SchemaChange {
  kind: SchemaKind;
  name: string;
  change: 'only-in-a' | 'only-in-b' | 'changed';
  /** CREATE statement in A, as stored. */
  a?: string;
  b?: string;
  /** For a table defined in both. */
  columns?: ColumnChanges;
}

export interface DatabaseDiff {
  identical: boolean;
  tables: TableDiff[];
  schema: SchemaChange[];
}

export interface DiffOptions {
  /** Only these tables (and the indexes, views, triggers on them). */
  tables?: string[];
  /** Compare definitions only; no row is read. */
  schemaOnly?: boolean;
  /** Sample rows of each kind per table (default 10; 0 for none, which saves a scan per changed table). */
  sampleLimit?: number;
  signal?: AbortSignal;
  /**
   * The two database images (Snapshot.bytes, or files read on demand), when at hand: a table
   * whose b-tree pages are byte-identical in both is counted as unchanged without pairing a row.
   */
  images?: { a: PageImage; b: PageImage };
  /**
   * The same help, already under way: `pagePair(a, b)` started by a caller that had the images
   * before the databases were open (the CLI starts its pass over two files beside the worker's start).
   */
  pages?: Promise<PagePair | null>;
}

export interface RowPage<K extends RowKind> {
  rows: K extends 'updated' ? UpdatedRow[] : KeyedRow[];
  /** Pass as `after` for the next page; absent on the last page. */
  after?: SqlValue[];
}
