// Cancel from the progress notification, clicked in the workbench: Inspect Container DB on a
// container whose database is ~150 MB, then "Pull cancelled.", a tree that still works, and on a
// Re-pull cancelled the same way the previous snapshot still shown and its grid still usable.
// The extension reaches the engine through a proxy (test/support/engineProxy) that holds the
// archive's answer after its first megabyte until the test lets it go: the Cancel click always
// lands while the pull runs. (A pull of 150 MB alone once took long enough; since the direct
// socket read it can finish before the click.) No sleep anywhere in the product.
// Fixtures: prefix cdbt-d3-ui-. Needs `npm run compile-tests` (helpers from out/test/support).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { fixtures, support, treeRow, rowByLabel, gridFrame, widenSideBar, quickPickRow, setDockerHost } = require('./steps');

const PREFIX = 'cdbt-d3-ui-cancel-';
const NAME = `${PREFIX}owui`;
const DB_PATH = '/app/backend/data/webui.db';
const PROXY_SOCKET = `/tmp/${PREFIX}engine.sock`;
/** How much of the archive the proxy hands on before it holds the rest. */
const HOLD_AFTER = 1 << 20;

/** The progress toast of a pull of NAME, and its Cancel button. */
function progressToast(page) {
  return page.locator('.notification-toast', { hasText: NAME }).filter({ has: page.locator('.monaco-button', { hasText: 'Cancel' }) }).first();
}

async function startInspect(page, ctx) {
  await ctx.runCommand(page, 'Container DB: Inspect Container DB');
  await quickPickRow(page, NAME).click();
}

/** Cancels the pull while the proxy holds its archive answer (`held`), then lets the engine go on. */
async function cancelPull(page, ctx, shot, held) {
  await held;
  const toast = progressToast(page);
  await toast.waitFor({ timeout: 15000 });
  const cancel = toast.locator('.monaco-button', { hasText: 'Cancel' });
  await cancel.waitFor();
  await ctx.screenshot(page, shot);
  await cancel.click();
  proxy.release();
}

let tmp;
/** The engine as the extension sees it in this spec. */
let proxy;

module.exports = {
  'a container with a ~150 MB database runs': async (_page, ctx) => {
    const fx = fixtures();
    await fx.removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const db = await fx.makeWebuiDb(path.join(tmp, 'webui.db'), { users: 20, targetMb: 150 });
    ctx.log(`database ${(fs.statSync(db).size / 2 ** 20).toFixed(0)} MiB`);
    await fx.createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: db });
    proxy = await support('engineProxy').EngineProxy.start({ unix: PROXY_SOCKET });
  },

  'Cancel on the progress notification stops the first pull: "Pull cancelled."': async (page, ctx) => {
    await ctx.activityBarItem(page, 'Container DB').click();
    await setDockerHost(page, ctx, proxy.dockerHost);
    // The container was listed before, through the engine's own socket: wait for the extension
    // to have switched (its new list comes through the proxy).
    for (let i = 0; i < 150 && proxy.requests === 0; i++) await page.waitForTimeout(200);
    ctx.assert.ok(proxy.requests > 0, 'the extension talks to the engine through the proxy');
    await treeRow(page, NAME).waitFor({ timeout: 30000 });
    await widenSideBar(page, 520);
    const held = proxy.stallArchiveAfter(HOLD_AFTER);
    await startInspect(page, ctx);
    await cancelPull(page, ctx, 'cancel-progress', held);
    await page.locator('.notification-toast', { hasText: /^Pull cancelled\.$/ }).first().waitFor();
    await ctx.screenshot(page, 'cancelled');
    await treeRow(page, NAME).click();
    const db = treeRow(page, DB_PATH);
    await db.waitFor();
    ctx.assert.match(await db.innerText(), /not pulled/);
  },

  'the view still works: a full pull after the cancel shows the tables': async (page, ctx) => {
    await startInspect(page, ctx);
    await treeRow(page, /pulled \d\d:\d\d/).waitFor({ timeout: 60000 });
    const chat = rowByLabel(page, 'chat');
    const db = treeRow(page, DB_PATH);
    for (let i = 0; i < 5 && !(await chat.isVisible()); i++) {
      if ((await db.getAttribute('aria-expanded')) !== 'true') await db.locator('.monaco-tl-twistie').click();
      await chat.waitFor({ timeout: 4000 }).catch(() => {});
    }
    await chat.waitFor();
  },

  'a cancelled Re-pull keeps the previous snapshot, and its grid still opens': async (page, ctx) => {
    const db = treeRow(page, DB_PATH);
    const before = await db.innerText();
    // The database node's inline Re-pull button, as a person would click it, even though the
    // divergence badge redraws the node after a pull: the command must get its node, never ask
    // which container (the picker would mean it reached a disposed item).
    await db.hover();
    const held = proxy.stallArchiveAfter(HOLD_AFTER);
    await db.locator('.action-label[aria-label="Re-pull Database"]').click();
    await cancelPull(page, ctx, 'cancel-repull-progress', held);
    await page.locator('.notification-toast', { hasText: 'Pull cancelled. The previous snapshot is still shown.' }).first().waitFor();
    // The row is redrawn once the pull's end reaches the tree (changes are coalesced, so it may
    // follow the toast): it must come back to the same snapshot, "pulled HH:MM · SIZE". (The
    // divergence badge after it may arrive or change meanwhile: the previous snapshot's comparison
    // with the host can finish at any time.)
    const snapshotPart = (text) => text.split(' · ').slice(0, 2).join(' · ');
    const row = treeRow(page, DB_PATH);
    let now = await row.innerText();
    for (let i = 0; i < 50 && snapshotPart(now) !== snapshotPart(before); i++) {
      await page.waitForTimeout(200);
      now = await row.innerText();
    }
    ctx.assert.strictEqual(snapshotPart(now), snapshotPart(before));
    ctx.assert.match(snapshotPart(now), /pulled \d\d:\d\d · [\d.]+ MB$/);
    await rowByLabel(page, 'chat').click();
    await gridFrame(page).locator('#range', { hasText: /rows 1–\d+ of [\d,]+/ }).waitFor({ timeout: 30000 });
    await ctx.screenshot(page, 'cancel-previous-snapshot-grid');
  },

  'the engine setting is put back (later specs talk to the engine directly)': async (page, ctx) => {
    await setDockerHost(page, ctx, '');
    // From here only the engine's own socket answers: a refresh lists the container only once the
    // extension has really gone back to it (a stale list would not show that).
    await proxy.stop();
    const unreachable = page.locator('.part.sidebar .welcome-view-content', { hasText: 'cannot be reached' });
    for (let i = 0; i < 10; i++) {
      // The view's own Refresh button (the palette may not take focus back from the closed Settings editor).
      await page.locator('.part.sidebar .action-label[aria-label="Refresh"]').first().click();
      if (await treeRow(page, NAME).waitFor({ timeout: 3000 }).then(() => true, () => false)) {
        if (!(await unreachable.isVisible().catch(() => false))) return;
      }
      await page.waitForTimeout(500);
    }
    throw new Error('the extension did not go back to the engine after containerDb.dockerHost was cleared');
  },

  after: async () => {
    await proxy?.stop();
    await fixtures().removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
};
