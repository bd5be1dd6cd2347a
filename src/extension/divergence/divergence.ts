/**
 * What is known about one container's database against the workspace's host copy. The host is
 * side A and the container side B of the core diff: `inserted` rows are only in the container,
 * `deleted` rows only on the host (the host is shown on the left, the container on the right).
 */
import type { DatabaseDiff } from '../../core/diff';

export type Divergence =
  | { kind: 'computing'; hostPath?: string }
  /** No host database: none at the configured path, none found, or several to choose from. */
  | { kind: 'no-host'; candidates: number }
  /** The container's database path is a bind mount of the host file itself: nothing to diff. */
  | { kind: 'same-file'; hostPath: string; mountSource: string }
  | { kind: 'diff'; hostPath: string; diff: DatabaseDiff; computedAt: string; ms: number }
  | { kind: 'error'; hostPath?: string; message: string };
