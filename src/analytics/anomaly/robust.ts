/**
 * Median and MAD with the consistency factor, as the robust-z detectors use them, from simple-statistics.
 * Both return NaN for no values, where simple-statistics throws.
 */
import { medianAbsoluteDeviation, median as sortedMiddle } from "simple-statistics";

export function median(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : sortedMiddle(values);
}

/**
 * 1.4826 · MAD (about the median) estimates σ for normal data: 1.4826 = 1 / Φ⁻¹(3/4) (Rousseeuw &
 * Croux, "Alternatives to the median absolute deviation", JASA 1993).
 */
export function robustSigma(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : 1.4826 * medianAbsoluteDeviation(values);
}
