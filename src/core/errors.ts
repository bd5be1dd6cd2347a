/**
 * Every failure a user can meet is a CdbError: a code that callers branch on and one line that
 * says what happened and what to do. The CLI prints `message`; the extension shows it in a
 * notification; neither shows a stack trace unless asked.
 */
export type ErrorCode =
  | 'ENGINE_UNREACHABLE' // no answer from the Docker engine (not running, wrong host, connection dropped)
  | 'ENGINE_SOCKET_MISSING' // the unix socket file does not exist
  | 'ENGINE_PERMISSION' // the socket exists but we may not open it
  | 'ENGINE_CONFIG' // DOCKER_HOST / context / TLS settings that cannot be used
  | 'ENGINE_ERROR' // the engine answered with an unexpected error
  | 'CONTAINER_NOT_FOUND'
  | 'CONTAINER_AMBIGUOUS'
  | 'CONTAINER_STOPPED' // the container stopped or went away while we followed it (watch)
  | 'FILE_NOT_FOUND' // the database path does not exist in the container
  | 'NOT_A_FILE' // the path is a directory or something else
  | 'UNSUPPORTED_DATABASE' // DATABASE_URL names PostgreSQL, SQLCipher, ...
  | 'TOO_LARGE' // over the size limit
  | 'CANCELLED'
  | 'NOT_SQLITE' // the 16-byte header is not SQLite's
  | 'ENCRYPTED' // looks like an encrypted SQLite file
  | 'CORRUPT' // truncated or damaged
  | 'MID_WRITE' // a hot journal stayed hot through every retry
  | 'ARCHIVE_INVALID' // the tar stream from the engine is malformed
  | 'QUERY_ERROR' // SQLite rejected a statement
  | 'READ_ONLY' // a statement that would write was refused
  | 'WORKER_FAILED' // the sql.js worker died
  | 'IO_ERROR' // a local file could not be read or written
  | 'USAGE'; // bad command-line usage or bad arguments

export class CdbError extends Error {
  override readonly name = 'CdbError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCdbError(err: unknown, code?: ErrorCode): err is CdbError {
  return err instanceof CdbError && (code === undefined || err.code === code);
}

/** One line for a person, whatever was thrown. */
export function errorLine(err: unknown): string {
  if (err instanceof CdbError) return err.message;
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}

export function cancelled(what = 'The operation'): CdbError {
  return new CdbError('CANCELLED', `${what} was cancelled.`);
}

/** Throws CANCELLED when the signal has fired; call between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw cancelled(what);
}
