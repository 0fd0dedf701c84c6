/**
 * 80 % prediction intervals from the model's own recent errors, calibrated online.
 *
 * Empirical residual quantiles per time-of-day band (right-skewed, not ±kσ: Ben Taieb et al.,
 * "Forecasting uncertainty in electricity smart meter data by boosting additive quantile
 * regression", IEEE Trans. Smart Grid 2016) under-cover out of sample (the errors of past days
 * understate those of days to come while a house's behaviour drifts), so the
 * quantile level itself is steered by adaptive conformal inference (Gibbs & Candès 2021):
 * α ← α + γ (α* − miss), which makes long-run coverage converge to the nominal 80 %.
 */
import { sortedQuantile } from "./weighted-quantile.js";

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export class AdaptiveInterval {
  private readonly residuals: number[][];
  private readonly sorted: (Float64Array | null)[];
  private alpha: number;

  constructor(
    readonly blocks: number,
    readonly nominalCoverage = 0.8,
    readonly windowPerBlock = 56 * 4,
    readonly step = 0.01,
  ) {
    this.residuals = Array.from({ length: blocks }, () => []);
    this.sorted = Array.from({ length: blocks }, () => null);
    this.alpha = 1 - nominalCoverage;
  }

  get missLevel(): number {
    return this.alpha;
  }

  /** Records a scored outcome: the residual, and whether the interval issued for it covered it. */
  record(block: number, point: number, actual: number, issued: Interval | null): void {
    const list = this.residuals[block]!;
    list.push(actual - point);
    if (list.length > this.windowPerBlock) list.shift();
    this.sorted[block] = null;
    if (issued !== null) {
      const miss = actual < issued.low || actual > issued.high ? 1 : 0;
      const target = 1 - this.nominalCoverage;
      this.alpha = Math.min(0.6, Math.max(0.01, this.alpha + this.step * (target - miss)));
    }
  }

  /** The interval around `point`, clipped at zero for import; null until the band has 24 residuals. */
  around(block: number, point: number): Interval | null {
    const list = this.residuals[block]!;
    if (list.length < 24) return null;
    let sorted = this.sorted[block] ?? null;
    if (sorted === null) {
      sorted = Float64Array.from(list).sort();
      this.sorted[block] = sorted;
    }
    const low = point + sortedQuantile(sorted, this.alpha / 2);
    const high = point + sortedQuantile(sorted, 1 - this.alpha / 2);
    return { low: Math.max(0, low), high: Math.max(0, high) };
  }
}
