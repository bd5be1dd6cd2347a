/**
 * Is this the host key we expect? Decided as OpenSSH decides it, from the same known_hosts files,
 * so that a host the user's own `ssh` trusts is trusted here and nothing else is. We never add a
 * key ourselves: a person accepts a host once with `ssh` (which shows the fingerprint), as for any
 * ssh host, and both tools trust it from then on.
 */
import { createHash, createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export type HostKeyVerdict = { ok: true } | { ok: false; reason: 'unknown' | 'changed' | 'revoked'; files: string[] };

/** ~/.ssh/known_hosts, ~/.ssh/known_hosts2, /etc/ssh/ssh_known_hosts: OpenSSH's defaults. */
export function knownHostsFiles(homeDir: string): string[] {
  return [path.join(homeDir, '.ssh', 'known_hosts'), path.join(homeDir, '.ssh', 'known_hosts2'), '/etc/ssh/ssh_known_hosts'];
}

/** How known_hosts names a host: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `key` is the host's public key blob as the server sent it. */
export function checkHostKey(host: string, port: number, key: Buffer, files: string[]): HostKeyVerdict {
  const name = knownHostsName(host, port);
  let sawHost = false;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      let fields = line.split(/\s+/);
      let marker = '';
      if (fields[0].startsWith('@')) {
        marker = fields[0];
        fields = fields.slice(1);
      }
      if (fields.length < 3 || !hostMatches(fields[0], name)) continue;
      if (marker === '@cert-authority') continue; // certificates are not checked here; a plain key entry is needed
      const blob = Buffer.from(fields[2], 'base64');
      if (marker === '@revoked') {
        if (blob.equals(key)) return { ok: false, reason: 'revoked', files };
        continue;
      }
      sawHost = true;
      if (blob.equals(key)) return { ok: true };
    }
  }
  return { ok: false, reason: sawHost ? 'changed' : 'unknown', files };
}

/** "SHA256:…" and the key type, as `ssh` prints them when it asks. */
export function fingerprint(key: Buffer): { sha256: string; type: string } {
  const sha256 = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
  const len = key.length >= 4 ? key.readUInt32BE(0) : 0;
  const type = len > 0 && len < 64 && key.length >= 4 + len ? key.subarray(4, 4 + len).toString('latin1') : 'unknown';
  return { sha256, type };
}

/** One host field: comma-separated patterns (* ? wildcards, !negation) or one hashed name (|1|salt|hash). */
function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (wildcard(p).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
