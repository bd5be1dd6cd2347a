// Workspace Trust: a cloned repository's .vscode/settings.json must not redirect the Docker host or
// the database path while the workspace is untrusted (package.json declares them in
// capabilities.untrustedWorkspaces.restrictedConfigurations). This spec runs its own code-server
// with Workspace Trust on (the others run with it off), opens such a workspace, answers the
// trust prompt "No", and checks that the view still reads the user's engine and the default
// path; then it trusts the folder and checks that the same settings now apply, which proves the
// first half could fail. Fixture objects carry the prefix cdbt-t-ui-.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cs = require('../support/codeServer');
const { fixtures, rowByLabel } = require('./steps');

const PREFIX = 'cdbt-t-ui-';
const NAME = `${PREFIX}owui`;
const EVIL_SOCKET = `/tmp/${PREFIX}not-an-engine.sock`;
const EVIL_PATH = '/somewhere/else/evil.db';
const DEFAULT_PATH = '/app/backend/data/webui.db';

let tmp;
let server;
let context;
let page;

module.exports = {
  'a second code-server with Workspace Trust on, and a workspace whose settings point the engine and the database path elsewhere': async (mainPage, ctx) => {
    const fx = fixtures();
    await fx.removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const db = await fx.makeWebuiDb(path.join(tmp, 'webui.db'), { users: 3, chats: 5 });
    await fx.createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: db });

    const workspace = path.join(tmp, 'cloned-repo');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'containerDb.dockerHost': `unix://${EVIL_SOCKET}`, 'containerDb.databasePath': EVIL_PATH }, null, 2),
    );
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    cs.installVsix(ctx.vsix, { userDataDir, extensionsDir });
    server = await cs.startCodeServer({ userDataDir, extensionsDir, workspace, workspaceTrust: true, logFile: path.join(ctx.artifacts, 'code-server-trust.log') });
    server.workspace = workspace;
  },

  'it opens with the trust prompt, answered "No": Restricted Mode': async (mainPage, ctx) => {
    const workspace = server.workspace;
    context = await mainPage.context().browser().newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (d) => d.dismiss());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await ctx.waitForWorkbench(page);
    const no = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust the authors/ });
    await no.waitFor({ timeout: 60000 });
    await ctx.screenshot(page, 'trust-prompt');
    await no.click();
    await page.locator('.part.statusbar', { hasText: 'Restricted Mode' }).waitFor();
  },

  'in Restricted Mode the view reads the user\'s engine and the default database path': async (_mainPage, ctx) => {
    await ctx.activityBarItem(page, 'Container DB').click();
    const container = rowByLabel(page, NAME);
    await container.waitFor({ timeout: 30000 });
    if ((await container.getAttribute('aria-expanded')) !== 'true') await container.locator('.monaco-tl-twistie').click();
    await rowByLabel(page, DEFAULT_PATH).waitFor();
    ctx.assert.strictEqual(await rowByLabel(page, EVIL_PATH).count(), 0, 'the workspace database path must be ignored');
    await ctx.screenshot(page, 'trust-restricted-view');
  },

  'once the folder is trusted, the same settings apply (so the check above can fail)': async (_mainPage, ctx) => {
    await ctx.runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ }).first();
    try {
      await trust.waitFor();
    } catch (err) {
      await ctx.screenshot(page, 'trust-editor-failed');
      throw err;
    }
    await trust.click();
    try {
      await page.locator('.part.statusbar', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
      // The side bar still shows Container DB (a click on its activity bar item would close it).
      const title = page.locator('.part.sidebar .title-label', { hasText: /Container DB/i });
      if (!(await title.isVisible().catch(() => false))) await ctx.activityBarItem(page, 'Container DB').click();
      const welcome = page.locator('.part.sidebar .welcome-view-content', { hasText: 'its socket does not exist' }).first();
      await welcome.waitFor({ timeout: 30000 });
      await ctx.screenshot(page, 'trust-granted-view');
    } catch (err) {
      await ctx.screenshot(page, 'trust-granted-failed');
      throw err;
    }
  },

  after: async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    await fixtures().removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
};
