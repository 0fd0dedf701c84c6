/** mulberry32: a tiny seeded PRNG, so `--inject-faults SEED` reproduces the same faults everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function uniform(random: () => number, low: number, high: number): number {
  return low + (high - low) * random();
}

export function integer(random: () => number, low: number, highInclusive: number): number {
  return Math.floor(uniform(random, low, highInclusive + 1));
}
