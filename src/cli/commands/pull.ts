import { writeSnapshotFile } from '../../core/snapshot';
import { CdbError } from '../../core/errors';
import type { CliCommand } from '../command';
import { formatByteSize } from '../../core/byteSize';
import { loadTarget } from '../target';

export const pullCommand: CliCommand = {
  name: 'pull',
  summary: "Write a consistent snapshot of a container's database (WAL applied) to a file, mode 0600.",
  usage: 'pull <container> [--path P] -o FILE [--force]',
  options: { path: { type: 'string' }, output: { type: 'string', short: 'o' }, force: { type: 'boolean', short: 'f' } },
  positionals: [1, 1],
  async run(ctx, { values, positionals }) {
    const output = values.output as string | undefined;
    if (!output) throw new CdbError('USAGE', 'pull needs -o FILE: where to write the snapshot.');
    const loaded = await loadTarget(ctx, { kind: 'container', name: positionals[0] }, { pathOverride: values.path as string | undefined, signal: ctx.abort.signal });
    await writeSnapshotFile(loaded.snapshot, output, { overwrite: values.force === true });
    const s = loaded.snapshot.stamp;
    ctx.err(`wrote ${output}: ${formatByteSize(loaded.snapshot.bytes.length)} from ${s.containerName}:${s.path}, WAL frames applied ${s.walFramesApplied}, sha256 ${s.sha256}`);
    for (const w of s.warnings) ctx.err(`warning: ${w}`);
    return 0;
  },
};
