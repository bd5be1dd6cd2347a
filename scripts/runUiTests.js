#!/usr/bin/env node
// UI tests: the packaged extension (.vsix) installed into a real VS Code (code-server 4.100.3, see
// scripts/installCodeServer.sh), its workbench driven by Debian's Chromium through playwright-core.
//
//   npm run build                                   (this script packages, but builds nothing)
//   node scripts/runUiTests.js [FILTER...] [--vsix PATH] [--keep]
//
// Writing a spec: test/ui/NN-name.spec.js is a plain CommonJS module exporting an object whose keys
// are test titles and whose values are `async (page, ctx) => {}`; they run in file order, in the
// order written. Each spec FILE gets a fresh browser page with the workbench already loaded on the
// test workspace; the tests inside one file share that page, so a later test may build on an
// earlier one, and after a failure the rest of that file is skipped. Fail by throwing (use
// ctx.assert or playwright's waits; page.setDefaultTimeout is 20 s, each test has 60 s).
// The one reserved key, `after: async (page, ctx) => {}`, is not a test: it runs once the file's
// tests are done, failed or not (remove the Docker fixtures there), and counts only if it fails.
//
//   module.exports = {
//     'shows the containers view': async (page, ctx) => {
//       await ctx.activityBarItem(page, 'Container DB').click();
//       await page.locator('.monaco-list-row', { hasText: 'open-webui' }).waitFor();
//       await ctx.screenshot(page, 'containers');        // → artifacts/ui/NN-containers.png
//     },
//   };
//
// ctx: { assert, url, serverUrl, workspace, userDataDir, extensionsDir, vsix, env, artifacts,
//        screenshot(page, name), waitForWorkbench(page), activityBarItem(page, title),
//        runCommand(page, title), openView(page, title), notifications(page), log(msg) }
// FILTER: run only the spec files whose name contains one of the given strings.
//
// Output: one line per test, then "N passed, N failed, N skipped"; exit 1 on any failure. Screenshots,
// the code-server log and the browser console go to artifacts/ui/.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const cs = require('../test/support/codeServer');

const ROOT = cs.ROOT;
// CDB_ARTIFACTS_DIR: for a second run alongside another in the same tree (each run empties its folder).
const ARTIFACTS = path.resolve(process.env.CDB_ARTIFACTS_DIR || path.join(ROOT, 'artifacts', 'ui'));
const SPEC_DIR = path.resolve(process.env.CDB_UI_SPEC_DIR || path.join(ROOT, 'test', 'ui'));
const DEFAULT_VSIX = path.join(ROOT, 'dist', 'container-db-inspector.vsix');
const TEST_TIMEOUT_MS = Number(process.env.CDB_UI_TEST_TIMEOUT_MS || 60000);
// A cold workbench on 2 busy cores has taken 30 s to appear; a test's own waits are shorter.
const LOAD_TIMEOUT_MS = 120000;
const WAIT_TIMEOUT_MS = 20000;

function parseArgs(argv) {
  const opts = { filters: [], vsix: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--vsix') opts.vsix = path.resolve(argv[++i]);
    else if (a === '--keep') opts.keep = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}; usage: runUiTests.js [FILTER...] [--vsix PATH] [--keep]`);
    else opts.filters.push(a);
  }
  return opts;
}

// `vsce package` rather than a copied folder: the test then sees exactly what a user installs
// (.vscodeignore applied, manifest validated). The local binary, so npx never goes to the registry.
function packageExtension() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');
  const res = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', DEFAULT_VSIX], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // no TTY: vsce must never wait for a "continue? [y/N]"
    timeout: 120000,
  });
  if (res.status !== 0) throw new Error(`vsce package failed (exit ${res.status}):\n${res.stdout}${res.stderr}`);
  return DEFAULT_VSIX;
}

function findSpecs(filters) {
  if (!fs.existsSync(SPEC_DIR)) return [];
  return fs
    .readdirSync(SPEC_DIR)
    .filter((f) => f.endsWith('.spec.js'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort()
    .map((f) => path.join(SPEC_DIR, f));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

function makeCtx(base) {
  let shot = 0;
  const ctx = {
    ...base,
    assert,
    log: (msg) => console.log(`      ${msg}`),
    /** Saves artifacts/ui/NN-name.png (NN counts up over the whole run) and returns its path. */
    async screenshot(page, name) {
      shot += 1;
      const file = path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${slug(name)}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    /** Resolves when the workbench is laid out (the remote connection may still be coming up). */
    async waitForWorkbench(page) {
      await page.locator('.monaco-workbench').waitFor({ timeout: LOAD_TIMEOUT_MS });
      await page.locator('.part.activitybar').waitFor({ timeout: LOAD_TIMEOUT_MS });
      await page.locator('.part.statusbar').waitFor({ timeout: LOAD_TIMEOUT_MS });
    },
    /** The activity bar entry of a view container, by its title (aria-label may add a keybinding). */
    activityBarItem(page, title) {
      return page.locator(`.part.activitybar a[aria-label="${title}"], .part.activitybar a[aria-label^="${title} ("]`).first();
    },
    /** Runs a command by its palette title, exactly as listed (e.g. "Container DB: Refresh"). */
    async runCommand(page, title) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`>${title}`);
      // The exact entry, not merely the first fuzzy match ("Refresh" would also match "Refresh All").
      const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click();
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => {});
    },
    /** Opens a view by name through "View: Open View" (works for views of any container). */
    async openView(page, title) {
      await ctx.runCommand(page, 'View: Open View');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      // That picker is the quick-access mode whose prefix is "view ": keep the prefix.
      await input.fill(`view ${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
    },
    /** The text of every visible notification toast. */
    async notifications(page) {
      return page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
    },
  };
  return ctx;
}

