// Divergence (issue 4), clicked through in a real workbench with the packaged extension: a fixture
// container whose database (in a named volume) differs from the workspace's backend/data/webui.db
// → badges on the database and table rows, the status bar, and Compare with Host Database (the
// schema in VS Code's diff editor, the rows in the compare view). Screenshots go to artifacts/ui/.
// Fixture objects carry the prefix cdbt-g-ui-. Needs `npm run compile-tests` (fixture helpers).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { fixtures, treeRow, rowByLabel, webviewFrame, widenSideBar, quickPickRow } = require('./steps');

const PREFIX = 'cdbt-g-ui-';
const NAME = `${PREFIX}owui`;
const EDITS = `
DELETE FROM client_user_daily_usage;
UPDATE chat SET title = title || ' (edited)' WHERE rowid % 4 <> 0;
DELETE FROM chat WHERE rowid % 50 = 1;
UPDATE user SET name = name || '!' WHERE rowid <= 2;
CREATE TABLE container_only(id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO container_only VALUES (1, 'a'), (2, 'b');
`;

let tmp;
let hostUsage;
/** The workspace's host database, where it is moved to, and the two candidates made in its place. */
let hostFiles;

function hostFilesOf(workspace) {
  const main = path.join(workspace, 'backend', 'data', 'webui.db');
  return { main, moved: path.join(os.tmpdir(), `${PREFIX}host-${process.pid}.db`), a: path.join(workspace, 'a', 'webui.db'), b: path.join(workspace, 'b', 'webui.db') };
}

/** The workspace as the other specs expect it: its one webui.db back in place. */
function restoreHostFiles() {
  if (!hostFiles) return;
  for (const f of [hostFiles.a, hostFiles.b]) fs.rmSync(path.dirname(f), { recursive: true, force: true });
  if (fs.existsSync(hostFiles.moved)) fs.renameSync(hostFiles.moved, hostFiles.main);
}

async function quickPickLabels(page) {
  // The list keeps rows of earlier pickers in its DOM, out of view: only rows inside the widget.
  return page.evaluate(() => {
    const widget = document.querySelector('.quick-input-widget');
    if (!widget) return [];
    const box = widget.getBoundingClientRect();
    return [...widget.querySelectorAll('.quick-input-list .monaco-list-row')]
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.height > 0 && b.top >= box.top && b.bottom <= box.bottom + 1 && getComputedStyle(r).visibility !== 'hidden';
      })
      .map((r) => r.querySelector('.label-name')?.textContent ?? '');
  });
}

