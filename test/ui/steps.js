// What the UI specs share: the compiled test support modules, and how to find things in the
// workbench (tree rows, webview documents) and arrange it for screenshots. Not a spec itself
// (the runner loads *.spec.js only).
'use strict';

const fs = require('fs');
const path = require('path');

/** A compiled module of test/support (out/test/support/NAME.js; needs `npm run compile-tests`). */
function support(name) {
  const file = path.join(__dirname, '..', '..', 'out', 'test', 'support', `${name}.js`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run compile-tests\` first`);
  return require(file);
}

/** test/support/dockerFixtures: fixture images, containers and databases. */
function fixtures() {
  return support('dockerFixtures');
}

/** The first tree row of the side bar that shows `text` (label or description). */
function treeRow(page, text) {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

/** The first row of the open quick pick that shows `text`. */
function quickPickRow(page, text) {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
}

/** The tree row whose label (not description) is exactly `label`. */
function rowByLabel(page, label) {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/** The newest webview's document: VS Code nests a webview's content two iframes deep. */
function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** The visible webview's document (hidden panels keep their iframes). */
function visibleWebview(page) {
  return page.frameLocator('iframe.webview.ready:visible').last().frameLocator('iframe#active-frame');
}

/** Drags the side bar's edge so that descriptions are readable in the screenshots. */
async function widenSideBar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** Shows the Container DB side bar (a click on its activity bar item when it is open would close it). */
async function showContainerDb(page, ctx) {
  const title = page.locator('.part.sidebar .title-label', { hasText: /Container DB/i });
  if (await title.isVisible().catch(() => false)) return;
  await ctx.activityBarItem(page, 'Container DB').click();
  await title.waitFor();
}

/** Sets containerDb.dockerHost in the Settings editor, as a person would ('' clears it). */
async function setDockerHost(page, ctx, value) {
  await ctx.runCommand(page, 'Preferences: Open User Settings');
  // The Settings editor opens with its search box focused.
  await page.locator('.settings-editor .settings-header').waitFor();
  await page.locator('.settings-editor .settings-header .monaco-editor.focused').waitFor();
  await page.keyboard.type('containerDb.dockerHost');
  const input = page
    .locator('.settings-editor .setting-item-contents')
    .filter({ has: page.locator('.setting-item-label', { hasText: /^Docker Host$/ }) })
    .locator('input')
    .first();
  await input.waitFor();
  await input.fill(value);
  await input.press('Tab');
  await page.keyboard.press('Control+W').catch(() => {});
}

module.exports = { support, fixtures, treeRow, quickPickRow, rowByLabel, webviewFrame, gridFrame: webviewFrame, visibleWebview, widenSideBar, showContainerDb, setDockerHost };
