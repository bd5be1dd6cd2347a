import { connectEngine, type ContainerEngine } from '../core/docker';
import { SqlEngine } from '../core/sqlEngine';
import { CdbError } from '../core/errors';

export interface Output {
  write(text: string): void;
}

/**
 * What a command needs from the outside world, made lazily: a command that never touches Docker
 * never connects, and one that never opens a database never starts the sql.js worker.
 */
export class CliContext {
  private connection?: Promise<ContainerEngine>;
  private sqlEngine?: SqlEngine;
  /** Fires on Ctrl-C, so a long pull stops cleanly instead of leaving a half-written file. */
  readonly abort = new AbortController();

  constructor(
    readonly stdout: Output,
    readonly stderr: Output,
    readonly globals: { host?: string; context?: string; verbose: boolean; maxBytes?: number; freeze?: boolean },
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  out(line = ''): void {
    this.stdout.write(line + '\n');
  }

  err(line: string): void {
    this.stderr.write(line + '\n');
  }

  /** The container engine per --host / --context / the environment, connected on first use. */
  docker(): Promise<ContainerEngine> {
    this.connection ??= connectEngine({ dockerHost: this.globals.host, dockerHostLabel: '--host', context: this.globals.context, env: this.env });
    return this.connection;
  }

  engine(): SqlEngine {
    this.sqlEngine ??= new SqlEngine();
    return this.sqlEngine;
  }

  async dispose(): Promise<void> {
    await this.sqlEngine?.dispose();
  }
}

/** "2g", "500m", "1048576" → bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?\s*$/i.exec(text);
  if (!m) throw new CdbError('USAGE', `--max-size: '${text}' is not a size (examples: 500M, 2G, 1048576).`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit as 'b'] ?? 1;
  return Math.floor(Number(m[1]) * scale);
}
