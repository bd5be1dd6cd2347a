/** sql.js in a worker thread (the worker is its own bundle entry, sqlWorker.ts), and what is read through it: schema, table pages. */
export * from './sqlEngine';
export * from './schema';
export * from './tablePage';
export { blockedWriteMessage, type SqlParams } from './workerProtocol';
