import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import { CdbError } from '../errors';
import type { Snapshot } from '../types';

/**
 * Writes a snapshot to disk, mode 0600 (it holds password hashes and API keys). Written to a
 * temporary file beside the target and renamed, so a full disk or a cancel never leaves a
 * half-written file under the chosen name.
 */
export async function writeSnapshotFile(snapshot: Snapshot, target: string, opts: { overwrite?: boolean } = {}): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.partial`);
  if (!opts.overwrite) {
    const exists = await fs.access(target, constants.F_OK).then(
      () => true,
      () => false,
    );
    if (exists) throw new CdbError('IO_ERROR', `${target} already exists; choose another name or pass --force to replace it.`);
  }
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o600);
    await handle.writeFile(snapshot.bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.chmod(temp, 0o600);
    await fs.rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'that location is not writable' : code === 'ENOENT' ? 'the folder does not exist' : (err as Error).message;
    throw new CdbError('IO_ERROR', `Could not save the snapshot to ${target}: ${why}. Nothing was written there.`, { cause: err });
  }
}
