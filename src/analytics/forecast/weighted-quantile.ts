/** Weighted empirical quantiles: the building block of every forecast and interval in this folder. */

export interface WeightedSample {
  value: number;
  weight: number;
}

/**
 * The smallest sample value whose cumulative weight reaches q of the total (the lower weighted
 * quantile; for q = 0.5 a weighted median, the MAE-optimal point forecast). Sorts `samples` in place.
 */
export function weightedQuantile(samples: WeightedSample[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  samples.sort((a, b) => a.value - b.value);
  let total = 0;
  for (const s of samples) total += s.weight;
  const target = q * total;
  let cumulative = 0;
  for (const s of samples) {
    cumulative += s.weight;
    if (cumulative >= target) return s.value;
  }
  return samples[samples.length - 1]!.value;
}

/** Unweighted quantile of already sorted values with linear interpolation (type 7). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
