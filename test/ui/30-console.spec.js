// Quick queries and the SQL console, clicked through in a real workbench with the packaged
// extension: the Quick queries node of a pulled database, a quick query's result grid, the same
// query on container and host side by side, a console statement that fails, and a console result
// larger than a page (paged and sorted like the table grid). Screenshots go to
// artifacts/ui/. Fixture objects carry the prefix cdbt-h-ui-console- (not a prefix of
// 60-hostile's cdbt-h-ui-hostile-, so the two specs can run at once). Needs `npm run compile-tests` (the
// fixture helpers are used from out/test/support). The host database is the test workspace's
// backend/data/webui.db (scripts/makeWebuiDb.sh, made by the harness).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { support, treeRow, rowByLabel, visibleWebview, widenSideBar, quickPickRow } = require('./steps');

const PREFIX = 'cdbt-h-ui-console-';
const NAME = `${PREFIX}owui`;

async function pick(page, text) {
  const row = quickPickRow(page, text);
  await row.waitFor();
  await row.click();
}

/** Accepts every parameter box with the value it shows (the default, or the last one used). */
async function acceptParams(page, count) {
  for (let i = 1; i <= count; i++) {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `parameter ${i} of ${count}` }).waitFor();
    await page.keyboard.press('Enter');
  }
}

let tmp;
let hostDb;

