// Changes since the last pull (issue 11, part 1), clicked through in a real workbench with the
// packaged extension: pull a fixture container, write rows with its own sqlite3 (3 chats in, 1
// renamed, 2 deleted, a password changed), re-pull → the badges on the database and table rows,
// the status bar "2 tables changed N s ago", and Show Changes with the rows themselves. Screenshots
// go to artifacts/ui/. Fixture objects carry the prefix cdb11e-ui-. Needs `npm run compile-tests`.
'use strict';

const fs = require('fs');
const { fixtures, treeRow, rowByLabel, webviewFrame, widenSideBar, quickPickRow } = require('./steps');

const PREFIX = 'cdb11e-ui-';
const NAME = `${PREFIX}owui`;
const WRITES = `
INSERT INTO chat SELECT 'new-' || id, user_id, 'new ' || title, chat, created_at, updated_at, NULL, archived, pinned, meta, folder_id FROM chat ORDER BY id LIMIT 3;
UPDATE chat SET title = 'Renamed: ' || title WHERE id = (SELECT id FROM chat WHERE id NOT LIKE 'new-%' ORDER BY id LIMIT 1 OFFSET 5);
DELETE FROM chat WHERE id IN (SELECT id FROM chat WHERE id NOT LIKE 'new-%' ORDER BY id DESC LIMIT 2);
UPDATE auth SET password = 'changed-secret-hash' WHERE id = (SELECT id FROM auth ORDER BY id LIMIT 1);
`;

let tmp;

module.exports = {
  'a fixture container, pulled once': async (page, ctx) => {
    const fx = fixtures();
    ({ tmp } = await fx.freshOpenWebuiContainer(PREFIX, NAME, { users: 9, chats: 60 }));
    await ctx.activityBarItem(page, 'Container DB').click();
    await treeRow(page, NAME).waitFor({ timeout: 50000 });
    await widenSideBar(page, 640);
    await ctx.runCommand(page, 'Container DB: Inspect Container DB');
    await quickPickRow(page, NAME).click();
    await treeRow(page, /pulled \d\d:\d\d/).waitFor({ timeout: 50000 });
    ctx.assert.strictEqual(await treeRow(page, /since last pull/).isVisible(), false, 'a first pull has no changes');
  },

  'the app writes rows; a re-pull badges the database and the tables that changed': async (page, ctx) => {
    await fixtures().sqliteInContainer(NAME, WRITES);
    await ctx.runCommand(page, 'Container DB: Re-pull Database');
    const pick = quickPickRow(page, NAME);
    if (await pick.waitFor({ timeout: 3000 }).then(() => true, () => false)) await pick.click();
    const db = treeRow(page, /2 tables changed since last pull/);
    await db.waitFor({ timeout: 50000 });
    const chat = rowByLabel(page, 'chat');
    await chat.waitFor();
    ctx.assert.match(await chat.innerText(), /(since pull \+3 ~1 −2|\+3 ~1 −2 since last pull)$/);
    ctx.assert.match(await rowByLabel(page, 'auth').innerText(), /(since pull ~1|~1 since last pull)$/);
    ctx.assert.doesNotMatch(await rowByLabel(page, 'user').innerText(), /pull/);
    await ctx.screenshot(page, 'changes-badges');
  },

  'the status bar says how many tables changed and how long ago; a click opens Show Changes': async (page, ctx) => {
    const item = page.locator('.part.statusbar .statusbar-item', { hasText: /2 tables changed \d+ s ago/ }).first();
    await item.waitFor();
    const first = await item.innerText();
    // The relative time moves on while it is shown.
    await page.locator('.part.statusbar .statusbar-item', { hasText: /2 tables changed \d+ s ago/ }).filter({ hasNotText: first.trim() }).first().waitFor({ timeout: 5000 });
    await ctx.screenshot(page, 'changes-status-bar');
    await item.click();
    const frame = webviewFrame(page);
    await frame.locator('#headline', { hasText: '2 tables changed between the pulls of' }).waitFor({ timeout: 30000 });
    ctx.assert.match(await frame.locator('#headline').innerText(), /chat: \+3 ~1 −2$/);
    ctx.assert.strictEqual(await frame.locator('#tab-inserted').innerText(), 'Inserted +3');
    ctx.assert.strictEqual(await frame.locator('#tab-updated').innerText(), 'Updated ~1');
    ctx.assert.strictEqual(await frame.locator('#tab-deleted').innerText(), 'Deleted −2');
    await frame.locator('#right tbody tr.inserted').first().waitFor();
    ctx.assert.strictEqual(await frame.locator('#right tbody tr.inserted').count(), 3);
    ctx.assert.strictEqual(await frame.locator('#left tbody tr.absent').count(), 3);
    ctx.assert.match(await frame.locator('#left tbody tr.absent').first().innerText(), /not in the previous pull/);
    await ctx.screenshot(page, 'changes-view-inserted');
  },

  'updated rows: old values left, new right, the changed cell marked; secrets masked': async (page, ctx) => {
    const frame = webviewFrame(page);
    await frame.locator('#tab-updated').click();
    await frame.locator('#right tbody tr.updated td.changed').first().waitFor();
    ctx.assert.match(await frame.locator('#right tbody tr.updated td.changed').first().innerText(), /^Renamed: /);
    ctx.assert.doesNotMatch(await frame.locator('#left tbody tr.updated td.changed').first().innerText(), /Renamed: /);
    await ctx.screenshot(page, 'changes-view-updated');
    await frame.locator('#tab-deleted').click();
    await frame.locator('#left tbody tr.deleted').first().waitFor();
    ctx.assert.strictEqual(await frame.locator('#left tbody tr.deleted').count(), 2);
    await frame.locator('#table').selectOption('auth');
    await frame.locator('#right tbody tr.updated td.changed', { hasText: '••••••••' }).first().waitFor();
    ctx.assert.strictEqual(await frame.locator('body', { hasText: 'changed-secret-hash' }).count(), 0);
    await ctx.screenshot(page, 'changes-view-secret-masked');
  },

  'the README picture: the tree beside the change view of chat, updated rows': async (page, ctx) => {
    // A narrower side bar than the steps above, so that the change view has room for its two sides.
    const box = await page.locator('.part.sidebar').boundingBox();
    ctx.assert.ok(box);
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + 470, y, { steps: 5 });
    await page.mouse.up();
    const frame = webviewFrame(page);
    await frame.locator('#table').selectOption('chat');
    await frame.locator('#headline', { hasText: 'chat: +3 ~1 −2' }).waitFor();
    await frame.locator('#tab-updated').click();
    await frame.locator('#right tbody tr.updated td.changed').first().waitFor();
    await rowByLabel(page, 'chat').waitFor();
    await ctx.screenshot(page, 'changes-readme');
  },

  after: async () => {
    await fixtures().removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
};
