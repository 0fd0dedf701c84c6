/**
 * Exponential weights over a sliding window of per-day losses, one independent weighting per
 * "block" (e.g. a time-of-day band): the exponentially weighted average forecaster (Cesa-Bianchi &
 * Lugosi, Prediction, Learning, and Games, 2006, ch. 2), so the house's own recent errors pick the
 * blend; per-band weights let a recency expert win the evenings while an hour-of-week expert wins
 * Mondays.
 */

export class WindowedExpWeights {
  private readonly losses: Float64Array[] = []; // one row per day: [block * experts + expert]
  private readonly totals: Float64Array;

  /**
   * @param sharpness how strongly a relative loss excess is punished: weight = exp(-sharpness ·
   *   days · excess / 10), where excess is (loss − best) / best. At 5 over 28 days an expert 10 %
   *   worse than the best keeps exp(−1.4) ≈ 25 % of the best's weight and one 50 % worse exp(−7) ≈
   *   0.1 %: the blend follows a clear winner, not day-to-day noise.
   */
  constructor(
    readonly experts: number,
    readonly blocks: number,
    readonly windowDays: number,
    readonly sharpness: number,
  ) {
    this.totals = new Float64Array(experts * blocks);
  }

  get days(): number {
    return this.losses.length;
  }

  /** Adds one complete day of losses; the oldest day leaves the window. */
  addDay(dayLosses: Float64Array): void {
    this.losses.push(dayLosses);
    for (let i = 0; i < dayLosses.length; i++) this.totals[i]! += dayLosses[i]!;
    if (this.losses.length > this.windowDays) {
      const old = this.losses.shift()!;
      for (let i = 0; i < old.length; i++) this.totals[i]! -= old[i]!;
    }
  }

  /** Normalised weights for one block, over the experts marked available. */
  weights(block: number, available: (expert: number) => boolean): Float64Array {
    const w = new Float64Array(this.experts);
    const offset = block * this.experts;
    let best = Number.POSITIVE_INFINITY;
    for (let e = 0; e < this.experts; e++) if (available(e)) best = Math.min(best, this.totals[offset + e]!);
    let sum = 0;
    for (let e = 0; e < this.experts; e++) {
      if (!available(e)) continue;
      // A perfect expert (zero loss) must win outright, not make every excess 0/0.
      const excess = this.days === 0 ? 0 : (this.totals[offset + e]! - best) / Math.max(best, 1e-9);
      w[e] = Math.exp((-this.sharpness * this.days * excess) / 10);
      sum += w[e]!;
    }
    for (let e = 0; e < this.experts; e++) w[e] = sum > 0 ? w[e]! / sum : 0;
    return w;
  }
}
