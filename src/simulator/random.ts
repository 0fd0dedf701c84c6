/**
 * Deterministic randomness: the same seed gives the same meter, the same faults and the same bytes on
 * every run and host. Stateless hashing for the load model (a value depends only on seed and time, not
 * on how often the model was asked) and a small stream generator for fault injection.
 */

/** 32-bit avalanche mix (MurmurHash3 fmix32). */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by the seed and the integer keys. */
export function hashUnit(seed: number, ...keys: number[]): number {
  let h = mix32(seed ^ 0x9e37_79b9);
  for (const key of keys) h = mix32(h ^ mix32(Math.floor(key) + 0x7f4a_7c15));
  return h / 0x1_0000_0000;
}

/** Smooth noise in [0, 1): hashed knots every `period` units, cosine-interpolated in between. */
export function smoothNoise(seed: number, channel: number, position: number, period: number): number {
  const scaled = position / period;
  const knot = Math.floor(scaled);
  const fraction = scaled - knot;
  const weight = (1 - Math.cos(Math.PI * fraction)) / 2;
  return hashUnit(seed, channel, knot) * (1 - weight) + hashUnit(seed, channel, knot + 1) * weight;
}

/** A seeded stream (mulberry32) for decisions taken in sequence, such as which byte a fault hits. */
export class SeededStream {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed) || 0x6d2b_79f5;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b_79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability;
  }

  bytes(count: number): Uint8Array {
    const result = new Uint8Array(count);
    for (let i = 0; i < count; i++) result[i] = this.integer(0, 255);
    return result;
  }
}
