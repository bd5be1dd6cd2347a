// Hostile data in the real VS Code (issue 6, item 3): a database whose names are quotes, brackets,
// spaces, SQL keywords, markup and unicode, whose values are HTML, <script>, javascript: URLs,
// markdown and template syntax, with a 2,000-column table, and a second container whose database
// holds a 100 MB BLOB (test/support/hostileFixture.ts), pulled and opened through the UI. Everything must show as the
// literal text; nothing from the data may run.
//
// How "nothing runs" is observed: page.on('dialog') (any dialog fails the spec), and every console
// message of the page and its frames (webviews are nested iframes; playwright also forwards CDP
// Log.entryAdded, which is where Chromium reports CSP refusals). A positive control proves that a
// refused inline script in the grid's frame does reach us as a 'Content Security Policy' message,
// and that an alert() there is seen too. During the hostile steps any 'Content Security Policy',
// 'Refused to' or "Ignored call to 'alert()'" message fails the spec; so does any element in a grid
// that the grid script did not make (an <img>, <svg>, <a> …).
//
// A step that finds the product wrong (where the UI works but gives the wrong result) records a
// "PRODUCT DEFECT" and the last test fails with the list, so one defect does not hide the others.
//
// Fixture objects carry the prefix cdbt-h-ui-hostile-. Needs `npm run compile-tests` (helpers are
// used from out/test/support).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { support, treeRow, rowByLabel, visibleWebview, widenSideBar, quickPickRow } = require('./steps');

const PREFIX = 'cdbt-h-ui-hostile-';
const NAME = `${PREFIX}names`;
const BLOB_NAME = `${PREFIX}blob`;
// The issue asks for 100 MB; a smaller size (CDB_HOSTILE_BLOB_MB=10) helps tell a size problem from others.
const BLOB_MB = Number(process.env.CDB_HOSTILE_BLOB_MB || 100);
const DB_PATH = '/app/backend/data/webui.db';

const H = () => support('hostileFixture');

const exactRe = (s) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

async function expand(row) {
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
}
async function collapse(row) {
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
}

// ---- what the page reports -------------------------------------------------------------------

const SUSPECT = /Content Security Policy|Refused to|Ignored call to 'alert\(\)'|Ignored call to 'confirm\(\)'|Ignored call to 'prompt\(\)'/;
const seen = { dialogs: [], messages: [], watching: false };

function listen(page) {
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    seen.messages.push({ type: m.type(), text: m.text(), url: (m.location() && m.location().url) || '' });
  });
}

/** Suspect messages since `from` (an index into seen.messages). */
function suspects(from = 0) {
  return seen.messages.slice(from).filter((m) => SUSPECT.test(m.text));
}

/** Fails when a dialog opened or a CSP / sandbox message arrived while hostile data was on screen. */
function assertNothingRan(ctx, where) {
  ctx.assert.deepStrictEqual(seen.dialogs, [], `${where}: a dialog opened (a script from the data ran)`);
  const bad = suspects(seen.watchFrom);
  ctx.assert.deepStrictEqual(bad, [], `${where}: the console reports a refused or sandboxed script (data was treated as markup)`);
}

/**
 * Every element inside the grid and the detail pane, as tag.class: only what tableGrid.js /
 * results.js create (table parts and spans). Plus markup-ish elements anywhere in the document.
 */
async function domCensus(frame) {
  return frame.locator('html').evaluate(() => {
    const inData = [...document.querySelectorAll('#grid *, #detail-text *')].map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(/\s+/).join('.')}` : ''}`);
    const foreign = [...document.querySelectorAll('img, svg, iframe, object, embed, a, b, i, form, video, audio, link:not([rel=stylesheet])')].map((e) => e.outerHTML.slice(0, 80));
    const scripts = [...document.querySelectorAll('script')].map((s) => ({ id: s.id, src: s.getAttribute('src') || '', nonce: s.hasAttribute('nonce'), text: (s.textContent || '').slice(0, 60) }));
    return { inData, foreign, scripts };
  });
}

const ALLOWED_IN_DATA = /^(thead|tbody|tr(\.selected)?|th(\.(rownum|sortable))*|td(\.(rownum|text|json|num|null|blob|selected))*|span\.(col-name|col-type|value|more|null-badge|blob-badge))$/;

