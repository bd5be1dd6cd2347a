// The packaged extension in a real workbench: VS Code loads with the test workspace, the .vsix is
// installed (as a user would have it), and its view container is in the activity bar.
// Run by scripts/runUiTests.js (see the format described at its top).
'use strict';

module.exports = {
  'the workbench opens the workspace folder': async (page, ctx) => {
    // The Explorer lists the workspace's top folder, so the remote file system answered.
    await ctx.runCommand(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'backend' }).waitFor();
    await ctx.screenshot(page, 'workbench');
  },

  'the extension is installed': async (page, ctx) => {
    // With the gallery disabled (no internet) the view lists only what is installed; the row of
    // the remote ("127.0.0.1:PORT - Installed") section is the extension host's own copy.
    await ctx.runCommand(page, 'View: Show Extensions');
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Container DB Inspector' });
    await row.first().waitFor();
    await ctx.screenshot(page, 'extension-installed');
  },

  'its view container is in the activity bar': async (page, ctx) => {
    const item = ctx.activityBarItem(page, 'Container DB');
    await item.waitFor();
    await item.click();
    // The side bar now shows the container. Its only view has no visible pane header (VS Code
    // hides it when a container holds one view): the title reads "CONTAINER DB: CONTAINERS".
    await page.locator('.part.sidebar .composite.title', { hasText: 'Container DB: Containers' }).waitFor();
    // Activation done and the tree provider answered: a container row, or a welcome message
    // other than the one shown while it connects (which one depends on the engine's state).
    const answered = page.locator('.part.sidebar .pane-body .monaco-list-row, .part.sidebar .pane-body .welcome-view-content:not(:has-text("Connecting"))');
    await answered.first().waitFor();
    await ctx.screenshot(page, 'container-db-view');
  },
};
