/**
 * What changed in one container's database between its previous pull and its last one. The
 * previous snapshot is side A and the last one side B of the core diff: `inserted` rows appeared,
 * `deleted` rows went away, `updated` rows kept their key and changed values.
 */
import type { DatabaseDiff } from '../../core/diff';

export type Changes =
  | { kind: 'computing' }
  /** The re-pull did not keep the previous snapshot (both would not fit containerDb.maxDatabaseSize). */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'diff'; diff: DatabaseDiff; previousPulledAt: number; pulledAt: number; ms: number }
  | { kind: 'error'; message: string };
