import type { CliCommand } from '../command';
import { lsCommand } from './ls';
import { inspectCommand } from './inspect';
import { pullCommand } from './pull';
import { queryCommand } from './query';
import { diffCommand } from './diff';
import { watchCommand } from './watch';

/** Every subcommand, in the order `--help` lists them. Add new commands here. */
export const commands: CliCommand[] = [lsCommand, inspectCommand, pullCommand, queryCommand, diffCommand, watchCommand];
