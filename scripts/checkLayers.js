#!/usr/bin/env node
// Layers import only downward: src/core knows nothing of VS Code or of its own front ends, so it
// runs unchanged in the CLI, in a worker and in tests. This check fails the build when an import
// crosses a layer upward, as VS Code's own layer lint does.
const fs = require('fs');
const path = require('path');

const rules = [
  { dir: 'src/core', forbidden: [/^vscode$/, /(^|\/)(cli|extension)(\/|$)/], why: 'src/core must not import vscode, src/cli or src/extension' },
  { dir: 'src/cli', forbidden: [/^vscode$/, /(^|\/)extension(\/|$)/], why: 'src/cli must not import vscode or src/extension' },
  { dir: 'src/extension', forbidden: [/(^|\/)cli(\/|$)/], why: 'src/extension must not import src/cli' },
];

const importRe = /(?:import\s[^'"]*?from\s*|import\s*\(\s*|require\s*\(\s*|export\s[^'"]*?from\s*|import\s+)['"]([^'"]+)['"]/g;

function* walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (/\.(ts|js)$/.test(entry.name)) yield p;
  }
}

const root = path.resolve(__dirname, '..');
const target = process.argv[2] ? path.resolve(process.argv[2]) : root;
let failures = 0;
for (const rule of rules) {
  for (const file of walk(path.join(target, rule.dir))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1];
      const resolved = spec.startsWith('.') ? path.relative(path.join(target, 'src'), path.resolve(path.dirname(file), spec)) : spec;
      if (rule.forbidden.some((re) => re.test(resolved))) {
        const line = text.slice(0, m.index).split('\n').length;
        console.error(`${path.relative(target, file)}:${line}: imports '${spec}': ${rule.why}`);
        failures++;
      }
    }
  }
}
if (failures) {
  process.exit(1);
}
console.log('layers: ok');
