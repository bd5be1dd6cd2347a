// Bundles the three entry points: the CLI, the extension, and the sql.js worker they share.
// The worker is its own file because worker_threads loads it by path; sql-wasm.wasm is copied
// beside it so that the bundle never reaches into node_modules at run time.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/**
 * dockerode requires gRPC and protobufjs at load time for one feature: BuildKit sessions
 * (`buildImage` with `version: '2'`), which this project never uses. They were ~40% of each
 * bundle and most of dockerode's load time. Each resolves to a module that throws, with this
 * explanation, the moment anything reads from it; nothing does at load time.
 */
const buildkitOnly = /^(@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)$/;
const stubBuildkit = {
  name: 'stub-buildkit-only-modules',
  setup(build) {
    build.onResolve({ filter: buildkitOnly }, (args) => ({ path: args.path, namespace: 'buildkit-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'buildkit-stub' }, (args) => ({
      loader: 'js',
      contents: `module.exports = new Proxy({}, { get(_, key) { if (key === '__esModule' || typeof key === 'symbol') return undefined; throw new Error(${JSON.stringify(`${args.path} is not bundled: Container DB Inspector does not use BuildKit sessions`)}); } });`,
    }));
  },
};

/**
 * dockerode (with ssh2, ~70% of the bundle) goes in its own file, dist/dockerode.js, required on
 * the first connection to an engine (core/docker/connection.ts loadDockerode). Every CLI start and
 * every extension activation then parses ~350 KB instead of ~1.3 MB, and `diff` / `query` of
 * host files never load it at all.
 */
const dockerodeApart = {
  name: 'dockerode-in-its-own-file',
  setup(build) {
    build.onResolve({ filter: /^dockerode$/ }, () => ({ path: './dockerode.js', external: true }));
  },
};

/**
 * ssh2 goes in its own file too, dist/ssh2.js: dockerode's bundle requires it at load (docker-modem),
 * and our ssh transport (core/docker/sshTransport.ts) requires it for ssh:// endpoints only; one
 * copy serves both.
 */
const ssh2Apart = {
  name: 'ssh2-in-its-own-file',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: './ssh2.js', external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { CDB_VERSION: JSON.stringify(require('./package.json').version) },
  // ssh2's optional native speed-ups: absent here, and ssh2 falls back to JavaScript without them.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  plugins: [stubBuildkit],
};

const entries = [
  // No GLIBC_TUNABLES=glibc.malloc.hugetlb=1 any more: measured 2026-11-29 on an idle machine,
  // inspect of 357 MiB took 2.6-2.9 s with it (sys 1.0-1.3 s: huge-page compaction on fault) and
  // 1.75-2.1 s without (sys 0.45 s).
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [dockerodeApart, ssh2Apart] },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', plugins: [dockerodeApart, ssh2Apart] },
  { entryPoints: [require.resolve('dockerode')], outfile: 'dist/dockerode.js', plugins: [stubBuildkit, ssh2Apart] },
  { entryPoints: [require.resolve('ssh2')], outfile: 'dist/ssh2.js' },
  { entryPoints: ['src/core/sqlEngine/sqlWorker.ts'], outfile: 'dist/sqlWorker.js' },
];

function copyWasm() {
  fs.mkdirSync('dist', { recursive: true });
  fs.copyFileSync(path.join(path.dirname(require.resolve('sql.js')), 'sql-wasm.wasm'), 'dist/sql-wasm.wasm');
}

async function main() {
  copyWasm();
  const present = entries.filter((e) => fs.existsSync(e.entryPoints[0]));
  if (watch) {
    for (const e of present) {
      const ctx = await esbuild.context({ ...common, ...e });
      await ctx.watch();
    }
    return;
  }
  await Promise.all(present.map((e) => esbuild.build({ ...common, ...e })));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