module.exports = {
  'a fixture container whose database differs from the workspace copy': async (_page, ctx) => {
    const fx = fixtures();
    await fx.removeByPrefix(PREFIX);
    const hostDb = path.join(ctx.workspace, 'backend', 'data', 'webui.db');
    ctx.assert.ok(fs.existsSync(hostDb), `${hostDb} is missing`);
    hostUsage = Number(execFileSync('sqlite3', [hostDb, 'SELECT count(*) FROM client_user_daily_usage'], { encoding: 'utf8' }).trim());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const db = path.join(tmp, 'webui.db');
    fs.copyFileSync(hostDb, db);
    execFileSync('sqlite3', ['-bail', db], { input: EDITS });
    await fx.createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: db });
    ctx.log(`created ${NAME}; sqldiff: ${execFileSync('sqldiff', ['--primarykey', '--summary', hostDb, db], { encoding: 'utf8' }).split('\n').filter((l) => !/ 0 changes, 0 inserts, 0 deletes/.test(l)).join(' | ')}`);
  },

  'Inspect Container DB pulls the database': async (page, ctx) => {
    await ctx.activityBarItem(page, 'Container DB').click();
    // The engine answers slowly when the machine is busy (the view shows "Connecting…" meanwhile).
    await treeRow(page, NAME).waitFor({ timeout: 50000 });
    await widenSideBar(page, 620);
    await ctx.runCommand(page, 'Container DB: Inspect Container DB');
    await quickPickRow(page, NAME).click();
    await treeRow(page, /pulled \d\d:\d\d/).waitFor({ timeout: 50000 });
  },

  'then the database and table rows carry divergence badges': async (page, ctx) => {
    // The comparison runs after the pull; on a busy 2-core machine it has taken 10 s for 3 MB.
    const db = treeRow(page, /pulled \d\d:\d\d.*≠/);
    await db.waitFor({ timeout: 55000 });
    ctx.assert.match(await db.innerText(), /≠ \+2 −\d+ ~\d+/);
    const usage = rowByLabel(page, 'client_user_daily_usage');
    await usage.waitFor();
    ctx.assert.match(await usage.innerText(), new RegExp(`0 rows · ≠ −${hostUsage.toLocaleString('en-US')}`));
    ctx.assert.match(await rowByLabel(page, 'container_only').innerText(), /only in container/);
    ctx.assert.match(await rowByLabel(page, 'chat').innerText(), /≠ −4 ~\d+/);
    await ctx.screenshot(page, 'divergence-badges');
  },

  'the status bar shows host ≠ container for the selected container': async (page, ctx) => {
    await treeRow(page, /pulled \d\d:\d\d/).click();
    const item = page.locator('.part.statusbar .statusbar-item', { hasText: 'host ≠ container' }).first();
    await item.waitFor();
    ctx.assert.match(await item.innerText(), /host ≠ container \(4 tables\)/);
    await ctx.screenshot(page, 'divergence-status-bar');
  },

  'Compare with Host Database opens the compare view with the explanation': async (page, ctx) => {
    await ctx.runCommand(page, 'Container DB: Compare with Host Database');
    const frame = webviewFrame(page);
    const headline = frame.locator('#headline', { hasText: 'client_user_daily_usage: 0 rows in the container' });
    await headline.waitFor({ timeout: 50000 });
    ctx.assert.strictEqual(await headline.innerText(), `client_user_daily_usage: 0 rows in the container, ${hostUsage.toLocaleString('en-US')} on the host`);
    ctx.assert.match(await frame.locator('#where-container').innerText(), new RegExp(`named volume ${NAME}-data`));
    ctx.assert.match(await frame.locator('#relation').innerText(), /^Separate stores/);
    await frame.locator('#left tbody tr').first().waitFor();
    ctx.assert.strictEqual(await frame.locator('#left tbody tr').count(), 100);
    ctx.assert.match(await frame.locator('#range').innerText(), new RegExp(`1–100 of ${hostUsage}`));
    await ctx.screenshot(page, 'compare-view-only-on-host');
  },

  'the schema difference is in the diff editor': async (page, ctx) => {
    const tab = page.locator('.tabs-container .tab', { hasText: `↔ ${NAME}` }).filter({ hasText: 'Schema: host' }).first();
    await tab.click();
    // The side bar hidden, so that the diff editor has room for its side-by-side layout.
    await ctx.runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.monaco-diff-editor.side-by-side').first().waitFor();
    // Opened at the first difference: the table only in the container, on the right.
    await page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: 'CREATE TABLE container_only(' }).first().waitFor();
    await ctx.screenshot(page, 'schema-diff-editor');
    await ctx.runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  },

  'the chat table: changed rows side by side, changed cells highlighted': async (page, ctx) => {
    const frame0 = webviewFrame(page);
    // Back to the compare view tab, then switch its table to chat (opens chat's own view).
    await page.locator('.tabs-container .tab', { hasText: 'client_user_daily_usage: host ↔' }).first().click();
    await frame0.locator('#table').selectOption('chat');
    const chatTab = page.locator('.tabs-container .tab', { hasText: `chat: host ↔ ${NAME}` }).first();
    await chatTab.waitFor({ timeout: 30000 });
    const frame = webviewFrame(page);
    await frame.locator('#headline').waitFor();
    await frame.locator('#tab-updated').click();
    await frame.locator('#tab-updated.active').waitFor();
    await frame.locator('#right tbody tr.updated td.changed').first().waitFor();
    const changed = await frame.locator('#right tbody tr.updated').first().locator('td.changed').innerText();
    ctx.assert.match(changed, /\(edited\)$/);
    await ctx.screenshot(page, 'compare-view-updated-rows');
    await frame.locator('#next').click();
    await frame.locator('#range', { hasText: /^101–/ }).waitFor();
    await ctx.screenshot(page, 'compare-view-updated-page-2');
  },

  'no host database in the workspace: the badge and the status bar say so; the picker offers Browse…': async (page, ctx) => {
    hostFiles = hostFilesOf(ctx.workspace);
    // The workspace's only webui.db moves away: the file watcher sees it go.
    fs.renameSync(hostFiles.main, hostFiles.moved);
    const db = treeRow(page, /pulled \d\d:\d\d · .* · no host database/);
    await db.waitFor({ timeout: 30000 });
    await db.click();
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: 'no host database' }).first();
    await status.waitFor();
    // The compare view still open says so, and no longer shows the rows of the comparison that is gone.
    const frame = webviewFrame(page);
    await frame.locator('#message', { hasText: 'There is no comparison for this container' }).waitFor();
    ctx.assert.strictEqual(await frame.locator('#sides').isVisible(), false);
    await ctx.screenshot(page, 'no-host-database');
    await status.click();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Host database to compare with' }).waitFor();
    ctx.assert.strictEqual(await page.locator('.quick-input-widget input').getAttribute('placeholder'), 'No webui.db in the workspace: browse for one');
    ctx.assert.deepStrictEqual(await quickPickLabels(page), ['Browse…']);
    await ctx.screenshot(page, 'no-host-database-picker');
    await page.keyboard.press('Escape');
  },

  'two webui.db in the workspace: "choose one"; the one picked is compared, and remembered': async (page, ctx) => {
    // a/ is the host copy as it was; b/ lacks the model rows, so the container has 5 more there.
    fs.mkdirSync(path.dirname(hostFiles.a), { recursive: true });
    fs.mkdirSync(path.dirname(hostFiles.b), { recursive: true });
    fs.copyFileSync(hostFiles.moved, hostFiles.a);
    fs.copyFileSync(hostFiles.moved, hostFiles.b);
    execFileSync('sqlite3', ['-bail', hostFiles.b], { input: 'DELETE FROM model;' });
    const models = Number(execFileSync('sqlite3', [hostFiles.a, 'SELECT count(*) FROM model'], { encoding: 'utf8' }).trim());
    // A re-pull compares again and finds the two.
    await ctx.runCommand(page, 'Container DB: Re-pull Database');
    const pick = quickPickRow(page, NAME);
    if (await pick.waitFor({ timeout: 3000 }).then(() => true, () => false)) await pick.click();
    await treeRow(page, /pulled \d\d:\d\d · .* · host database: choose one/).waitFor({ timeout: 30000 });
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: 'host database: choose one' }).first();
    await status.waitFor();
    await ctx.screenshot(page, 'host-database-choose-one');
    await status.click();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Host database to compare with' }).waitFor();
    ctx.assert.strictEqual(await page.locator('.quick-input-widget input').getAttribute('placeholder'), '2 candidates in the workspace');
    ctx.assert.deepStrictEqual(await quickPickLabels(page), ['a/webui.db', 'b/webui.db', 'Browse…']);
    await ctx.screenshot(page, 'host-database-picker');
    await quickPickRow(page, 'b/webui.db').click();
    // Compared with b: the model table now differs by the rows b lacks.
    const model = rowByLabel(page, 'model');
    await treeRow(page, /pulled \d\d:\d\d · .* · ≠/).waitFor({ timeout: 30000 });
    await model.waitFor();
    ctx.assert.match(await model.innerText(), new RegExp(`${models} rows · ≠ \\+${models}(?!\\d)`));
    await page.locator('.part.statusbar .statusbar-item', { hasText: /host ≠ container \(5 tables\)/ }).first().waitFor();
    // The compare view still open explains the comparison with b.
    await webviewFrame(page).locator('#where-host', { hasText: path.join('b', 'webui.db') }).waitFor();
    // Remembered: a re-pull compares with b again without asking.
    await ctx.runCommand(page, 'Container DB: Re-pull Database');
    if (await pick.waitFor({ timeout: 3000 }).then(() => true, () => false)) await pick.click();
    // The re-pull shows "pulling…" (unless it is already over), then its result.
    const pulling = treeRow(page, /pulling/);
    await pulling.waitFor({ timeout: 3000 }).catch(() => {});
    await pulling.waitFor({ state: 'detached', timeout: 30000 });
    await treeRow(page, /pulled \d\d:\d\d · .* · ≠/).waitFor({ timeout: 30000 });
    ctx.assert.match(await rowByLabel(page, 'model').innerText(), new RegExp(`≠ \\+${models}(?!\\d)`));
    ctx.assert.strictEqual(await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Host database to compare with' }).isVisible(), false);
    await ctx.screenshot(page, 'host-database-chosen');
  },

  after: async () => {
    await fixtures().removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    restoreHostFiles();
  },
};
