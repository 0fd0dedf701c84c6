/** Median and MAD with the consistency factor, as the robust-z detectors use them (Baek & Lee). */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** 1.4826 · MAD estimates σ for normal data. */
export function robustSigma(values: number[], center: number): number {
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}
