/** Quick usage queries and user SQL: the catalogue, parameters, the read-only guard, running, side-by-side results, export. */
export * from './quickQuery';
export * from './catalogue';
export * from './params';
export * from './readOnlyGuard';
export * from './runQuery';
export * from './sideBySide';
export * from './export';
export * from './maiFork';
