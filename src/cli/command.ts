import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** One `container-db <name>` subcommand. `run` returns the exit status. */
export interface CliCommand {
  name: string;
  summary: string;
  /** Usage line(s) after `container-db `, e.g. "inspect <container> [--path P] [--json]". */
  usage: string;
  options: OptionSpec;
  /** Fewest and most positional arguments. */
  positionals: [min: number, max: number];
  run(ctx: CliContext, args: ParsedCommand): Promise<number>;
}

/** Options every command takes. */
export const globalOptions: OptionSpec = {
  host: { type: 'string', short: 'H' },
  context: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  'max-size': { type: 'string' },
  freeze: { type: 'boolean' },
};
