// Benchmark figures for issue 3, measured inside the real extension host (scripts/bench.js runs
// `runExtensionTests.js --grep benchmark` with CDB_BENCH=1 and CDB_BENCH_OUT=FILE): the
// extension's activation time, and the time of the table grid's page loads on a 500,000-row table
// once the snapshot is open. Skipped in the normal test run; it asserts nothing about time (tests
// do not time things), only that the pages it timed are the right ones.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import type { DatabaseItem } from '../../src/extension/treeItems/databaseItem';
import { createOpenWebuiContainer, removeByPrefix } from '../support/dockerFixtures';
import { childByLabel, extensionApi, rootItems } from './extensionApi';

const PREFIX = 'cdbt-d3-bench-';
const NAME = `${PREFIX}owui`;
const ROWS = 500_000;
const REPEAT = Number(process.env.CDB_BENCH_REPEAT || 5);

interface GridLike {
  lastPage?: { offset: number; total: number; rows: unknown[] };
  load(move: 'first' | 'prev' | 'next' | 'last' | 'reload'): Promise<unknown>;
  panel: vscode.WebviewPanel;
}

describe('benchmark: activation and grid pages on 500k rows', function () {
  this.timeout(300000);
  let tmp: string;

  before(function () {
    if (process.env.CDB_BENCH !== '1') this.skip();
  });

  after(async () => {
    if (process.env.CDB_BENCH !== '1') return;
    await removeByPrefix(PREFIX);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('records activation and page times to CDB_BENCH_OUT', async () => {
    // Activation first, before anything else in this host touches the extension.
    const api: ContainerDbApi = await extensionApi();
    const activationMs = api.activationMs;

    await removeByPrefix(PREFIX);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    const dbFile = path.join(tmp, 'webui.db');
    execFileSync('sqlite3', [
      dbFile,
      `CREATE TABLE message(id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL, role TEXT, content TEXT, created_at INTEGER);
       WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${ROWS})
         INSERT INTO message SELECT i, 'chat-' || (i / 20), CASE i % 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
           'message ' || i || ' ' || substr(hex(zeroblob(40)), 1, 40 + i % 40), 1700000000 + i FROM c;`,
    ]);
    await createOpenWebuiContainer({ name: NAME, volume: `${NAME}-data`, dbFile });
    await vscode.commands.executeCommand('containerDb.refresh');

    const pullStarted = performance.now();
    const entry = await vscode.commands.executeCommand('containerDb.inspect', NAME);
    const pullMs = performance.now() - pullStarted;
    assert.ok(entry, JSON.stringify(api.errors.lastError));

    const container = (await rootItems(api)).find((i) => i.label === NAME);
    assert.ok(container);
    const db = (await api.tree.getChildren(container)).find((c) => /^database/.test(c.contextValue ?? '')) as DatabaseItem;
    const table = await childByLabel(api, db, 'message');

    const openStarted = performance.now();
    const grid = await vscode.commands.executeCommand<GridLike>('containerDb.openTable', table);
    const openMs = performance.now() - openStarted;
    assert.ok(grid?.lastPage, JSON.stringify(api.errors.lastError));
    assert.strictEqual(grid.lastPage.total, ROWS);

    const samples: Record<'first' | 'next' | 'last' | 'prev', number[]> = { first: [], next: [], last: [], prev: [] };
    const offsets: Record<string, number> = {};
    for (let i = 0; i < REPEAT; i++) {
      // first → next (a keyset step from the start), last → prev (a keyset step back from the end).
      for (const move of ['first', 'next', 'last', 'prev'] as const) {
        const t0 = performance.now();
        await grid.load(move);
        samples[move].push(performance.now() - t0);
        offsets[move] = grid.lastPage!.offset;
      }
    }
    grid.panel.dispose();
    const pageSize = grid.lastPage!.rows.length;
    assert.deepStrictEqual(offsets, { first: 0, next: pageSize, last: ROWS - pageSize, prev: ROWS - 2 * pageSize });

    const out = { activationMs, pullMs, openGridMs: openMs, rows: ROWS, pageSize, pageMs: samples, dbBytes: fs.statSync(dbFile).size };
    if (process.env.CDB_BENCH_OUT) fs.writeFileSync(process.env.CDB_BENCH_OUT, JSON.stringify(out, null, 2));
  });
});
