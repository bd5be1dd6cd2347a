import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI (dist/cli.js, built by `npm run build`) as a user would. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** What Debian's sqlite3 says, the reference every count is checked against. */
export function sqlite3(file: string, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', ['-readonly', file, sql]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`sqlite3 failed (${code}): ${err}`))));
  });
}

export async function sqlite3Counts(file: string): Promise<Record<string, number>> {
  const names = (await sqlite3(file, "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).split('\n').filter(Boolean);
  const counts: Record<string, number> = {};
  for (const n of names) counts[n] = Number(await sqlite3(file, `SELECT count(*) FROM "${n.replace(/"/g, '""')}"`));
  return counts;
}

/** The one-line-error contract: a single line on stderr, no stack trace. */
export function assertOneLineError(run: CliRun): string {
  const lines = run.stderr.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${run.stderr}`);
  if (/\bat .+:\d+:\d+\)?$/m.test(run.stderr)) throw new Error(`stack trace on stderr:\n${run.stderr}`);
  return lines[0];
}

/** Runs the CLI's main() in this process with captured output (no child process, no bundle needed). */
export async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main');
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => ((stdout += s), true) } as unknown as typeof process.stdout,
    stderr: { write: (s: string) => ((stderr += s), true) } as unknown as typeof process.stderr,
  });
  return { code, stdout, stderr };
}
