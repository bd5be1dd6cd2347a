/** Consistent snapshots of a live database, from a container or a host file, and saving one to disk. */
export * from './consistentCopy';
export * from './containerSnapshot';
export * from './fileSnapshot';
export * from './saveSnapshot';
export * from './digest';
export * from './incrementalPull';
export * from './databaseWatch';
