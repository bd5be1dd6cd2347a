/**
 * Deterministic byte mutators for fuzzing the parsers (test/unit/fuzz.test.ts runs a bounded
 * number of cases; a longer soak can call the same functions with more seeds).
 */

/** mulberry32: a small seeded PRNG, so that a failing case can be replayed from its seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export type Mutator = (input: Uint8Array, rng: Rng) => Uint8Array;

/** Flips 1-8 random bits. */
export const bitFlips: Mutator = (input, rng) => {
  const out = input.slice();
  if (out.length === 0) return out;
  for (let k = 1 + rng.int(8); k > 0; k--) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return out;
};

/** Cuts the input at a random point (anywhere, including 0 and inside a header). */
export const truncate: Mutator = (input, rng) => input.slice(0, rng.int(input.length + 1));

/** Copies a random range over another place (duplicated headers, shifted frames). */
export const splice: Mutator = (input, rng) => {
  const out = input.slice();
  if (out.length < 2) return out;
  const from = rng.int(out.length);
  const len = 1 + rng.int(Math.min(2048, out.length - from));
  const to = rng.int(out.length - len + 1);
  out.copyWithin(to, from, from + len);
  return out;
};

/** Inserts or deletes a random range, shifting everything after it off its block alignment. */
export const shift: Mutator = (input, rng) => {
  const at = rng.int(input.length + 1);
  if (rng.next() < 0.5) {
    const extra = rng.bytes(1 + rng.int(600));
    const out = new Uint8Array(input.length + extra.length);
    out.set(input.subarray(0, at));
    out.set(extra, at);
    out.set(input.subarray(at), at + extra.length);
    return out;
  }
  const len = Math.min(input.length - at, 1 + rng.int(600));
  const out = new Uint8Array(input.length - len);
  out.set(input.subarray(0, at));
  out.set(input.subarray(at + len), at);
  return out;
};

/**
 * Writes an extreme number at `offsets` (or anywhere): 0xffffffff, 0x80000000, 0, base-256 and octal
 * forms of huge sizes. Aimed at length, size and page-number fields.
 */
export function hugeNumberAt(offsets?: readonly number[]): Mutator {
  const patterns: Uint8Array[] = [
    Uint8Array.of(0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0x80, 0x00, 0x00, 0x00),
    Uint8Array.of(0x00, 0x00, 0x00, 0x00),
    Uint8Array.of(0x7f, 0xff, 0xff, 0xff),
    Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff), // base-256 12-byte size
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // base-256 negative
    new TextEncoder().encode('77777777777\0'), // 8 GiB - 1 in octal
    new TextEncoder().encode('99999999999\0'), // not octal
  ];
  return (input, rng) => {
    const out = input.slice();
    const p = rng.pick(patterns);
    if (out.length < p.length) return out;
    const at = offsets && offsets.length ? Math.min(rng.pick(offsets), out.length - p.length) : rng.int(out.length - p.length + 1);
    out.set(p, at);
    return out;
  };
}

export const defaultMutators: readonly Mutator[] = [bitFlips, truncate, splice, shift, hugeNumberAt()];

/** Applies 1-3 mutators chosen from `mutators`. */
export function mutate(input: Uint8Array, rng: Rng, mutators: readonly Mutator[] = defaultMutators): Uint8Array {
  let out = input;
  for (let k = 1 + rng.int(3); k > 0; k--) out = rng.pick(mutators)(out, rng);
  return out;
}

/** Splits bytes into chunks of random sizes (1 byte to 64 KiB), as a socket would deliver them. */
export function* randomChunks(bytes: Uint8Array, rng: Rng, sizes: readonly number[] = [1, 7, 100, 511, 512, 513, 4096, 65536]): Generator<Uint8Array> {
  let pos = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, rng.pick(sizes) + (rng.next() < 0.3 ? rng.int(50) : 0));
    yield bytes.subarray(pos, pos + n);
    pos += n;
  }
}
