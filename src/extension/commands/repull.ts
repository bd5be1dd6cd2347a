import type { Services } from '../services';
import type { DatabaseEntry } from '../snapshotStore';
import { containerTarget } from './containerTarget';
import { pullWithProgress, revealDatabase } from './inspect';

/** Re-pull: a fresh snapshot; the current one stays until the new one is open. */
export async function repullCommand(s: Services, arg?: unknown): Promise<DatabaseEntry | undefined> {
  const container = await containerTarget(s, arg, 'Re-pull Database');
  if (!container) return undefined;
  const entry = await pullWithProgress(s, container);
  if (entry) await revealDatabase(s, container.id);
  return entry;
}
