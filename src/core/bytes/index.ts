/** Where a snapshot's bytes live: shared memory the sql.js worker reads without a copy, its digests, and files read block by block. */
export * from './sharedBytes';
export * from './blockReader';
