#!/usr/bin/env node
// The extension-host tests (test/extension/**) in VS Code desktop, for a machine that can download
// it (CI here cannot: it uses scripts/runExtensionTests.js with code-server instead). Same run()
// entry point (out/test/extension/index.js), same results file, same closing line.
//
//   npm run build && npm run compile-tests
//   node scripts/runElectronTests.js [--grep PATTERN]
//
// VS Code is downloaded into .vscode-test/ (version: VSCODE_TEST_VERSION, default 1.100.3, the one
// code-server ships), or taken from VSCODE_EXECUTABLE. On Linux without a display run it under
// `xvfb-run -a`.
'use strict';

const fs = require('fs');
const path = require('path');
const cs = require('../test/support/codeServer');

const ROOT = cs.ROOT;

async function main() {
  const args = process.argv.slice(2);
  const grepAt = args.indexOf('--grep');
  const grep = grepAt >= 0 ? args[grepAt + 1] : undefined;
  for (const f of ['dist/extension.js', 'out/test/extension/index.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`missing ${f}: run \`npm run build && npm run compile-tests\` first`);
  }
  const { runTests } = require('@vscode/test-electron');
  const tmp = cs.makeTempDir('cdbt-electron-');
  const workspace = cs.makeTestWorkspace(path.join(tmp, 'open-webui'));
  const userDataDir = path.join(tmp, 'user-data');
  cs.writeSettings(userDataDir);
  const resultsFile = path.join(tmp, 'results.json');
  try {
    await runTests({
      version: process.env.VSCODE_TEST_VERSION || '1.100.3',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'extension', 'index.js'),
      // --disable-extensions: only the extension under development (and built-ins) load.
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`],
      extensionTestsEnv: { CDB_TEST_RESULTS: resultsFile, CDB_TEST_WORKSPACE: workspace, ...(grep ? { CDB_TEST_GREP: grep } : {}) },
    }).catch((err) => {
      // A failing run() makes VS Code exit non-zero; the results file still says what failed.
      if (!fs.existsSync(resultsFile)) throw err;
    });
    if (!fs.existsSync(resultsFile)) throw new Error('VS Code exited without writing test results');
    // VS Code desktop already printed mocha's output (the extension host's console is this terminal).
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    console.log(`${results.passed} passed, ${results.failed} failed, ${results.pending} skipped`);
    return results.failed > 0 ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`extension tests (VS Code desktop): ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
