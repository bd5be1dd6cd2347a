/** The snapshot's SHA-256, taken beside other work rather than before it. */
import { sha256HexInSlices } from '../bytes';
import type { Snapshot } from '../types';

/**
 * `snapshot` with its SHA-256, hashed in slices so that it runs beside other work instead of
 * before it: pull with `hash: false`, start this, then open the image and count its rows.
 */
export async function withSha256(snapshot: Snapshot, signal?: AbortSignal): Promise<Snapshot> {
  if (snapshot.stamp.sha256) return snapshot;
  return { ...snapshot, stamp: { ...snapshot.stamp, sha256: await sha256HexInSlices(snapshot.bytes, signal) } };
}