async function assertOnlyText(ctx, frame, where) {
  const c = await domCensus(frame);
  ctx.assert.deepStrictEqual([...new Set(c.inData.filter((t) => !ALLOWED_IN_DATA.test(t)))], [], `${where}: the grid holds elements the grid script does not make`);
  ctx.assert.deepStrictEqual(c.foreign, [], `${where}: markup from the data became elements`);
  // VS Code's webview host prepends its own acquireVsCodeApi script (id _vscodeApiScript, no nonce).
  const dataScripts = c.scripts.filter((s) => (!s.nonce && s.id !== '_vscodeApiScript') || /alert/.test(s.text) || /alert/.test(s.src));
  ctx.assert.deepStrictEqual(dataScripts, [], `${where}: a <script> without our nonce is in the webview: ${JSON.stringify(dataScripts)}`);
}

/** The body cells of the visible grid, by row: textContent and innerText of each (row number left out). */
async function gridCells(frame) {
  return frame.locator('#grid').evaluate((grid) =>
    [...grid.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td:not(.rownum)')].map((td) => ({ text: td.textContent, inner: td.innerText, cls: td.className }))),
  );
}

async function headerNames(frame) {
  return frame.locator('#grid thead th:not(.rownum) .col-name').allTextContents();
}

/**
 * Clicks a tree row. Docker events from other suites' containers and the divergence badges redraw
 * the tree, and a hover card can cover rows: move the mouse away and try again.
 */
async function clickRow(page, row) {
  for (let i = 0; ; i++) {
    await page.mouse.move(900, 700);
    try {
      await row.click({ timeout: 5000 });
      return;
    } catch (err) {
      if (i >= 3) throw err;
    }
  }
}

/** Opens a table's grid from the tree and waits for its page. */
async function openGrid(page, label, range) {
  await clickRow(page, rowByLabel(page, label));
  const frame = visibleWebview(page);
  await frame.locator('#title', { hasText: exactRe(label) }).waitFor({ timeout: 30000 });
  await frame.locator('#range', { hasText: range }).waitFor({ timeout: 30000 });
  return frame;
}

let tmp;
let pullStarted = 0;
let blobPulled = false;
let blobGridShown = false;
const defects = [];
/** Records a product defect (the spec fails at its end) and logs it now. */
function defect(ctx, message) {
  defects.push(message);
  ctx.log(`PRODUCT DEFECT: ${message}`);
}

function pulled(page) {
  return treeRow(page, new RegExp(`pulled \\d\\d:\\d\\d · ${BLOB_MB}(\\.\\d)? MB`));
}

module.exports = {
  'containers holding the hostile database and the 100 MB BLOB run': async (page) => {
    listen(page);
    const fx = support('dockerFixtures');
    await fx.removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const db = H().makeHostileDb(path.join(tmp, 'webui.db'));
    await fx.createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile: db });
    const blobDb = H().makeBlobDb(path.join(tmp, 'blob.db'), BLOB_MB * 1024 * 1024);
    await fx.createOpenWebuiContainer({ name: BLOB_NAME, volume: `${BLOB_NAME}-data`, dbFile: blobDb });
    fs.rmSync(blobDb);
  },

  'Inspect Container DB pulls the hostile database': async (page, ctx) => {
    await ctx.activityBarItem(page, 'Container DB').click();
    await treeRow(page, NAME).waitFor({ timeout: 30000 });
    await widenSideBar(page, 560);
    await treeRow(page, NAME).click();
    await ctx.runCommand(page, 'Container DB: Inspect Container DB');
    const pick = quickPickRow(page, NAME);
    await pick.waitFor();
    seen.watchFrom = seen.messages.length;
    await pick.click();
    await treeRow(page, /pulled \d\d:\d\d · \d+(\.\d)? KB/).waitFor({ timeout: 30000 });
    assertNothingRan(ctx, 'pull');
  },

  'the tree shows every odd name as typed': async (page, ctx) => {
    const h = H();
    const dbRow = treeRow(page, DB_PATH);
    const first = rowByLabel(page, h.HOSTILE_TABLE);
    for (let i = 0; i < 5 && !(await first.isVisible()); i++) {
      await expand(dbRow);
      await first.waitFor({ timeout: 4000 }).catch(() => {});
    }
    for (const t of [h.HOSTILE_TABLE, h.SCRIPT_TABLE, h.WIDE_TABLE]) await rowByLabel(page, t).waitFor();
    ctx.assert.match(await rowByLabel(page, h.HOSTILE_TABLE).innerText(), new RegExp(`${h.HOSTILE_VALUES.length} rows`));
    // Views and Triggers groups.
    await expand(rowByLabel(page, 'Views'));
    await rowByLabel(page, h.HOSTILE_VIEW).waitFor();
    await expand(rowByLabel(page, 'Triggers'));
    await rowByLabel(page, h.HOSTILE_TRIGGER).waitFor();
    await ctx.screenshot(page, 'hostile-tree');
    await collapse(rowByLabel(page, 'Views'));
    await collapse(rowByLabel(page, 'Triggers'));
    // The hostile table's columns (one is "$(zap) icon", which VS Code could draw as an icon) and its index.
    const table = rowByLabel(page, h.HOSTILE_TABLE);
    await expand(table);
    for (const c of h.HOSTILE_COLUMNS) await rowByLabel(page, c).waitFor();
    await expand(rowByLabel(page, 'Indexes'));
    await rowByLabel(page, h.HOSTILE_INDEX).waitFor();
    await ctx.screenshot(page, 'hostile-tree-columns');
    // The workbench itself: no element made from a name.
    const foreign = await page.locator('.part.sidebar').evaluate((el) => [...el.querySelectorAll('img, svg:not(.codicon), b, i:not(.codicon), script, iframe')].map((e) => e.outerHTML.slice(0, 80)));
    ctx.assert.deepStrictEqual(foreign, [], 'a name became markup in the tree');
    await collapse(rowByLabel(page, 'Indexes'));
    await collapse(table);
    assertNothingRan(ctx, 'tree');
  },

  'positive control: a refused inline script and an alert() in a grid frame are observed': async (page, ctx) => {
    const h = H();
    const frame = await openGrid(page, h.SCRIPT_TABLE, 'rows 1–1 of 1');
    assertNothingRan(ctx, 'before the control');
    const from = seen.messages.length;
    const ran = await frame.locator('body').evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__cdbControl = 1;';
      document.body.appendChild(s);
      s.remove();
      return window.__cdbControl === 1;
    });
    ctx.assert.strictEqual(ran, false, 'the webview ran an injected inline script: its CSP is not in force');
    const cspSeen = async () => suspects(from).some((m) => /Content Security Policy/.test(m.text));
    for (let i = 0; i < 50 && !(await cspSeen()); i++) await page.waitForTimeout(100);
    ctx.assert.ok(await cspSeen(), `no CSP message reached page.on('console') from the webview frame; got: ${JSON.stringify(seen.messages.slice(from).slice(0, 5))}`);
    const csp = suspects(from).find((m) => /Content Security Policy/.test(m.text));
    ctx.log(`CSP control: [${csp.type}] ${csp.text.slice(0, 140)}… (url ${csp.url || '-'})`);
    // alert(): the webview's sandbox has no allow-modals, so Chromium drops it and says so.
    const dialogsBefore = seen.dialogs.length;
    const alertFrom = seen.messages.length;
    await frame.locator('body').evaluate(() => window.alert('cdb-control'));
    const alertSeen = async () => seen.dialogs.length > dialogsBefore || suspects(alertFrom).some((m) => /alert/.test(m.text));
    for (let i = 0; i < 50 && !(await alertSeen()); i++) await page.waitForTimeout(100);
    ctx.assert.ok(await alertSeen(), 'an alert() in the webview frame was neither a dialog nor a console message');
    ctx.log(
      seen.dialogs.length > dialogsBefore
        ? `alert control: a dialog (${seen.dialogs.slice(dialogsBefore).join('; ')})`
        : `alert control: ${suspects(alertFrom).find((m) => /alert/.test(m.text)).text.slice(0, 140)}`,
    );
    // The control's own messages and dialog are not findings.
    seen.dialogs.length = 0;
    seen.watchFrom = seen.messages.length;
  },

  'the <script> table: title, header and value as text': async (page, ctx) => {
    const h = H();
    const frame = visibleWebview(page);
    ctx.assert.strictEqual(await frame.locator('#title').textContent(), h.SCRIPT_TABLE);
    ctx.assert.deepStrictEqual(await headerNames(frame), ['id', h.SCRIPT_COLUMN]);
    const cells = await gridCells(frame);
    ctx.assert.deepStrictEqual(cells.map((r) => r.map((c) => c.text)), [['1', h.SCRIPT_VALUE]]);
    ctx.assert.strictEqual(cells[0][1].inner, h.SCRIPT_VALUE);
    // The editor tab is VS Code's own rendering of the panel title.
    await page.locator('.tabs-container .tab .label-name', { hasText: `${h.SCRIPT_TABLE} — ${NAME}` }).first().waitFor();
    await assertOnlyText(ctx, frame, 'script table');
    await ctx.screenshot(page, 'script-table-grid');
    assertNothingRan(ctx, 'script table');
  },

  'the hostile table: every header and every value shows literally': async (page, ctx) => {
    const h = H();
    const frame = await openGrid(page, h.HOSTILE_TABLE, `rows 1–${h.HOSTILE_VALUES.length} of ${h.HOSTILE_VALUES.length}`);
    ctx.assert.strictEqual(await frame.locator('#title').textContent(), h.HOSTILE_TABLE);
    ctx.assert.deepStrictEqual(await headerNames(frame), ['id', ...h.HOSTILE_COLUMNS]);
    const cells = await gridCells(frame);
    const expected = h.HOSTILE_VALUES.map((v, i) => [String(i + 1), ...h.HOSTILE_COLUMNS.map(() => v)]);
    ctx.assert.deepStrictEqual(cells.map((r) => r.map((c) => c.text)), expected, 'textContent of the cells');
    ctx.assert.deepStrictEqual(cells.map((r) => r.map((c) => c.inner)), expected, 'innerText of the cells (what is rendered)');
    const jsonRow = h.HOSTILE_VALUES.indexOf(h.HOSTILE_JSON);
    ctx.assert.ok(cells[jsonRow].slice(1).every((c) => /\bjson\b/.test(c.cls)), 'the JSON value is marked as JSON');
    await assertOnlyText(ctx, frame, 'hostile table');
    await page.keyboard.press('Control+B'); // side bar away: more columns in the shot
    await ctx.screenshot(page, 'hostile-grid');
    await page.keyboard.press('Control+B');
    assertNothingRan(ctx, 'hostile grid');
  },

  'the detail pane shows a <script> value and the JSON with markup, raw and formatted, as text': async (page, ctx) => {
    const h = H();
    const frame = visibleWebview(page);
    const col = h.HOSTILE_COLUMNS.indexOf('<img src=x onerror=alert(1)>') + 1; // +1: the id column
    await frame.locator(`#grid td[data-row="0"][data-col="${col}"]`).click();
    await frame.locator('#detail:not([hidden])').waitFor();
    await frame.locator('#detail-text', { hasText: h.HOSTILE_VALUES[0] }).waitFor();
    ctx.assert.strictEqual(await frame.locator('#detail-text').textContent(), h.HOSTILE_VALUES[0]);
    ctx.assert.match(await frame.locator('#detail-title').textContent(), new RegExp(`^${h.HOSTILE_COLUMNS[col - 1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · row 1`));
    const jsonRow = h.HOSTILE_VALUES.indexOf(h.HOSTILE_JSON);
    await frame.locator(`#grid td[data-row="${jsonRow}"][data-col="${col}"]`).click();
    await frame.locator('#detail-text', { hasText: h.HOSTILE_JSON }).waitFor();
    ctx.assert.strictEqual(await frame.locator('#detail-text').textContent(), h.HOSTILE_JSON);
    await frame.locator('#pretty').click();
    await frame.locator('#pretty', { hasText: 'Show Raw' }).waitFor();
    const pretty = JSON.stringify(JSON.parse(h.HOSTILE_JSON), null, 2);
    ctx.assert.strictEqual(await frame.locator('#detail-text').textContent(), pretty);
    ctx.assert.strictEqual(await frame.locator('#detail-text').innerText(), pretty);
    await assertOnlyText(ctx, frame, 'detail pane');
    await ctx.screenshot(page, 'hostile-json-detail');
    await frame.locator('#close-detail').click();
    assertNothingRan(ctx, 'detail pane');
  },

  'the view with an odd name opens; its columns keep their names': async (page, ctx) => {
    const h = H();
    await expand(rowByLabel(page, 'Views'));
    const frame = await openGrid(page, h.HOSTILE_VIEW, `of ${h.HOSTILE_VALUES.length}`);
    ctx.assert.deepStrictEqual(await headerNames(frame), ['id', h.HOSTILE_COLUMNS[4], h.HOSTILE_COLUMNS[6]]);
    const cells = await gridCells(frame);
    ctx.assert.deepStrictEqual(cells.map((r) => r[1].text), h.HOSTILE_VALUES.slice(0, cells.length));
    await assertOnlyText(ctx, frame, 'view');
    await collapse(rowByLabel(page, 'Views'));
    assertNothingRan(ctx, 'view');
  },

  'the SQL console: SELECT * FROM "<script>alert(6)</script>" shows text': async (page, ctx) => {
    const h = H();
    await ctx.runCommand(page, 'Container DB: New SQL Query');
    const pick = quickPickRow(page, NAME);
    await pick.waitFor();
    await pick.click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await page.locator('.part.statusbar', { hasText: `${NAME}:${DB_PATH}` }).waitFor();
    await editor.click();
    await page.keyboard.press('Control+A');
    // insertText: typing would let the editor auto-close quotes and brackets.
    await page.keyboard.insertText(`SELECT *, '<img src=x onerror=alert(16)>' AS "<b>h</b>" FROM "${h.SCRIPT_TABLE.replace(/"/g, '""')}";`);
    await page.keyboard.press('Control+Enter');
    const frame = visibleWebview(page);
    await frame.locator('#status', { hasText: /1 row · \d+ ms/ }).waitFor({ timeout: 30000 });
    ctx.assert.deepStrictEqual(await headerNames(frame), ['id', h.SCRIPT_COLUMN, '<b>h</b>']);
    const cells = await gridCells(frame);
    ctx.assert.deepStrictEqual(cells.map((r) => r.map((c) => c.inner)), [['1', h.SCRIPT_VALUE, '<img src=x onerror=alert(16)>']]);
    await assertOnlyText(ctx, frame, 'console result');
    await ctx.screenshot(page, 'console-hostile-result');
    assertNothingRan(ctx, 'console');
  },

  'the 2,000-column table opens: first page, 2,000 headers': async (page, ctx) => {
    const h = H();
    await clickRow(page, rowByLabel(page, h.WIDE_TABLE));
    const frame = visibleWebview(page);
    // Either the page or an error message arrives.
    if (!(await frame.locator('#range:has-text("of"), #message.error').first().waitFor({ timeout: 30000 }).then(() => true, () => false))) {
      const shot = await ctx.screenshot(page, 'wide-grid-FAILED');
      return defect(ctx, `clicking the ${h.WIDE_COLUMNS}-column table shows no page and no error within 30 s (screenshot ${shot})`);
    }
    const error = (await frame.locator('#message.error').count()) ? await frame.locator('#message').textContent() : '';
    if (error) {
      const shot = await ctx.screenshot(page, 'wide-grid-FAILED');
      return defect(ctx, `a ${h.WIDE_COLUMNS}-column table (SQLite's maximum) does not open; the grid says "${error}" (screenshot ${shot})`);
    }
    await frame.locator('#range', { hasText: `rows 1–${h.WIDE_ROWS} of ${h.WIDE_ROWS}` }).waitFor();
    ctx.assert.strictEqual(await frame.locator('#grid thead th').count(), h.WIDE_COLUMNS + 1, 'headers: the row number and every column');
    const names = await headerNames(frame);
    ctx.assert.strictEqual(names[0], 'c1');
    ctx.assert.strictEqual(names[names.length - 1], h.WIDE_LAST_COLUMN);
    const last = await frame.locator('#grid tbody tr').first().locator('td').last().textContent();
    ctx.assert.strictEqual(last, String(h.WIDE_COLUMNS));
    await assertOnlyText(ctx, frame, 'wide table');
    await ctx.screenshot(page, 'wide-grid');
    assertNothingRan(ctx, 'wide table');
  },

  'the 100 MB BLOB: Inspect Container DB pulls it': async (page, ctx) => {
    await clickRow(page, treeRow(page, BLOB_NAME));
    await ctx.runCommand(page, 'Container DB: Inspect Container DB');
    const pick = quickPickRow(page, BLOB_NAME);
    await pick.waitFor();
    await pick.click();
    pullStarted = Date.now();
    // 100 MB through the engine's archive endpoint and into sql.js: the CLI takes ~8 s on this
    // machine; a slower pull goes on into the next test.
    await pulled(page).waitFor({ timeout: 30000 }).catch(() => {});
  },

  'the 100 MB BLOB: the pull completes': async (page, ctx) => {
    if (!(await pulled(page).waitFor({ timeout: 55000 }).then(() => true, () => false))) {
      const shot = await ctx.screenshot(page, 'blob-pull-FAILED');
      return defect(ctx, `a ${BLOB_MB} MB database (one ${BLOB_MB} MB BLOB) is still "pulling…" after ${Math.round((Date.now() - pullStarted) / 1000)} s in the extension (the CLI's inspect of it takes ~8 s) (screenshot ${shot})`);
    }
    blobPulled = true;
    ctx.log(`${BLOB_MB} MB pulled in about ${Math.round((Date.now() - pullStarted) / 1000)} s (seen from the tree)`);
    assertNothingRan(ctx, 'blob pull');
  },

  'the 100 MB BLOB shows as a size, its bytes only as a hex dump': async (page, ctx) => {
    if (!blobPulled) return ctx.log('not checked: the 100 MB database was not pulled (see the defect above)');
    const h = H();
    // The pulled node opens expanded, unless a redraw (the divergence badge) folded it.
    const blobTable = rowByLabel(page, h.BLOB_TABLE);
    for (let i = 0; i < 5 && !(await blobTable.isVisible()); i++) {
      await expand(pulled(page));
      await blobTable.waitFor({ timeout: 4000 }).catch(() => {});
    }
    await clickRow(page, rowByLabel(page, h.BLOB_TABLE));
    const frame = visibleWebview(page);
    if (!(await frame.locator('#range', { hasText: 'rows 1–2 of 2' }).waitFor({ timeout: 40000 }).then(() => true, () => false))) {
      const shot = await ctx.screenshot(page, 'blob-grid-FAILED');
      const msg = (await frame.locator('#message').textContent().catch(() => '')) || '';
      return defect(ctx, `the grid of a table holding a ${BLOB_MB} MB BLOB shows no page within 40 s${msg ? ` (message: "${msg}")` : ' (blank)'} (screenshot ${shot})`);
    }
    const cells = await gridCells(frame);
    ctx.assert.deepStrictEqual(
      cells.map((r) => r.map((c) => c.text)),
      [
        ['1', 'small', `BLOB ${Buffer.byteLength(h.SMALL_BLOB_TEXT)} bytes`],
        ['2', 'huge', `BLOB ${BLOB_MB} MB`],
      ],
    );
    ctx.assert.ok(/\bblob\b/.test(cells[1][2].cls));
    await ctx.screenshot(page, 'blob-grid');
    blobGridShown = true;
    await assertOnlyText(ctx, frame, 'blob grid');
    assertNothingRan(ctx, 'blob grid');
  },

  'the BLOBs in the detail pane: a bounded hex dump, markup bytes as text': async (page, ctx) => {
    if (!blobGridShown) return ctx.log('not checked: the BLOB grid did not show (see the defect above)');
    const frame = visibleWebview(page);
    const detailShows = (text) => frame.locator('#detail-text', { hasText: text }).waitFor({ timeout: 25000 }).then(() => true, () => false);
    // The small BLOB's bytes spell <script>…: the dump shows them as text in its ASCII column.
    await frame.locator('#grid td[data-row="0"][data-col="2"]').click();
    if (!(await detailShows('00000000'))) {
      return defect(ctx, `the detail pane of a 26-byte BLOB (next to a ${BLOB_MB} MB one) did not show within 25 s (screenshot ${await ctx.screenshot(page, 'blob-detail-FAILED')})`);
    }
    const small = await frame.locator('#detail-text').textContent();
    ctx.assert.match(small, /^00000000  3c 73 63 72 69 70 74 3e/);
    ctx.assert.ok(small.includes('|<script>alert(15|'), `the ASCII column: ${small}`);
    // The huge one: a bounded dump, not 100 MB of text.
    await frame.locator('#grid td[data-row="1"][data-col="2"]').click();
    if (!(await detailShows('00000000  00 00 00'))) {
      return defect(ctx, `the detail pane of the ${BLOB_MB} MB BLOB did not show within 25 s (screenshot ${await ctx.screenshot(page, 'big-blob-detail-FAILED')})`);
    }
    await frame.locator('#detail-title', { hasText: 'data · row 2' }).waitFor();
    const huge = await frame.locator('#detail-text').evaluate((e) => e.textContent.length);
    const title = await frame.locator('#detail-title').textContent();
    ctx.log(`${BLOB_MB} MB BLOB detail: ${huge} chars shown; title "${title}"`);
    ctx.assert.ok(huge <= 200000, `the detail pane holds ${huge} chars of a ${BLOB_MB} MB BLOB`);
    await assertOnlyText(ctx, frame, 'blob');
    await ctx.screenshot(page, 'blob-detail');
    await frame.locator('#close-detail').click();
    assertNothingRan(ctx, 'blob');
  },

  // Steps above that found the product wrong record it and let the others run; this fails the spec.
  'no product defects were found': async (_page, ctx) => {
    ctx.assert.deepStrictEqual(defects, [], `PRODUCT DEFECTS:\n  ${defects.join('\n  ')}`);
  },

  after: async () => {
    await support('dockerFixtures').removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
};
