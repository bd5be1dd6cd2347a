// The entry point VS Code calls in the extension host when it is given `extensionTestsPath`
// (the same contract as @vscode/test-electron's `run()`): it runs every out/test/extension/**/*.test.js
// with mocha and reports.
//
// Why a results file: under code-server (scripts/runExtensionTests.js) the extension host's
// console.log goes to the browser's console, not to a terminal, and the host exits with code 0
// even when run() rejects, so the driver cannot learn the outcome from either. We therefore
// capture mocha's spec output and write {passed, failed, failures, output} as JSON to
// $CDB_TEST_RESULTS (and stream the output, line by line, to $CDB_TEST_RESULTS.log so the driver
// can show progress). run() still rejects on failure, which is what test-electron relies on.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

export interface ExtensionTestFailure {
  title: string;
  error: string;
}

export interface ExtensionTestResults {
  passed: number;
  failed: number;
  pending: number;
  failures: ExtensionTestFailure[];
  output: string;
}

export async function run(): Promise<void> {
  const resultsFile = process.env.CDB_TEST_RESULTS;
  const output = new OutputCapture(resultsFile ? `${resultsFile}.log` : undefined);
  const results = await runMocha(__dirname, output, process.env.CDB_TEST_GREP);
  if (resultsFile) writeAtomically(resultsFile, JSON.stringify(results, null, 2));
  if (results.failed > 0) {
    throw new Error(`${results.failed} extension test(s) failed:\n${results.failures.map((f) => `  ${f.title}: ${firstLine(f.error)}`).join('\n')}`);
  }
}

async function runMocha(testsRoot: string, output: OutputCapture, grep: string | undefined): Promise<ExtensionTestResults> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  if (grep) mocha.grep(grep);
  const files = findTestFiles(testsRoot);
  const failures: ExtensionTestFailure[] = [];
  if (files.length === 0) {
    failures.push({ title: 'extension tests', error: `no *.test.js files under ${testsRoot}: did \`npm run compile-tests\` run?` });
    return { passed: 0, failed: 1, pending: 0, failures, output: '' };
  }
  for (const f of files) mocha.addFile(f);

  // Every mocha reporter prints through Base.consoleLog; routing it to our capture keeps the spec
  // output (which would otherwise vanish into the browser's console) for the driver to print.
  const base = Mocha.reporters.Base;
  const originalLog = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    output.write(`${util.format(...args)}\n`);
    originalLog(...args);
  };
  try {
    const stats = await new Promise<Mocha.Stats>((resolve) => {
      const runner = mocha.run(() => resolve(runner.stats ?? emptyStats()));
      runner.on('fail', (test, err: unknown) => failures.push({ title: test.fullTitle(), error: errorText(err) }));
    });
    return { passed: stats.passes, failed: Math.max(stats.failures, failures.length), pending: stats.pending, failures, output: output.text() };
  } catch (err) {
    // A test file that throws while loading (a bad import, a syntax error) lands here.
    failures.push({ title: 'loading the extension tests', error: errorText(err) });
    return { passed: 0, failed: failures.length, pending: 0, failures, output: output.text() };
  } finally {
    base.consoleLog = originalLog;
  }
}

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(p));
    else if (entry.name.endsWith('.test.js')) found.push(p);
  }
  return found.sort();
}

class OutputCapture {
  private readonly chunks: string[] = [];
  constructor(private readonly liveFile: string | undefined) {
    if (liveFile) fs.writeFileSync(liveFile, '');
  }
  write(s: string): void {
    this.chunks.push(s);
    if (this.liveFile) fs.appendFileSync(this.liveFile, s);
  }
  text(): string {
    return this.chunks.join('');
  }
}

// The driver polls for the file: a rename makes it appear whole or not at all.
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function emptyStats(): Mocha.Stats {
  return { suites: 0, tests: 0, passes: 0, pending: 0, failures: 0 };
}
