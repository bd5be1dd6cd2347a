/**
 * Preloaded into the CLI (NODE_OPTIONS=--require) by diffCli.test: just after the CLI has opened
 * the file named by CDB_TOUCH_ON_OPEN and checked it (open, then fstat), that file's mtime moves,
 * as a writer touching it during the comparison would move it. The CLI itself runs unaltered.
 */
// The module object itself (not a namespace copy), so that the CLI's calls see the wrappers.
import fs = require('node:fs');
import { isMainThread } from 'node:worker_threads';

const target = process.env.CDB_TOUCH_ON_OPEN;
if (target && isMainThread) {
  const real = fs.realpathSync(target);
  const { openSync, fstatSync } = fs;
  const watched = new Set<number>();
  let touched = false;
  fs.openSync = (...args: Parameters<typeof fs.openSync>): number => {
    const fd = openSync(...args);
    if (typeof args[0] === 'string' && fs.realpathSync(args[0]) === real) watched.add(fd);
    return fd;
  };
  fs.fstatSync = ((fd: number, options?: fs.StatOptions) => {
    const stats = fstatSync(fd, options);
    if (!touched && watched.has(fd)) {
      touched = true;
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(real, later, later);
    }
    return stats;
  }) as typeof fs.fstatSync;
}
