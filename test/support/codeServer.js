// Starts and stops the real VS Code (code-server 4.100.3, installed by scripts/installCodeServer.sh
// into .cache/code-server) that the extension-host tests and the UI tests run against, and launches
// the Chromium that drives its workbench. A library of the test harness, so it lives with the tests
// (scripts/ keeps the entry points that use it: runExtensionTests.js, runUiTests.js,
// runElectronTests.js, demo.js; test/ui/70-trust.spec.js starts a second server with it).
//
// Why a process group: code-server is a wrapper process that forks the server, which forks the
// extension host, file watchers and pty hosts. Killing only the pid we spawned leaves those
// running (and holding the port), so we spawn detached (a new group) and signal the whole group.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CODE_SERVER_VERSION = '4.100.3';
const CODE_SERVER_BIN = path.join(
  process.env.CODE_SERVER_DIR || path.join(ROOT, '.cache', 'code-server'),
  'node_modules',
  '.bin',
  'code-server',
);

// The workbench must not reach the internet (there is none here) nor surprise a test with a
// walkthrough, a trust prompt, a port-forwarding toast or a recommendation.
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'remote.autoForwardPorts': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'npm.fetchOnlinePackageInfo': false,
  'json.schemaDownload.enable': false,
  'chat.commandCenter.enabled': false,
  'editor.accessibilitySupport': 'off',
  'window.restoreWindows': 'none',
};

// An empty gallery disables the Extensions view's marketplace (code-server's default is open-vsx.org).
const NO_GALLERY = '{}';

// Debian's Chromium, flags from /work/shared/ENVIRONMENT.md (root needs --no-sandbox).
const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ],
};

function codeServerBin() {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_BIN}); run: bash scripts/installCodeServer.sh`);
  }
  return CODE_SERVER_BIN;
}

/** Writes <userDataDir>/User/settings.json: the quiet defaults plus `extra`. */
function writeSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2));
}

// What must not outlive the driver (code-server's process group, temp dirs), even when it is
// interrupted: 'exit' handlers run on a normal end, and the signals below are turned into one.
const atExit = new Set();
process.on('exit', () => {
  for (const fn of atExit) {
    try {
      fn();
    } catch {
      // best effort: the process is ending
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => process.exit(128 + os.constants.signals[sig]));

/**
 * A fresh directory under the system temp dir; `prefix` (cdbt-...) says whose it is. Removed when
 * the process ends unless `keep`.
 */
function makeTempDir(prefix, { keep = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (!keep) atExit.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// code-server writes ~/.config/code-server/config.yaml (with a generated password) when --config
// names no existing file; a file of our own keeps the developer's home untouched.
function writeConfig(userDataDir) {
  const file = path.join(userDataDir, 'code-server.yaml');
  fs.writeFileSync(file, 'auth: none\n');
  return file;
}

function commonArgs({ userDataDir, extensionsDir }) {
  return ['--config', writeConfig(userDataDir), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

function childEnv(env) {
  return { ...process.env, EXTENSIONS_GALLERY: NO_GALLERY, ...env };
}

/**
 * Starts code-server and resolves once it answers HTTP.
 * @param {{port?: number, userDataDir: string, extensionsDir: string, workspace?: string,
 *          env?: Record<string,string>, settings?: object, logFile?: string, timeoutMs?: number}} opts
 * @returns {Promise<{url: string, port: number, pid: number, logFile: string, stop: () => Promise<void>}>}
 */
async function startCodeServer(opts) {
  // workspaceTrust: true runs with Workspace Trust on (the trust prompt and Restricted Mode), for
  // the test of what an untrusted workspace may not change.
  const { userDataDir, extensionsDir, workspace, env = {}, settings = {}, timeoutMs = 60000, workspaceTrust = false } = opts;
  const bin = codeServerBin();
  const port = opts.port || (await freePort());
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always', ...settings } : settings);
  const logFile = opts.logFile || path.join(userDataDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    ...commonArgs({ userDataDir, extensionsDir }),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(workspace ? [workspace] : []),
  ];
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', out, out], env: childEnv(env) });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  const pgid = child.pid;
  let stopped = false;
  // If the driver dies, take code-server with it rather than leave it holding the port.
  const killNow = () => signalGroup(pgid, 'SIGKILL');
  atExit.add(killNow);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    atExit.delete(killNow);
    await killGroup(pgid, () => exited !== null);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited (${JSON.stringify(exited)}) before answering; log ${logFile}:\n${tail(logFile)}`);
    }
    if ((await httpStatus(`${url}/healthz`)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms; log ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(200);
  }
  return { url, port, pid: pgid, logFile, stop };
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killGroup(pgid, leaderExited) {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (groupAlive(pgid) || !leaderExited())) await sleep(100);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  while (groupAlive(pgid)) await sleep(50);
}

/**
 * Installs a packaged extension the way a user does (copying a folder is not enough: code-server
 * marks an extension it did not install itself as removed).
 * @returns {string} code-server's output
 */
function installVsix(vsixPath, { userDataDir, extensionsDir }) {
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const res = spawnSync(
    codeServerBin(),
    [...commonArgs({ userDataDir, extensionsDir }), '--force', '--install-extension', path.resolve(vsixPath)],
    { encoding: 'utf8', env: childEnv({}), timeout: 120000 },
  );
  const output = `${res.stdout || ''}${res.stderr || ''}`;
  if (res.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${res.status}):\n${output}`);
  }
  return output;
}

/** Ids (publisher.name@version) of the extensions installed in extensionsDir. */
function listExtensions({ userDataDir, extensionsDir }) {
  const res = spawnSync(codeServerBin(), [...commonArgs({ userDataDir, extensionsDir }), '--list-extensions', '--show-versions'], {
    encoding: 'utf8',
    env: childEnv({}),
  });
  return (res.stdout || '').split('\n').filter((l) => /^[\w.-]+@/.test(l));
}

/**
 * The test workspace: a developer's Open WebUI checkout, whose backend/data/webui.db is the host
 * copy that the extension compares with the container's. Returns `dir`.
 */
function makeTestWorkspace(dir) {
  const db = path.join(dir, 'backend', 'data', 'webui.db');
  fs.mkdirSync(path.dirname(db), { recursive: true });
  const maker = path.join(ROOT, 'scripts', 'makeWebuiDb.sh');
  const res = fs.existsSync(maker)
    ? spawnSync('bash', [maker, db], { encoding: 'utf8' })
    : spawnSync('sqlite3', [db, "CREATE TABLE user(id TEXT PRIMARY KEY, name TEXT, email TEXT); INSERT INTO user VALUES('u1','Ada','ada@example.com');"], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`could not create ${db}: ${res.stderr || res.error}`);
  return dir;
}

/** Chromium via playwright-core, with the flags that work here. */
async function launchChromium(extraArgs = []) {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args, ...extraArgs] });
}

module.exports = {
  ROOT,
  CODE_SERVER_VERSION,
  QUIET_SETTINGS,
  codeServerBin,
  writeSettings,
  makeTempDir,
  freePort,
  startCodeServer,
  installVsix,
  listExtensions,
  makeTestWorkspace,
  launchChromium,
};
