// Error UX in the workbench: when the Docker engine cannot be reached, the Containers view shows
// the reason with Retry and Open Settings; once the engine answers again, Retry lists the
// containers. The shared engine is never stopped (other suites use it): the extension is pointed
// at a socket that does not exist through the Settings editor, as a wrong DOCKER_HOST would do.
'use strict';

const { showContainerDb: showView, setDockerHost } = require('./steps');
const MISSING = '/tmp/cdbt-d2-ui-no-engine.sock';

module.exports = {
  'an unreachable engine shows the reason, Retry and Open Settings': async (page, ctx) => {
    await ctx.activityBarItem(page, 'Container DB').click();
    await setDockerHost(page, ctx, `unix://${MISSING}`);
    await showView(page, ctx);
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await welcome.locator('.monaco-button', { hasText: 'Retry' }).first().waitFor({ timeout: 30000 });
    await welcome.locator('.monaco-button', { hasText: 'Open Settings' }).first().waitFor();
    await welcome.locator('p', { hasText: 'its socket does not exist' }).first().waitFor();
    await ctx.screenshot(page, 'engine-unreachable');
  },

  'once the engine answers again, Retry lists the containers': async (page, ctx) => {
    await setDockerHost(page, ctx, '');
    await showView(page, ctx);
    const retry = page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Retry' }).first();
    if (await retry.isVisible().catch(() => false)) await retry.click().catch(() => {});
    await page.locator('.part.sidebar .welcome-view-content', { hasText: 'cannot be reached' }).waitFor({ state: 'detached', timeout: 30000 });
    await ctx.screenshot(page, 'engine-back');
  },
};
