/** Weighted and unweighted empirical quantiles: the building block of every forecast and interval in this folder. */
import { quantileSorted } from "simple-statistics";

export interface WeightedSample {
  value: number;
  weight: number;
}

/**
 * The smallest sample value whose cumulative weight reaches q of the total (the lower weighted
 * quantile; for q = 0.5 a weighted median, the MAE-optimal point forecast). Sorts `samples` in place.
 *
 * simple-statistics' `weightedQuantile` has the same definition, but it takes parallel value and
 * weight arrays, copies them into pairs on every call and throws on an empty or all-zero-weight
 * pool. The experts call this for every forecast hour with a pool they reuse (no allocation), and
 * an empty pool is the ordinary cold start (NaN), so this stays.
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

/**
 * Unweighted quantile of already sorted values with linear interpolation (Hyndman & Fan type 7,
 * simple-statistics' `quantileSorted`); NaN for no values and q clamped to [0, 1] where it throws.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  // quantileSorted only indexes and reads `length`, so a typed array serves as well as an array.
  return quantileSorted(sorted as readonly number[], Math.min(1, Math.max(0, q)));
}
