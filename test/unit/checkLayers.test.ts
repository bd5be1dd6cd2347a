/**
 * scripts/checkLayers.js on small trees made for the purpose: each rule it enforces (no vscode in
 * the core, parts only through their door, only downward, no cycle) fails on a tree that breaks
 * it, and the real tree passes.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'scripts/checkLayers.js');

function check(files: Record<string, string>): { ok: boolean; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-layers-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    return { ok: r.status === 0, out: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A tree that follows every rule: two parts, one using the other through its door. */
const GOOD: Record<string, string> = {
  'src/core/errors.ts': 'export class CdbError extends Error {}\n',
  'src/core/bytes/index.ts': "export * from './sharedBytes';\n",
  'src/core/bytes/sharedBytes.ts': "import { CdbError } from '../errors';\nexport const x = CdbError;\n",
  'src/core/sqlite/index.ts': "export * from './header';\n",
  'src/core/sqlite/header.ts': "import { x } from '../bytes';\nexport const y = x;\n",
  'src/cli/main.ts': "import { y } from '../core/sqlite';\nexport const z = y;\n",
  'src/extension/extension.ts': "import * as vscode from 'vscode';\nimport { y } from '../core/sqlite';\nexport const w = [vscode, y];\n",
};

describe('checkLayers', () => {
  it('passes the project itself', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /layers: ok/);
  });

  it('passes a tree that follows the rules', () => {
    const r = check(GOOD);
    assert.ok(r.ok, r.out);
  });

  it('fails when the core imports vscode', () => {
    const r = check({ ...GOOD, 'src/core/bytes/sharedBytes.ts': "import * as vscode from 'vscode';\nexport const x = vscode;\n" });
    assert.ok(!r.ok);
    assert.match(r.out, /src\/core\/bytes\/sharedBytes\.ts:1: imports 'vscode': src\/core must not import vscode/);
  });

  it('fails when an import goes around a part\'s door', () => {
    const r = check({ ...GOOD, 'src/cli/main.ts': "import { y } from '../core/sqlite/header';\nexport const z = y;\n" });
    assert.ok(!r.ok);
    assert.match(r.out, /src\/cli\/main\.ts:1: imports '\.\.\/core\/sqlite\/header': goes around the door of src\/core\/sqlite\//);
  });

  it('fails on an upward import between parts', () => {
    const r = check({ ...GOOD, 'src/core/bytes/sharedBytes.ts': "import { y } from '../sqlite';\nexport const x = y;\n" });
    assert.ok(!r.ok);
    assert.match(r.out, /src\/core\/bytes\/ may not import src\/core\/sqlite\//);
  });

  it('fails when a root file of the core imports a part', () => {
    const r = check({ ...GOOD, 'src/core/errors.ts': "import { x } from './bytes';\nexport class CdbError extends Error {}\nexport const e = x;\n" });
    assert.ok(!r.ok);
    assert.match(r.out, /the root files of src\/core import no part/);
  });

  it('fails on a cycle between files, naming it', () => {
    const r = check({
      ...GOOD,
      'src/core/sqlite/header.ts': "import { t } from './tokens';\nexport const y = t;\n",
      'src/core/sqlite/tokens.ts': "import { y } from './header';\nexport const t = () => y;\n",
    });
    assert.ok(!r.ok);
    assert.match(r.out, /import cycle src\/core\/sqlite\/(header|tokens)\.ts → src\/core\/sqlite\/(tokens|header)\.ts → /);
  });

  it('fails on a folder of the core that is not a listed part', () => {
    const r = check({ ...GOOD, 'src/core/misc/index.ts': 'export const m = 1;\n', 'src/cli/main.ts': "import { m } from '../core/misc';\nexport const z = m;\n" });
    assert.ok(!r.ok);
    assert.match(r.out, /src\/core\/misc\/ is not a part listed/);
  });

  it('fails when the CLI imports the extension', () => {
    const r = check({ ...GOOD, 'src/cli/main.ts': "import { w } from '../extension/extension';\nexport const z = w;\n" });
    assert.ok(!r.ok);
    assert.match(r.out, /src\/cli must not import vscode or src\/extension/);
  });
});
