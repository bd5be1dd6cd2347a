#!/usr/bin/env node
// The one test command (`npm test`): every suite in turn, each against the real thing it tests,
// then one closing line "N passed, N failed, N skipped" over all of them. A suite that crashes
// before reporting counts as a failure, so a broken harness can never look green.
const { spawn } = require('child_process');

const suites = [
  { name: 'unit', cmd: ['npm', 'run', '--silent', 'test:unit'] },
  { name: 'integration (Docker engine)', cmd: ['npm', 'run', '--silent', 'test:integration'] },
  { name: 'extension host (code-server)', cmd: ['npm', 'run', '--silent', 'test:extension'] },
  { name: 'UI (code-server + Chromium)', cmd: ['npm', 'run', '--silent', 'test:ui'] },
];

const only = process.argv.slice(2);

function run(suite) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n=== ${suite.name}: ${suite.cmd.join(' ')}`);
    const child = spawn(suite.cmd[0], suite.cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      text += d.toString();
      if (text.length > 1e6) text = text.slice(-5e5);
    });
    child.on('close', (code) => {
      // mocha: "12 passing", "1 failing", "2 pending"; our drivers: "N passed, N failed, N skipped".
      const num = (re) => [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
      let passed = num(/^\s*(\d+) passing\b/gm) + num(/^(?:\w+: )?(\d+) passed, \d+ failed/gm);
      let failed = num(/^\s*(\d+) failing\b/gm) + num(/^(?:\w+: )?\d+ passed, (\d+) failed/gm);
      const skipped = num(/^\s*(\d+) pending\b/gm) + num(/^(?:\w+: )?\d+ passed, \d+ failed, (\d+) skipped/gm);
      if (code !== 0 && failed === 0) failed = 1; // crashed before reporting
      if (passed + failed === 0) failed = 1; // a suite that ran nothing is a defect
      console.log(`=== ${suite.name}: ${passed} passed, ${failed} failed, ${skipped} skipped (${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code})`);
      resolve({ passed, failed, skipped });
    });
  });
}

(async () => {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites) {
    if (only.length && !only.some((o) => suite.name.startsWith(o))) continue;
    const r = await run(suite);
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
  }
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed ? 1 : 0);
})();
