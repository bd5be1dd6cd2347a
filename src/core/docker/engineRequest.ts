/**
 * The calls made before and around every pull (version, containers, inspect, the archive's HEAD)
 * sent straight over the engine's local unix socket with Node's http module, so that a pull, `ls`
 * or `inspect` through a local socket never loads dockerode (55 ms of the CLI's start, measured
 * 2026-11-29; it stays in its own bundle file for everything else: events, pause, other endpoints).
 *
 * A failure looks as it does from docker-modem (the socket's own error, or an error with the
 * HTTP `statusCode` and the engine's JSON body as `json`), so engineError maps both alike.
 */
import * as http from 'node:http';

export interface EngineAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed body (null for a HEAD or an empty body). */
  json: unknown;
}

/** Largest JSON answer we read: a container list of thousands of entries is a few megabytes. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** One request; rejects for a status of 400 and up, as docker-modem does. */
export function engineRequest(socketPath: string, method: 'GET' | 'HEAD', path: string, signal?: AbortSignal): Promise<EngineAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, headers: { Host: 'docker' }, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_JSON_BYTES) req.destroy(new Error(`the engine's answer to ${method} ${path} is over ${MAX_JSON_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        if (text) {
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
        }
        const status = res.statusCode ?? 0;
        if (status >= 400) {
          const message = typeof json === 'object' && json && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : String(json ?? res.statusMessage ?? '');
          reject(Object.assign(new Error(`(HTTP code ${status}) ${message}`), { statusCode: status, json }));
          return;
        }
        resolve({ status, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** `/v1.41/containers/...`: a path under the negotiated API version. */
export function versioned(conn: { apiVersion: string }, path: string): string {
  return `/v${conn.apiVersion}${path}`;
}
