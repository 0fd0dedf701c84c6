/**
 * A trailing window of values kept sorted, so a detector can ask for a quantile of its own recent
 * history on every hour without re-sorting: an insertion is a binary search and one move, where
 * sorting a 90-day window every hour would dominate the live update.
 */
import { sortedQuantile } from "../forecast/weighted-quantile.js";

export class SortedWindow {
  private readonly sorted: number[] = [];
  private readonly arrivals: { readonly atMs: number; readonly value: number }[] = [];

  constructor(private readonly spanMs: number) {}

  get size(): number {
    return this.sorted.length;
  }

  add(atMs: number, value: number): void {
    this.arrivals.push({ atMs, value });
    this.sorted.splice(lowerBound(this.sorted, value), 0, value);
  }

  /** Forgets values older than the span before `nowMs`. */
  expire(nowMs: number): void {
    while (this.arrivals.length > 0 && this.arrivals[0]!.atMs < nowMs - this.spanMs) {
      const { value } = this.arrivals.shift()!;
      this.sorted.splice(lowerBound(this.sorted, value), 1);
    }
  }

  quantile(q: number): number {
    return sortedQuantile(this.sorted, q);
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
