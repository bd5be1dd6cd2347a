/** The diff engine: schema and rows of two databases, with sqldiff --primarykey's counts. */
export * from './types';
export { diffDatabases, diffRows, attachForDiff } from './databaseDiff';
export { diffSql, diffSqlStatements, type DiffSqlOptions } from './diffSql';
export { normalizeSql, canonicalIdent } from './normalizeSql';
export { compareSchemas, columnChanges, readSchemaEntries, type SchemaEntry } from './schemaDiff';
export { countRowChanges, type RowCounts, type TablePair } from './rowDiff';
export { tableShape, compatibleShapes, type TableShape } from './tableShape';
export { pagePair, type PageImage, type PagePair } from './pagePair';
