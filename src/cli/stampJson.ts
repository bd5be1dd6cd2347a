import type { SnapshotStamp } from '../core/types';

/** A snapshot's stamp as every `--json` output prints it (inspect, diff): one shape for scripts to read. */
export function stampJson(s: SnapshotStamp) {
  return {
    path: s.path,
    bytes: s.size,
    sha256: s.sha256 ?? null,
    mtime: s.mtime,
    pulledAt: s.pulledAt,
    walFramesApplied: s.walFramesApplied,
    journal: s.journal,
    warnings: s.warnings,
  };
}
