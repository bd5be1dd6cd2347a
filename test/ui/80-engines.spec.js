// Several engines in one view (issue 12 part 3), in a real workbench with the packaged extension:
// containerDb.engines names the Docker engine, Podman's service (test/support/secondEngine.ts)
// and an engine that cannot be reached. Each is a root node with its kind and version; the
// unreachable one says why, with Retry; a Podman container is pulled from the palette, where it is
// named with its engine. The screenshot is artifacts/ui/engines.png (docs/images/engines.png).
// The user settings.json is edited as a person would (an array has no Settings editor field) and
// put back afterwards. Fixture objects carry the prefix cdb12v-ui-.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { fixtures, support, treeRow, rowByLabel, quickPickRow, widenSideBar, showContainerDb } = require('./steps');

const PREFIX = 'cdb12v-ui-';
const ON_DOCKER = `${PREFIX}open-webui`;
const ON_PODMAN = `${PREFIX}open-webui-podman`;
const MISSING = '/tmp/cdb12v-ui-no-engine.sock';

let tmp;
let settingsFile;
let settingsBefore;

/** Writes the user settings.json through its editor, as a person would (an array has no Settings editor field). */
async function writeUserSettings(page, ctx, extra) {
  settingsFile = path.join(ctx.userDataDir, 'User', 'settings.json');
  if (settingsBefore === undefined) settingsBefore = fs.readFileSync(settingsFile, 'utf8');
  const text = JSON.stringify({ ...JSON.parse(settingsBefore), ...extra }, null, 2);
  await ctx.runCommand(page, 'Preferences: Open User Settings (JSON)');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+A');
  // insertText: no auto-closed brackets or quotes added on the way.
  await page.keyboard.insertText(text);
  await page.keyboard.press('Control+S');
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+W').catch(() => {});
}

module.exports = {
  'a container on Docker and one on Podman': async (_page, ctx) => {
    const fx = fixtures();
    const second = support('secondEngine');
    const why = await second.ensurePodmanService();
    if (why) throw new Error(`no second engine: ${why}`);
    await fx.removeByPrefix(PREFIX);
    await second.removePodmanByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const a = await fx.makeWebuiDb(path.join(tmp, 'docker.db'), { users: 5, chats: 20 });
    const b = await fx.makeWebuiDb(path.join(tmp, 'podman.db'), { users: 8, chats: 5 });
    await fx.createOpenWebuiContainer({ name: ON_DOCKER, volume: `${ON_DOCKER}-data`, dbFile: a });
    await second.createPodmanOwui(ON_PODMAN, b);
    ctx.log(`created ${ON_DOCKER} (docker) and ${ON_PODMAN} (podman, created)`);
  },

  'containerDb.engines shows each engine as a root node; the unreachable one says why, with Retry': async (page, ctx) => {
    await showContainerDb(page, ctx);
    await writeUserSettings(page, ctx, {
      'containerDb.showAllContainers': true,
      'containerDb.engines': [
        { name: 'docker' },
        { name: 'podman', host: support('secondEngine').PODMAN_HOST },
        { name: 'staging', host: `unix://${MISSING}` },
      ],
    });
    await showContainerDb(page, ctx);
    const docker = rowByLabel(page, 'docker');
    const podman = rowByLabel(page, 'podman');
    const staging = rowByLabel(page, 'staging');
    await docker.waitFor({ timeout: 30000 });
    await podman.waitFor();
    await staging.waitFor();
    await widenSideBar(page, 620);
    ctx.assert.match(await docker.innerText(), /docker \S+ · \d+ containers?/);
    ctx.assert.match(await podman.innerText(), /(docker|podman) \S+ · \d+ containers?/);
    ctx.assert.match(await staging.innerText(), /unreachable: .*does not exist/);
    await rowByLabel(page, ON_DOCKER).waitFor();
    await rowByLabel(page, ON_PODMAN).waitFor();
    // Retry is the unreachable engine's inline action.
    await staging.hover();
    await staging.locator('.action-label[aria-label="Retry Engine"]').waitFor();
  },

  'a Podman container is pulled from the palette, named with its engine': async (page, ctx) => {
    await ctx.runCommand(page, 'Container DB: Inspect Container DB');
    const pick = quickPickRow(page, `${ON_PODMAN} on podman`);
    await pick.waitFor();
    await pick.click();
    await treeRow(page, /pulled \d\d:\d\d/).waitFor({ timeout: 30000 });
    const user = rowByLabel(page, 'user');
    await user.waitFor({ timeout: 10000 }).catch(() => {});
    // A quiet moment for the screenshot: no notification over the view.
    await page.keyboard.press('Escape').catch(() => {});
    await rowByLabel(page, ON_DOCKER).waitFor();
    await page.mouse.move(900, 600);
    await page.waitForTimeout(500);
    await ctx.screenshot(page, 'engines');
    await page.screenshot({ path: path.join(ctx.artifacts, 'engines.png') });
  },

  after: async (page, ctx) => {
    if (settingsFile && settingsBefore !== undefined) await writeUserSettings(page, ctx, {}).catch(() => fs.writeFileSync(settingsFile, settingsBefore));
    const fx = fixtures();
    await fx.removeByPrefix(PREFIX);
    const second = support('secondEngine');
    await second.removePodmanByPrefix(PREFIX);
    second.stopPodmanService();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
};
