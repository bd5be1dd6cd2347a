/**
 * Preloaded into the CLI (NODE_OPTIONS=--require) by cli.test: when the process exits, writes to
 * stderr one line naming every module it required whose request matched CDB_REPORT_LOADS (a
 * regular expression), e.g. "loaded: ./dockerode.js". Nothing else changes.
 */
import Module = require('node:module');

const pattern = process.env.CDB_REPORT_LOADS;
if (pattern) {
  const wanted = new RegExp(pattern);
  const seen = new Set<string>();
  const internals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = internals._load;
  internals._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if (wanted.test(request)) seen.add(request);
    return load.call(this, request, ...rest);
  };
  process.on('exit', () => {
    if (seen.size) process.stderr.write(`loaded: ${[...seen].join(', ')}\n`);
  });
}