module.exports = {
  'a fixture container with usage data this month is pulled': async (page, ctx) => {
    const fx = support('dockerFixtures');
    const usage = support('usageData');
    await fx.removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const db = usage.writeUsageDb(path.join(tmp, 'webui.db'), usage.generateUsageData({ today: new Date().toISOString().slice(0, 10), seed: 3, everyModelToday: true }));
    await fx.createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: db });
    // The host copy: the same users and models with other usage (put back as it was afterwards).
    hostDb = path.join(ctx.workspace, 'backend', 'data', 'webui.db');
    if (fs.existsSync(hostDb)) fs.copyFileSync(hostDb, path.join(tmp, 'workspace-webui.db'));
    const hostData = usage.generateUsageData({ today: new Date().toISOString().slice(0, 10), seed: 4, everyModelToday: true });
    hostData.modelDaily = hostData.modelDaily.filter((r) => r.model_name !== 'deepseek/deepseek-chat');
    usage.writeUsageDb(hostDb, hostData);
    await ctx.activityBarItem(page, 'Container DB').click();
    await treeRow(page, NAME).waitFor();
    await widenSideBar(page, 520);
    await treeRow(page, NAME).click();
    await ctx.runCommand(page, 'Container DB: Inspect Container DB');
    await pick(page, NAME);
    await treeRow(page, /pulled \d\d:\d\d/).waitFor({ timeout: 30000 });
  },

  'the database node has Quick queries, listed by the tables it has': async (page, ctx) => {
    const group = rowByLabel(page, 'Quick queries');
    // The pulled database node opens expanded, unless a redraw (the divergence badge) collapsed it.
    await group.waitFor({ timeout: 5000 }).catch(async () => {
      await treeRow(page, /pulled \d\d:\d\d/).locator('.monaco-tl-twistie').click();
      await group.waitFor();
    });
    await group.click();
    await rowByLabel(page, 'Usage by user').waitFor();
    await rowByLabel(page, 'Usage by model').waitFor();
    ctx.assert.ok(await rowByLabel(page, 'Largest tables by row count').isVisible());
    await group.scrollIntoViewIfNeeded();
    await ctx.screenshot(page, 'quick-queries-node');
  },

  'Usage by user on the container: parameters with defaults, then the result grid': async (page, ctx) => {
    await rowByLabel(page, 'Usage by user').click();
    await pick(page, 'Container');
    await acceptParams(page, 3);
    const frame = visibleWebview(page);
    await frame.locator('#status', { hasText: /\d+ rows? · \d+ ms/ }).waitFor({ timeout: 30000 });
    ctx.assert.ok((await frame.locator('#grid tbody tr').count()) > 0);
    ctx.assert.match(await frame.locator('#params').innerText(), /from = \d{4}-\d\d-01 \(default\)/);
    // The same header as the table grid: name, then the type badge (observed from the values).
    ctx.assert.match(await frame.locator('#grid th[data-sort]', { hasText: 'total_tokens' }).locator('.col-type').innerText(), /INTEGER/);
    await frame.locator('#grid th[data-sort]', { hasText: 'total_tokens' }).click();
    await frame.locator('#grid th[aria-sort="ascending"]', { hasText: 'total_tokens' }).waitFor();
    ctx.assert.ok(await frame.locator('#pager').isHidden(), 'a one-page result shows no pager');
    await ctx.screenshot(page, 'quick-query-result-grid');
  },

  'Usage by model on container and host, side by side: differing rows marked, totals per side': async (page, ctx) => {
    await rowByLabel(page, 'Usage by model').click();
    await pick(page, 'Both, side by side');
    await acceptParams(page, 3);
    const frame = visibleWebview(page);
    await frame.locator('#summary .badge', { hasText: /rows? differ/ }).waitFor({ timeout: 30000 });
    ctx.assert.ok((await frame.locator('#grid tfoot tr.totals').count()) === 1);
    ctx.assert.match(await frame.locator('#grid th.side-b').innerText(), /host/);
    ctx.assert.ok((await frame.locator('#grid tr.pair.changed').count()) > 0);
    ctx.assert.ok((await frame.locator('#grid tr.pair.onlyA').count()) === 1, 'deepseek/deepseek-chat is only in the container');
    await page.keyboard.press('Control+B'); // the side bar away: both sides in view
    await ctx.screenshot(page, 'side-by-side');
    await frame.locator('#only-diff').check();
    await page.keyboard.press('Control+B');
    // The side bar comes back and takes focus a moment later; a picker opened meanwhile would
    // close on that blur (seen once in CI), so the next step starts once it is back.
    await page.locator('.part.sidebar').waitFor({ state: 'visible' });
    await treeRow(page, NAME).waitFor();
  },

  'the SQL console: a bad statement shows SQLite\'s message on it': async (page, ctx) => {
    // A picker that loses focus closes; if it closed before it could be clicked, open it again.
    const row = quickPickRow(page, NAME);
    for (let i = 0; ; i++) {
      await ctx.runCommand(page, 'Container DB: New SQL Query');
      if (await row.waitFor({ timeout: 10000 }).then(() => true, () => false)) break;
      if (i === 2) throw new Error('the New SQL Query picker closed before it could be clicked, three times');
      ctx.log('the database picker closed before the click (focus moved); opening it again');
      await page.keyboard.press('Escape');
    }
    await row.click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await page.locator('.part.statusbar', { hasText: `${NAME}:/app/backend/data/webui.db` }).waitFor();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('SELECT name FROM nope_table WHERE 1;');
    await page.keyboard.press('Control+Enter');
    await page.locator('.notification-toast', { hasText: 'no such table: nope_table' }).first().waitFor({ timeout: 30000 });
    await page.locator('.editor-instance .squiggly-error').first().waitFor();
    await visibleWebview(page).locator('#message.error', { hasText: 'no such table: nope_table' }).waitFor();
    await page.keyboard.press('Control+B');
    await ctx.screenshot(page, 'console-error');
    // The statement above it still runs, into the results panel beside the console.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+Enter');
    await visibleWebview(page).locator('#status', { hasText: /rows? · \d+ ms/ }).waitFor({ timeout: 30000 });
    await ctx.screenshot(page, 'console-result');
  },

  'a console result larger than a page: the table grid\'s pager, sorting the whole result then paging': async (page, ctx) => {
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('SELECT id, user_id, usage_date, total_tokens, markup_cost FROM client_user_daily_usage;');
    await page.keyboard.press('Control+Enter');
    const frame = visibleWebview(page);
    await frame.locator('#range', { hasText: /^rows 1–100 of [\d,]+$/ }).waitFor({ timeout: 30000 });
    const total = Number((await frame.locator('#range').innerText()).replace(/.* of /, '').replace(/,/g, ''));
    ctx.assert.ok(await frame.locator('#first').isDisabled());
    ctx.assert.strictEqual(await frame.locator('#grid tbody tr').count(), 100);
    await frame.locator('#next').click();
    await frame.locator('#range', { hasText: `rows 101–200 of ${total.toLocaleString('en-US')}` }).waitFor();
    ctx.assert.strictEqual(await frame.locator('#grid tbody tr').first().locator('td.rownum').innerText(), '101');
    // Sorting orders every loaded row, not the page, and starts again from the first page.
    await frame.locator('#grid th[data-sort]', { hasText: 'total_tokens' }).click();
    await frame.locator('#grid th[aria-sort="ascending"]', { hasText: 'total_tokens' }).waitFor();
    await frame.locator('#grid th[data-sort]', { hasText: 'total_tokens' }).click();
    await frame.locator('#grid th[aria-sort="descending"]', { hasText: 'total_tokens' }).waitFor();
    await frame.locator('#range', { hasText: `rows 1–100 of ${total.toLocaleString('en-US')}` }).waitFor();
    const top = Number(await frame.locator('#grid tbody tr').first().locator('td.num').first().innerText());
    await frame.locator('#last').click();
    await frame.locator('#range', { hasText: `rows ${(total - 99).toLocaleString('en-US')}–${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}` }).waitFor();
    const bottom = Number(await frame.locator('#grid tbody tr').last().locator('td.num').first().innerText());
    ctx.assert.ok(top >= bottom, `sorted descending, yet the first row has ${top} tokens and the last ${bottom}`);
    await frame.locator('#prev').click();
    await frame.locator('#range', { hasText: `rows ${(total - 199).toLocaleString('en-US')}–` }).waitFor();
    await frame.locator('#grid tbody td[data-row="0"][data-col="0"]').click();
    // No toast over the grid.
    await ctx.runCommand(page, 'Notifications: Clear All Notifications');
    await ctx.screenshot(page, 'console-result-paged');
  },

  after: async () => {
    if (hostDb && tmp && fs.existsSync(path.join(tmp, 'workspace-webui.db'))) fs.copyFileSync(path.join(tmp, 'workspace-webui.db'), hostDb);
    await support('dockerFixtures').removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
};
