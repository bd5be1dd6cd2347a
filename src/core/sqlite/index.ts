/** SQLite's file format and language, read by our own code: header, WAL replay, journal rollback, b-tree counts, identifiers, statements. */
export * from './header';
export * from './walReplay';
export * from './journalRollback';
export * from './btreeCount';
export * from './sqlIdent';
export * from './sqlTokens';
export * from './statementAt';
