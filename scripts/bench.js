#!/usr/bin/env node
// `npm run bench`: our tool against its peer, in the same run, on the same data; medians of
// several runs and their ratio. Needs the Docker engine and Debian's sqlite3 / sqlite3-tools
// (.ci/setup.sh installs both). Figures go to stdout and to artifacts/bench.json.
//
//   node scripts/bench.js [--runs N] [--mb SIZE] [--only snapshot,diff,query,package,extension,repull] [--idle-s S]
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const runs = Number(opt('runs', 5));
const mb = Number(opt('mb', 350));
const only = opt('only', 'snapshot,diff,query,package,extension,repull').split(',');
const root = path.resolve(__dirname, '..');
const cache = path.join(root, '.cache', 'bench');
const cli = path.join(root, 'dist', 'cli.js');
fs.mkdirSync(cache, { recursive: true });
fs.mkdirSync(path.join(root, 'artifacts'), { recursive: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const MiB = 1024 * 1024;

/** Wall time and peak RSS of one command, from GNU time (so child processes are not missed). */
function timed(cmd, argv, { shell = false } = {}) {
  const full = shell ? ['-f', '%e %M', 'bash', '-c', cmd] : ['-f', '%e %M', cmd, ...argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', full, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const last = r.stderr.trim().split('\n').pop();
  const [, rssKb] = last.split(' ').map(Number);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { wall, rss: rssKb * 1024, stdout: r.stdout, status: r.status };
}

function compare(title, ours, peer, extra = {}) {
  const a = ours.map((r) => r.wall);
  const b = peer.map((r) => r.wall);
  const row = {
    title,
    runs,
    oursMedianS: +median(a).toFixed(3),
    peerMedianS: +median(b).toFixed(3),
    ratio: +(median(a) / median(b)).toFixed(2),
    // Every run, in order: on a shared machine the spread says how far to trust the medians.
    oursRunsS: a.map((x) => +x.toFixed(2)).join(' '),
    peerRunsS: b.map((x) => +x.toFixed(2)).join(' '),
    oursPeakRssMiB: +(Math.max(...ours.map((r) => r.rss)) / MiB).toFixed(0),
    peerPeakRssMiB: +(Math.max(...peer.map((r) => r.rss)) / MiB).toFixed(0),
    ...extra,
  };
  console.log(`\n${title}`);
  for (const [k, v] of Object.entries(row)) if (k !== 'title') console.log(`  ${k.padEnd(22)} ${v}`);
  return row;
}

function makeDb(file, extraArgs = []) {
  if (!fs.existsSync(file)) {
    console.log(`generating ${path.basename(file)} (~${mb} MB)…`);
    execFileSync('bash', [path.join(root, 'scripts', 'makeWebuiDb.sh'), file, '--target-mb', String(mb), ...extraArgs], { stdio: 'inherit' });
  }
  return file;
}

function tables(file) {
  return execFileSync('sqlite3', [file, "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%'"], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
}

async function benchSnapshot(results) {
  const { ensureFixtureImage, createOpenWebuiContainer, removeByPrefix } = require(path.join(root, 'out', 'test', 'support', 'dockerFixtures.js'));
  const db = makeDb(path.join(cache, `webui-${mb}.db`));
  const size = fs.statSync(db).size;
  await removeByPrefix('cdb-bench-');
  await ensureFixtureImage();
  await createOpenWebuiContainer({ name: 'cdb-bench-snapshot', volume: 'cdb-bench-data', dbFile: db });
  const counts = tables(db)
    .map((t) => `SELECT count(*) FROM "${t.replace(/"/g, '""')}";`)
    .join(' ');
  const copy = path.join(cache, 'docker-cp.db');
  const ours = [];
  const peer = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timed(cli, ['inspect', 'cdb-bench-snapshot', '--json']));
    fs.rmSync(copy, { force: true });
    peer.push(timed(`docker cp cdb-bench-snapshot:/app/backend/data/webui.db ${copy} && sqlite3 ${copy} '${counts}' >/dev/null`, [], { shell: true }));
  }
  fs.rmSync(copy, { force: true });
  const peakTarget = 1.3 * size + 150 * MiB;
  results.push(
    compare('snapshot: `container-db inspect` (pull + open + schema + row counts) vs `docker cp` + `sqlite3` counting every table', ours, peer, {
      dbMiB: +(size / MiB).toFixed(0),
      rssTargetMiB: +(peakTarget / MiB).toFixed(0),
      rssWithinTarget: Math.max(...ours.map((r) => r.rss)) <= peakTarget,
    }),
  );
  await removeByPrefix('cdb-bench-');
}

/**
 * Issue 11: a re-pull of a WAL-mode database after a writer added 100 rows (no checkpoint since
 * the last pull), which fetches only the -wal, against a full pull of the same database, in turn,
 * in this process (no CLI start in either; no SHA-256 in either). Every re-pull is checked
 * byte-identical to the full pull that follows it. Then the CPU this process spends watching the
 * idle database (1 s interval) over --idle-s seconds.
 */
async function benchRepull(results) {
  const { ensureFixtureImage, createOpenWebuiContainer, removeByPrefix, docker, dockerExec, sqliteInContainer, waitFor } = require(path.join(root, 'out', 'test', 'support', 'dockerFixtures.js'));
  const core = (part) => require(path.join(root, 'out', 'src', 'core', part, 'index.js'));
  const { connect, dockerEngine } = core('docker');
  const { pullTrackedSnapshot, repullSnapshot, watchDatabase } = core('snapshot');
  const { allocateShared } = core('bytes');
  const db = makeDb(path.join(cache, `webui-${mb}.db`));
  const name = 'cdb11c-bench-repull';
  const DB = '/app/backend/data/webui.db';
  await removeByPrefix('cdb11c-bench-');
  await ensureFixtureImage();
  // The shared fixture file is only read: the container gets its own copy, turned to WAL mode there.
  await createOpenWebuiContainer({ name, volume: `${name}-data`, dbFile: db });
  // One connection holds the database open with automatic checkpoints off, as a running app's
  // would between checkpoints: the writer's commits stay in the -wal.
  await docker(['exec', '-d', name, 'sh', '-c', `(echo 'PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE IF NOT EXISTS bench_rows(id INTEGER PRIMARY KEY, at INTEGER, note TEXT);'; echo '.system touch /tmp/holder-ready'; sleep 3600) | sqlite3 ${DB} >/tmp/holder.log 2>&1`], { check: true });
  await waitFor(async () => (await dockerExec(name, ['cat', '/tmp/holder-ready'])).exitCode === 0);
  const engine = dockerEngine(await connect());
  const ref = { id: name, name, image: 'cdb-fixture/openwebui:test' };
  const addRows = (i) =>
    sqliteInContainer(name, `PRAGMA wal_autocheckpoint=0; WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 100) INSERT INTO bench_rows(at, note) SELECT ${i}, hex(randomblob(100)) FROM n;`);
  const opts = { hash: false };
  let tracked = await pullTrackedSnapshot(engine, ref, DB, opts);
  const size = tracked.snapshot.bytes.length;
  const re = [];
  const full = [];
  const fetched = [];
  let walBytes = 0;
  for (let i = 0; i < runs; i++) {
    await addRows(i);
    let t0 = process.hrtime.bigint();
    const next = await repullSnapshot(engine, ref, DB, tracked, opts);
    re.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (next.how !== 'wal') throw new Error(`the re-pull was a full one: ${next.fullBecause}`);
    fetched.push(next.bytesFetched);
    walBytes = next.walBase.position.walBytes;
    t0 = process.hrtime.bigint();
    const whole = await pullTrackedSnapshot(engine, ref, DB, opts);
    full.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (!Buffer.from(next.snapshot.bytes).equals(Buffer.from(whole.snapshot.bytes))) throw new Error('the re-pull differs from the full pull');
    tracked = next;
  }
  // Where a re-pull's time goes: the copy of the cached image into a new buffer (the previous
  // snapshot must stay usable) is most of it; the rest is stat calls and the -wal's own transfer.
  const copies = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    allocateShared(tracked.snapshot.bytes.length).set(tracked.snapshot.bytes);
    copies.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const row = {
    title: `re-pull of a ${(size / MiB).toFixed(0)} MiB WAL-mode database after a writer added 100 rows (only the -wal fetched, new frames applied onto a copy of the cached image) vs a full pull, in the same process`,
    runs,
    repullMedianS: +median(re).toFixed(3),
    fullPullMedianS: +median(full).toFixed(3),
    ratio: +(median(re) / median(full)).toFixed(3),
    target: 0.05,
    repullRunsS: re.map((x) => +x.toFixed(3)).join(' '),
    fullRunsS: full.map((x) => +x.toFixed(2)).join(' '),
    imageCopyMedianS: +median(copies).toFixed(3),
    walMiBAtLastRun: +(walBytes / MiB).toFixed(2),
    fetchedMedianKiB: +(median(fetched) / 1024).toFixed(0),
    dbMiB: +(size / MiB).toFixed(0),
  };
  const idleS = Number(opt('idle-s', 60));
  if (idleS > 0) {
    const abort = new AbortController();
    const updates = watchDatabase(engine, ref, DB, { intervalMs: 1000, signal: abort.signal, initial: tracked });
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    setTimeout(() => abort.abort(), idleS * 1000);
    let repulls = 0;
    try {
      for await (const _ of updates) repulls++;
    } catch (err) {
      if (err.code !== 'CANCELLED') throw err;
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    row.idleWatchS = +wall.toFixed(1);
    row.idleWatchCpuPercentOfOneCore = +(((cpu.user + cpu.system) / 1e6 / wall) * 100).toFixed(2);
    row.idleWatchRepulls = repulls;
    row.idleTargetPercent = 1;
  }
  console.log(`\n${row.title}`);
  for (const [k, v] of Object.entries(row)) if (k !== 'title') console.log(`  ${k.padEnd(22)} ${v}`);
  results.push(row);
  await removeByPrefix('cdb11c-bench-');
}

async function benchDiff(results) {
  const a = makeDb(path.join(cache, `webui-${mb}.db`));
  // A copy changed in place and NOT vacuumed: a host copy and a container copy that diverged
  // from the same file share most of their pages, and the diff engine skips shared pages (a
  // VACUUMed copy shares none, which is not the case to measure). Named "-diverged" so that an
  // older, vacuumed "-changed" copy left in the cache is not reused.
  const b = path.join(cache, `webui-${mb}-diverged.db`);
  if (!fs.existsSync(b)) {
    fs.copyFileSync(a, b);
    // ~5,000 updated, 160 deleted, 1 inserted rows, one extra table: the shape of the issue.
    execFileSync('sqlite3', [
      b,
      `UPDATE chat SET title = title || ' (edited)' WHERE rowid IN (SELECT rowid FROM chat ORDER BY rowid LIMIT 5000);
       DELETE FROM client_user_daily_usage WHERE rowid IN (SELECT rowid FROM client_user_daily_usage ORDER BY rowid DESC LIMIT 160);
       INSERT INTO user (id, name, email, role, profile_image_url, created_at, updated_at, last_active_at) VALUES ('bench-new-user', 'New', 'new@example.com', 'user', '', 0, 0, 0);
       CREATE TABLE bench_extra (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO bench_extra (note) VALUES ('only in B');`,
    ]);
  }
  const size = fs.statSync(a).size + fs.statSync(b).size;
  // CPU time (user + sys, children included) beside wall time: on a shared, loaded machine wall
  // time mostly measures the other tenants.
  const cpuTimed = (cmd, argv) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
    const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { wall, cpu: user + sys, rss: rssKb * 1024, stdout: r.stdout, status: r.status };
  };
  const ours = [];
  const peer = [];
  for (let i = 0; i < runs; i++) {
    ours.push(cpuTimed(cli, ['diff', a, b, '--json']));
    peer.push(cpuTimed('sqldiff', ['--primarykey', '--summary', a, b]));
  }
  const peakTarget = 1.2 * size + 150 * MiB;
  const cpu = (xs) => median(xs.map((r) => r.cpu));
  results.push(
    compare('diff: `container-db diff --json` vs `sqldiff --primarykey --summary`', ours, peer, {
      oursCpuMedianS: +cpu(ours).toFixed(3),
      peerCpuMedianS: +cpu(peer).toFixed(3),
      cpuRatio: +(cpu(ours) / cpu(peer)).toFixed(2),
      bothFilesMiB: +(size / MiB).toFixed(0),
      rssTargetMiB: +(peakTarget / MiB).toFixed(0),
      rssWithinTarget: Math.max(...ours.map((r) => r.rss)) <= peakTarget,
    }),
  );
}

async function benchQuery(results) {
  const file = path.join(cache, 'usage-500k.db');
  if (!fs.existsSync(file)) {
    execFileSync('sqlite3', [
      file,
      `CREATE TABLE client_user_daily_usage (id INTEGER PRIMARY KEY AUTOINCREMENT, client_org_id TEXT, user_id TEXT, usage_date DATE, total_tokens INTEGER, raw_cost REAL, markup_cost REAL, request_count INTEGER);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000)
       INSERT INTO client_user_daily_usage (client_org_id, user_id, usage_date, total_tokens, raw_cost, markup_cost, request_count)
       SELECT 'org-' || (i % 3), 'user-' || (i % 997), date('2026-01-01', '+' || (i % 300) || ' days'), (i * 37) % 5000, ((i * 13) % 1000) / 1000.0, ((i * 13) % 1000) / 800.0, 1 + i % 7 FROM n;`,
    ]);
  }
  const sql =
    'SELECT user_id, sum(total_tokens) AS tokens, sum(request_count) AS requests, sum(raw_cost) AS raw, sum(markup_cost) AS cost, count(DISTINCT usage_date) AS days FROM client_user_daily_usage GROUP BY user_id ORDER BY cost DESC LIMIT 100';
  const ours = [];
  const peer = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timed(cli, ['query', file, sql, '--format', 'csv']));
    peer.push(timed('sqlite3', ['-csv', file, sql]));
  }
  results.push(compare('query: GROUP BY over 500,000 usage rows, first page (`container-db query` vs `sqlite3`)', ours, peer));

  // The same query as the extension runs it: the snapshot already open in the engine's worker,
  // while this thread keeps serving events. The event-loop delay during the query is what a
  // VS Code user would feel (target: under 50 ms), the query time what they wait for.
  const { SqlEngine } = require(path.join(root, 'out', 'src', 'core', 'sqlEngine', 'index.js'));
  const { snapshotFromFile } = require(path.join(root, 'out', 'src', 'core', 'snapshot', 'index.js'));
  const { monitorEventLoopDelay } = require('perf_hooks');
  const engine = new SqlEngine({ workerPath: path.join(root, 'dist', 'sqlWorker.js') });
  const db = await engine.open(await snapshotFromFile(file));
  await engine.query(db, 'SELECT count(*) FROM client_user_daily_usage');
  const inHost = [];
  const delays = [];
  for (let i = 0; i < runs; i++) {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = process.hrtime.bigint();
    await engine.query(db, sql, undefined, { maxRows: 100 });
    inHost.push({ wall: Number(process.hrtime.bigint() - t0) / 1e9, rss: process.memoryUsage().rss });
    h.disable();
    delays.push(h.max / 1e6);
  }
  await engine.dispose();
  results.push(
    compare('query in the engine (snapshot open, worker warm) vs `sqlite3` process on the same file', inHost, peer, {
      eventLoopDelayMaxMs: +Math.max(...delays).toFixed(1),
      eventLoopDelayTargetMs: 50,
    }),
  );
}

