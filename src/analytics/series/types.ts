/** The one narrow type between loading and the analytics: hourly energy on a local-hour grid. */

/** How a CSV value column is to be read (the `--kind` of `e450 backtest`). */
export type ValueKind = "interval-kwh" | "interval-wh" | "mean-kw" | "mean-w" | "cumulative-kwh";

export const VALUE_KINDS: readonly ValueKind[] = [
  "interval-kwh",
  "interval-wh",
  "mean-kw",
  "mean-w",
  "cumulative-kwh",
];

/** One row of a meter export after timestamp resolution; `value` is NaN when the row has a blank. */
export interface TimedValue {
  readonly timeMs: number;
  readonly value: number;
}

/** Energy over [startMs, endMs). */
export interface EnergyInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly kwh: number;
}

/** A register that went down between two readings (meter swap, reset or mis-parse). */
export interface CounterDecrease {
  readonly timeMs: number;
  readonly dropKwh: number;
}

/**
 * Hourly energy: slot i covers [startMs + i h, startMs + (i+1) h), aligned to local hours.
 * NaN marks an hour that is missing or only partly covered: gaps are never interpolated, since an
 * interpolated hour would be scored as if it had been measured.
 */
export interface HourlySeries {
  readonly startMs: number;
  readonly kwh: Float64Array;
}
