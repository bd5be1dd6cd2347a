/**
 * The bundled CLI (dist/cli.js) writing into a pipe whose reader stops early, as in
 * `container-db query … | head -1`: it ends quietly, without a stack trace.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath } from '../support/cli';

describe('container-db into a closed pipe', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-pipe-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a reader that stops after the first line: exit 0, nothing on stderr', async () => {
    const file = path.join(dir, 'many.db');
    execFileSync('sqlite3', [file, "CREATE TABLE t(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) INSERT INTO t SELECT printf('row %d', i) FROM n;"]);
    const child = spawn(process.execPath, [cliPath, 'query', file, 'SELECT x FROM t', '--format', 'csv', '--max-rows', '200000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `head -1`: read one chunk, then close the read end.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