function benchPackage(results) {
  const vsix = path.join(root, 'dist', 'container-db-inspector.vsix');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'ignore' });
  const row = { title: 'package: .vsix size', vsixKiB: Math.round(fs.statSync(vsix).size / 1024), targetKiB: 3 * 1024 };
  console.log(`\n${row.title}\n  vsixKiB ${row.vsixKiB} (target < ${row.targetKiB})`);
  results.push(row);
}

/**
 * Issue 3's figures, measured inside the real extension host (code-server): activation time and
 * the grid's page loads on a 500,000-row table after the snapshot is open. test/extension/
 * benchGrid.test.ts does the measuring (only when CDB_BENCH=1) and writes CDB_BENCH_OUT; each host
 * run gives one activation and `runs` samples of every page move.
 */
function benchExtension(results) {
  const out = path.join(cache, 'extension-bench.json');
  const activations = [];
  const pages = { first: [], next: [], last: [], prev: [] };
  let last;
  const hosts = Number(opt('ext-runs', 1));
  for (let i = 0; i < hosts; i++) {
    fs.rmSync(out, { force: true });
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'runExtensionTests.js'), '--grep', 'benchmark'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CDB_BENCH: '1', CDB_BENCH_OUT: out, CDB_BENCH_REPEAT: String(runs), CDB_ARTIFACTS_DIR: path.join(root, 'artifacts', 'extension-bench') },
      timeout: 10 * 60 * 1000,
    });
    if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`extension benchmark failed (exit ${r.status}):\n${(r.stdout || '').slice(-2000)}${r.stderr || ''}`);
    last = JSON.parse(fs.readFileSync(out, 'utf8'));
    activations.push(last.activationMs);
    for (const k of Object.keys(pages)) pages[k].push(...last.pageMs[k]);
  }
  const row = {
    title: `extension: activation and grid pages (${last.rows.toLocaleString('en-US')}-row table, ${last.pageSize} rows a page)`,
    hostRuns: hosts,
    activationMedianMs: +median(activations).toFixed(1),
    activationTargetMs: 50,
    pullAndOpenMs: Math.round(last.pullMs),
    openGridMs: Math.round(last.openGridMs),
    ...Object.fromEntries(Object.entries(pages).map(([k, v]) => [`page_${k}_MedianMs`, +median(v).toFixed(1)])),
    pageTargetMs: 100,
  };
  console.log(`\n${row.title}`);
  for (const [k, v] of Object.entries(row)) if (k !== 'title') console.log(`  ${k.padEnd(22)} ${v}`);
  results.push(row);
}

(async () => {
  const results = [];
  const machine = { cores: require('os').cpus().length, node: process.version, date: new Date().toISOString() };
  console.log(`bench: ${runs} runs each, medians; ${JSON.stringify(machine)}`);
  const has = (cmd) => fs.existsSync(path.join(root, 'src', 'cli', 'commands', `${cmd}.ts`));
  if (only.includes('snapshot')) await benchSnapshot(results);
  if (only.includes('diff') && has('diff')) await benchDiff(results);
  if (only.includes('query') && has('query')) await benchQuery(results);
  if (only.includes('package')) benchPackage(results);
  if (only.includes('extension')) benchExtension(results);
  if (only.includes('repull')) await benchRepull(results);
  fs.writeFileSync(path.join(root, 'artifacts', 'bench.json'), JSON.stringify({ machine, results }, null, 2));
})().catch((err) => {
  console.error(`bench: ${process.env.CDB_VERBOSE ? err.stack : err.message}`);
  process.exit(1);
});
