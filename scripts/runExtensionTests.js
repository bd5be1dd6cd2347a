#!/usr/bin/env node
// Runs test/extension/** inside a real VS Code extension host: code-server 4.100.3 (see
// scripts/installCodeServer.sh) with this repository as the development extension, driven by
// Debian's Chromium. What @vscode/test-electron does on a desktop, done the way that works here.
//
//   npm run build && npm run compile-tests      (this script builds nothing)
//   node scripts/runExtensionTests.js [--grep PATTERN] [--keep]
//
// How code-server 4.100.3 behaves (measured here, see the report in the PR):
// - The workbench URL's `payload` ([["extensionDevelopmentPath", vscode-remote://...],
//   ["extensionTestsPath", vscode-remote://.../index.js]]) makes the remote extension host load the
//   repository as a development extension and call `run()` from index.js once it is up.
// - The extension under test is loaded but NOT yet activated when run() starts: tests activate it
//   (`ext.activate()`) or trigger an activation event.
// - The host inherits code-server's environment, so CDB_TEST_RESULTS, DOCKER_HOST, ... reach the tests.
// - console.log in the host goes to the browser's console; process.stdout goes to code-server's log.
// - When run() settles the host exits with code 0 WHETHER IT RESOLVED OR REJECTED, and the
//   workbench closes the page. So the outcome travels in the results file that test/extension/index.ts
//   writes ($CDB_TEST_RESULTS), never in an exit code.
//
// Output: mocha's spec output as the tests run, then one line "N passed, N failed, N skipped"; exit 1
// on any failure, on a timeout (CDB_TEST_TIMEOUT_MS, default 8 min) or when the host ends without results.
// Logs (code-server, the browser console) and a screenshot of the workbench are left in artifacts/extension/.
'use strict';

const fs = require('fs');
const path = require('path');
const cs = require('../test/support/codeServer');

const ROOT = cs.ROOT;
const TIMEOUT_MS = Number(process.env.CDB_TEST_TIMEOUT_MS || 8 * 60 * 1000);
// CDB_ARTIFACTS_DIR: for a second run alongside another in the same tree (each run empties its folder).
const ARTIFACTS = path.resolve(process.env.CDB_ARTIFACTS_DIR || path.join(ROOT, 'artifacts', 'extension'));

function parseArgs(argv) {
  const opts = { grep: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--grep') opts.grep = argv[++i];
    else if (argv[i] === '--keep') opts.keep = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: runExtensionTests.js [--grep PATTERN] [--keep]`);
  }
  return opts;
}

function requireBuilt() {
  const needed = ['dist/extension.js', 'out/test/extension/index.js'];
  const missing = needed.filter((f) => !fs.existsSync(path.join(ROOT, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`npm run build && npm run compile-tests\` first`);
}

// scripts/test.js adds up mocha's "N passing" lines and our closing line; printing both would count
// every test twice, so mocha's own summary lines are left out (the failure details after them stay).
const MOCHA_SUMMARY = /^\s*\d+ (passing|failing|pending)\b/;

/** Prints the lines appended to `file` since the last call. */
function makeTailer(file, print) {
  let offset = 0;
  let partial = '';
  return () => {
    let text;
    try {
      const fd = fs.openSync(file, 'r');
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      text = partial + buf.toString('utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    partial = lines.pop();
    for (const l of lines) print(l);
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  requireBuilt();
  cs.codeServerBin();
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const tmp = cs.makeTempDir('cdbt-ext-', { keep: opts.keep });
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = cs.makeTestWorkspace(path.join(tmp, 'open-webui'));
  const resultsFile = path.join(tmp, 'results.json');
  const liveLog = `${resultsFile}.log`;
  const consoleLog = fs.openSync(path.join(ARTIFACTS, 'browser-console.log'), 'w');

  let server;
  let browser;
  let page;
  const cleanup = async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: path.join(ARTIFACTS, 'workbench.png') }).catch(() => {});
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    fs.closeSync(consoleLog);
    if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  };

  try {
    server = await cs.startCodeServer({
      userDataDir,
      extensionsDir,
      workspace,
      logFile: path.join(ARTIFACTS, 'code-server.log'),
      // The extension host inherits these (and the rest of our environment: DOCKER_HOST, ...).
      env: { CDB_TEST_RESULTS: resultsFile, CDB_TEST_WORKSPACE: workspace, ...(opts.grep ? { CDB_TEST_GREP: opts.grep } : {}) },
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out', 'test', 'extension', 'index.js'))],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    browser = await cs.launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let pageClosed = false;
    page.on('close', () => (pageClosed = true));
    page.on('console', (m) => fs.writeSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => fs.writeSync(consoleLog, `[pageerror] ${e.stack || e.message}\n`));
    await page.goto(url);

    const tailer = makeTailer(liveLog, (line) => {
      if (!MOCHA_SUMMARY.test(line)) console.log(line);
    });
    const deadline = Date.now() + TIMEOUT_MS;
    let closedAt = 0;
    for (;;) {
      tailer();
      if (fs.existsSync(resultsFile)) break;
      // The page closes when run() settles; the results file is written just before, so a closed
      // page with no file after a grace period means run() never got to write it.
      if (pageClosed && !closedAt) closedAt = Date.now();
      if (closedAt && Date.now() - closedAt > 3000) {
        throw new Error(`the extension host ended without writing results (did index.js load? see ${path.join(ARTIFACTS, 'browser-console.log')})`);
      }
      if (Date.now() > deadline) {
        throw new Error(`no results after ${TIMEOUT_MS / 1000} s (CDB_TEST_TIMEOUT_MS); see ${ARTIFACTS}`);
      }
      await sleep(250);
    }
    tailer();
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (!fs.existsSync(liveLog)) {
      for (const line of results.output.split('\n')) if (!MOCHA_SUMMARY.test(line)) console.log(line);
    }
    // Failures that never reached mocha's reporter (a test file that threw while loading).
    if (!results.output.trim()) for (const f of results.failures) console.log(`  FAILED ${f.title}\n${f.error}`);
    console.log(`${results.passed} passed, ${results.failed} failed, ${results.pending} skipped`);
    return results.failed > 0 ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`extension tests: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
