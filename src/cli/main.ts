import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { CdbError, errorLine, isCdbError } from '../core/errors';
import { globalOptions, type CliCommand } from './command';
import { CliContext, parseSize } from './context';
import { commands } from './commands';

// sql.js's wasm runs on V8's baseline compiler only. A CLI run is short: the optimising tier's
// background compiles cost more CPU than they save (measured 2026-11-29 on this 2-core machine:
// diff of two 357 MiB files 0.62 s -> 0.50 s; a GROUP BY over 500,000 rows 1.26 s -> 1.20 s).
// Process-wide, so the CLI sets it and the extension (in the shared extension host) does not.
setFlagsFromString('--liftoff-only');

/** Set by esbuild.js from package.json. */
declare const CDB_VERSION: string | undefined;

const EXIT_ERROR = 1;
const EXIT_USAGE = 2;

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'container-db: see the SQLite database a Docker container really uses.',
    '',
    'Usage: container-db <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  -H, --host URL      Docker engine (unix://, tcp://, ssh://); default: DOCKER_HOST, the Docker context, the local socket',
    '      --context NAME  Docker context to use',
    '      --max-size N    largest database to pull (e.g. 500M, 2G; default 2G)',
    '      --freeze        pause the container while its files are copied (docker pause), for a',
    '                      database a busy writer never leaves still; the app is frozen meanwhile',
    '  -v, --verbose       show stack traces on errors',
    '  -h, --help          help for a command',
    '',
    "Run 'container-db <command> --help' for a command's options.",
  ].join('\n');
}

function commandHelp(c: CliCommand): string {
  return [`Usage: container-db ${c.usage}`, '', c.summary].join('\n');
}

/** Exit status by the convention of `diff`: 0 ok, 1 error (one line on stderr), 2 usage. */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }, opts: { processEnds?: boolean } = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`${typeof CDB_VERSION === 'string' ? CDB_VERSION : 'dev'}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`container-db: unknown command '${name}'. Run 'container-db --help' for the list.\n`);
    return EXIT_USAGE;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`container-db ${name}: ${errorLine(err)}\nUsage: container-db ${command.usage}\n`);
    return EXIT_USAGE;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    io.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  const [min, max] = command.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    io.stderr.write(`container-db ${name}: wrong number of arguments.\nUsage: container-db ${command.usage}\n`);
    return EXIT_USAGE;
  }
  const verbose = values.verbose === true;
  let ctx: CliContext | undefined;
  const onSigint = () => ctx?.abort.abort();
  process.once('SIGINT', onSigint);
  try {
    ctx = new CliContext(io.stdout, io.stderr, {
      host: values.host as string | undefined,
      context: values.context as string | undefined,
      verbose,
      maxBytes: typeof values['max-size'] === 'string' ? parseSize(values['max-size']) : undefined,
      freeze: values.freeze === true,
    });
    return await command.run(ctx, { values, positionals: parsed.positionals });
  } catch (err) {
    if (isCdbError(err, 'USAGE')) {
      io.stderr.write(`container-db ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`container-db: ${errorLine(err)}\n`);
    if (verbose && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    if (verbose && !(err instanceof CdbError)) io.stderr.write('(an unexpected error: please report it with the output of --verbose)\n');
    return EXIT_ERROR;
  } finally {
    process.removeListener('SIGINT', onSigint);
    // When the process ends right after (the CLI itself), its worker and sockets end with it:
    // tearing the worker down first took ~18 ms of every run (measured). In-process callers dispose.
    if (!opts.processEnds) await ctx?.dispose();
  }
}

/** Ends the process with `code` once everything written to stdout and stderr has gone out. */
function endWith(code: number): void {
  process.exitCode = code;
  // Writes to a pipe are asynchronous on some systems: an empty write's callback comes after them.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  // A reader that stopped reading (`container-db ls | head -1`): the output is no longer wanted,
  // which is no error of ours. End quietly, as other Unix tools do, instead of with a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  main(process.argv.slice(2), undefined, { processEnds: true }).then(endWith, (err) => {
    process.stderr.write(`container-db: ${errorLine(err)}\n`);
    endWith(EXIT_ERROR);
  });
}
