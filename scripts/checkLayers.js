#!/usr/bin/env node
// Layers import only downward, as VS Code's own layer lint enforces:
// - src/core knows nothing of VS Code or of its front ends, so it runs unchanged in the CLI, in a
//   worker and in tests; src/cli and src/extension never import each other.
// - Inside src/core, each folder is a part with one door, its index.ts: code outside a part
//   imports only that door, and a part imports only the parts listed below it in PARTS. The files
//   at the root of src/core (errors.ts, types.ts, byteSize.ts) are the base every part may use.
// - No cycle between files anywhere in src/.
// Run with a directory argument to check another tree (the tests do, on crafted trees).
const fs = require('fs');
const path = require('path');

/** Each core part and the parts it may import (its door only). Keep docs/ARCHITECTURE.md's table in this order. */
const PARTS = {
  bytes: [],
  sqlite: ['bytes'],
  docker: ['bytes'],
  sqlEngine: ['bytes', 'sqlite'],
  snapshot: ['bytes', 'sqlite', 'docker'],
  diff: ['bytes', 'sqlite', 'sqlEngine'],
  queries: ['sqlite', 'sqlEngine'],
  secrets: ['queries'],
  inspect: ['docker', 'snapshot', 'sqlEngine'],
};

const frontEnds = [
  { dir: 'src/core', forbidden: [/^vscode$/, /^(cli|extension)(\/|$)/], why: 'src/core must not import vscode, src/cli or src/extension' },
  { dir: 'src/cli', forbidden: [/^vscode$/, /^extension(\/|$)/], why: 'src/cli must not import vscode or src/extension' },
  { dir: 'src/extension', forbidden: [/^cli(\/|$)/], why: 'src/extension must not import src/cli' },
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
const src = path.join(target, 'src');
const core = path.join(src, 'core');
const problems = [];

/** The file a relative specifier names (x.ts, or x/index.ts), or null for a package. */
function resolveFile(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const cand of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')]) {
    if (fs.existsSync(cand) && fs.statSync(cand).isFile()) return cand;
  }
  return `${base}.ts`;
}

/** The core part a file belongs to ('' for the root files of src/core), or null outside src/core. */
function partOf(file) {
  const rel = path.relative(core, file);
  if (rel.startsWith('..')) return null;
  const seg = rel.split(path.sep);
  return seg.length === 1 ? '' : seg[0];
}

const graph = new Map();
for (const file of walk(src)) {
  const text = fs.readFileSync(file, 'utf8');
  const deps = [];
  graph.set(file, deps);
  for (const m of text.matchAll(importRe)) {
    const spec = m[1];
    const line = text.slice(0, m.index).split('\n').length;
    const where = `${path.relative(target, file)}:${line}: imports '${spec}'`;
    const resolved = resolveFile(file, spec);
    if (resolved) deps.push({ file: resolved, where });
    const name = resolved ? path.relative(src, resolved).replace(/\\/g, '/') : spec;
    for (const rule of frontEnds) {
      if (file.startsWith(path.join(target, rule.dir) + path.sep) && rule.forbidden.some((re) => re.test(name))) problems.push(`${where}: ${rule.why}`);
    }
    if (!resolved) continue;
    const to = partOf(resolved);
    if (!to) continue; // outside the core, or a root file of the core
    const from = partOf(file);
    if (from === to) continue;
    if (!(to in PARTS)) {
      problems.push(`${where}: src/core/${to}/ is not a part listed in scripts/checkLayers.js PARTS`);
      continue;
    }
    if (path.basename(resolved).replace(/\.(ts|js)$/, '') !== 'index' || path.dirname(resolved) !== path.join(core, to)) {
      problems.push(`${where}: goes around the door of src/core/${to}/: import '${to}' (its index.ts) instead`);
    }
    if (from === '') problems.push(`${where}: the root files of src/core import no part`);
    else if (from !== null && !(PARTS[from] ?? []).includes(to)) problems.push(`${where}: src/core/${from}/ may not import src/core/${to}/ (allowed: ${(PARTS[from] ?? []).join(', ') || 'none'})`);
  }
}

// Cycles between files: a depth-first walk that reports each cycle once, by its path.
const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (!graph.has(dep.file)) continue;
    const s = state.get(dep.file);
    if (s === 'open') {
      const cycle = stack.slice(stack.indexOf(dep.file)).map((f) => path.relative(target, f));
      problems.push(`${dep.where}: import cycle ${[...cycle, cycle[0]].join(' → ')}`);
    } else if (s === undefined) visit(dep.file);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`layers: ok (${graph.size} files, ${Object.keys(PARTS).length} core parts, no cycle)`);
