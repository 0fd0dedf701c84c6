/**
 * The prices known so far for one entity, merged from every update: a later point for the same
 * start replaces the earlier one (a Nord Pool correction, a changed surcharge), and a point that
 * ended long ago is dropped so that a feed running for months stays small.
 */
import type { PriceLookup } from "../analytics/cost/types.js";
import type { PricePoint } from "./price-units.js";

/** Past prices are kept this long: the cost of an interval is priced soon after it closes. */
const KEEP_PAST_MS = 7 * 86_400_000;

export class PriceTimeline implements PriceLookup {
  readonly kind = "lookup";
  private readonly byStart = new Map<number, PricePoint>();
  private sorted: readonly PricePoint[] = [];

  /** Adds `points` and forgets those that ended more than a week before `nowMs`. */
  merge(points: readonly PricePoint[], nowMs: number): void {
    for (const point of points) this.byStart.set(point.startMs, point);
    for (const [start, point] of this.byStart) {
      if (point.endMs < nowMs - KEEP_PAST_MS) this.byStart.delete(start);
    }
    this.sorted = [...this.byStart.values()].sort((a, b) => a.startMs - b.startMs);
  }

  /** The price in force at `ms`, or NaN when no known point covers it (never 0: unpriced, not free). */
  priceAt(ms: number): number {
    return this.sorted[this.indexAt(ms)]?.pricePerKwh ?? Number.NaN;
  }

  /** Where the unbroken run of prices from `nowMs` ends; undefined when `nowMs` has no price. */
  knownUntil(nowMs: number): number | undefined {
    const first = this.indexAt(nowMs);
    if (first < 0) return undefined;
    let end = this.sorted[first]!.endMs;
    for (const next of this.sorted.slice(first + 1)) {
      if (next.startMs > end) break;
      end = Math.max(end, next.endMs);
    }
    return end;
  }

  /** The last instant any known price covers (for a reason when now is not covered). */
  latestEnd(): number | undefined {
    return this.sorted.length === 0 ? undefined : Math.max(...this.sorted.map((point) => point.endMs));
  }

  /** Binary search over points sorted by start; -1 when none covers `ms`. */
  private indexAt(ms: number): number {
    let low = 0;
    let high = this.sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const point = this.sorted[middle]!;
      if (ms < point.startMs) high = middle - 1;
      else if (ms >= point.endMs) low = middle + 1;
      else return middle;
    }
    return -1;
  }
}
