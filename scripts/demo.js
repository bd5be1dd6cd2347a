#!/usr/bin/env node
// `npm run demo`: the problem this project exists for, set up in one command, then opened in VS Code.
//
// - builds and packages the extension;
// - makes a demo workspace whose backend/data/webui.db is the developer's host copy (with the
//   usage data they entered by hand);
// - starts `open-webui-demo`, an Open WebUI-like container whose /app/backend/data is a *named
//   volume* holding another webui.db: the one the app really reads, freshly initialised, so its
//   usage tables are empty — the seed case, where the UI shows nothing;
// - opens VS Code with the extension: the desktop `code` CLI when it is installed, otherwise
//   code-server (installed by scripts/installCodeServer.sh) at a printed 127.0.0.1 URL.
// Ctrl-C stops code-server; `npm run demo -- --clean` removes the container and its volume.
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const demo = path.join(root, '.cache', 'demo');
const workspace = path.join(demo, 'workspace');
const hostDb = path.join(workspace, 'backend', 'data', 'webui.db');
const containerDb = path.join(demo, 'container-webui.db');
const NAME = 'open-webui-demo';
const say = (line) => console.log(`demo: ${line}`);
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

async function main() {
  const fixtures = () => require(path.join(root, 'out', 'test', 'support', 'dockerFixtures.js'));
  if (process.argv.includes('--clean')) {
    sh('npm', ['run', '--silent', 'compile-tests']);
    await fixtures().removeByPrefix(NAME);
    fs.rmSync(demo, { recursive: true, force: true });
    say('removed the demo container, its volume and .cache/demo');
    return;
  }
  say('building and packaging the extension…');
  sh('npm', ['run', '--silent', 'compile-tests']);
  sh('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = path.join(root, 'dist', 'container-db-inspector.vsix');

  const { ensureFixtureImage, createOpenWebuiContainer, removeByPrefix } = fixtures();
  fs.mkdirSync(path.dirname(hostDb), { recursive: true });
  fs.rmSync(hostDb, { force: true });
  fs.rmSync(containerDb, { force: true });
  say('making the host copy (workspace) and the container copy of webui.db…');
  sh('bash', [path.join(root, 'scripts', 'makeWebuiDb.sh'), hostDb, '--users', '25', '--chats', '400', '--usage-days', '60']);
  fs.copyFileSync(hostDb, containerDb);
  // The container's database was initialised by the app; the usage rows were entered on the host.
  sh('sqlite3', [containerDb, 'DELETE FROM client_user_daily_usage; DELETE FROM client_model_daily_usage; DELETE FROM client_daily_usage;']);

  await removeByPrefix(NAME);
  await ensureFixtureImage();
  await createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: containerDb });
  say(`started container '${NAME}' with the named volume '${NAME}-data' at /app/backend/data`);

  const code = spawnSync('code', ['--version'], { encoding: 'utf8' });
  if (code.status === 0 && !process.argv.includes('--code-server')) {
    sh('code', ['--install-extension', vsix, '--force']);
    sh('code', [workspace]);
    say(`opened VS Code on ${workspace}: open the Container DB view in the activity bar.`);
    return;
  }
  sh('bash', [path.join(root, 'scripts', 'installCodeServer.sh')]);
  const { startCodeServer, installVsix } = require('../test/support/codeServer');
  const userDataDir = path.join(demo, 'code-server', 'user-data');
  const extensionsDir = path.join(demo, 'code-server', 'extensions');
  installVsix(vsix, { userDataDir, extensionsDir });
  const port = Number(process.env.PORT || 8080);
  const server = await startCodeServer({ port, userDataDir, extensionsDir, workspace, timeoutMs: 120000 });
  say(`VS Code (code-server) is at ${server.url}/?folder=${encodeURIComponent(workspace)}`);
  say('open the Container DB view in the activity bar, then Inspect Container DB on open-webui-demo. Ctrl-C to stop.');
  process.on('SIGINT', () => server.stop().then(() => process.exit(0)));
  await new Promise(() => undefined);
}

main().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(1);
});