async function runSpecFile(file, browser, ctx, counts) {
  const name = path.basename(file, '.spec.js');
  let tests;
  let after;
  try {
    const mod = require(file);
    ({ after, ...tests } = typeof mod === 'function' ? { [name]: mod } : mod);
  } catch (err) {
    counts.failed += 1;
    console.log(`  ✖ ${name}: cannot load: ${err.message}`);
    return;
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(WAIT_TIMEOUT_MS);
  const consoleLog = fs.openSync(path.join(ARTIFACTS, `${name}.console.log`), 'w');
  page.on('console', (m) => fs.writeSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => fs.writeSync(consoleLog, `[pageerror] ${e.stack || e.message}\n`));
  let skipRest = false;
  try {
    await page.goto(ctx.url, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
    await ctx.waitForWorkbench(page);
  } catch (err) {
    skipRest = true;
    counts.failed += 1;
    console.log(`  ✖ ${name}: workbench did not load: ${err.message.split('\n')[0]}`);
    await ctx.screenshot(page, `FAILED-${name}-workbench`).catch(() => {});
  }
  for (const [title, fn] of Object.entries(tests)) {
    if (skipRest) {
      counts.skipped += 1;
      console.log(`  - ${name} › ${title} (skipped)`);
      continue;
    }
    try {
      await withTimeout(Promise.resolve().then(() => fn(page, ctx)), TEST_TIMEOUT_MS, `"${title}"`);
      counts.passed += 1;
      console.log(`  ✔ ${name} › ${title}`);
    } catch (err) {
      counts.failed += 1;
      skipRest = true;
      const shot = await ctx.screenshot(page, `FAILED-${name}-${title}`).catch(() => undefined);
      console.log(`  ✖ ${name} › ${title}\n      ${String(err && err.stack ? err.stack : err).split('\n').slice(0, 6).join('\n      ')}`);
      if (shot) console.log(`      screenshot: ${path.relative(ROOT, shot)}`);
    }
  }
  if (typeof after === 'function') {
    try {
      await withTimeout(Promise.resolve().then(() => after(page, ctx)), TEST_TIMEOUT_MS, `${name} › after`);
    } catch (err) {
      counts.failed += 1;
      console.log(`  ✖ ${name} › after\n      ${String(err && err.stack ? err.stack : err).split('\n').slice(0, 6).join('\n      ')}`);
    }
  }
  await page.close().catch(() => {});
  fs.closeSync(consoleLog);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  cs.codeServerBin();
  const specs = findSpecs(opts.filters);
  if (specs.length === 0) throw new Error(`no test/ui/*.spec.js${opts.filters.length ? ` matching ${opts.filters.join(', ')}` : ''}`);
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const vsix = opts.vsix || packageExtension();
  const tmp = cs.makeTempDir('cdbt-ui-', { keep: opts.keep });
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = cs.makeTestWorkspace(path.join(tmp, 'open-webui'));
  cs.installVsix(vsix, { userDataDir, extensionsDir });

  let server;
  let browser;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const env = { CDB_TEST_WORKSPACE: workspace };
    server = await cs.startCodeServer({ userDataDir, extensionsDir, workspace, env, logFile: path.join(ARTIFACTS, 'code-server.log') });
    browser = await cs.launchChromium();
    const ctx = makeCtx({
      url: `${server.url}/?folder=${encodeURIComponent(workspace)}`,
      serverUrl: server.url,
      workspace,
      userDataDir,
      extensionsDir,
      vsix,
      env: { ...process.env, ...env },
      artifacts: ARTIFACTS,
    });
    for (const file of specs) await runSpecFile(file, browser, ctx, counts);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    if (opts.keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return counts.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`UI tests: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
