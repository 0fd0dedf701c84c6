/**
 * The named baselines every forecast figure is compared with (the naive and seasonal-naive
 * forecasts; Hyndman & Athanasopoulos, Forecasting: Principles and Practice, §5.2): copies of the
 * same local hour one day or one week earlier, and the mean of the same hour over the last 7 days.
 * A missing copy falls back one more period, so a gap does not silently turn into a zero.
 */
import type { HourlyHistory } from "../forecast/history.js";

export type BaselineName = "previous-day" | "previous-week" | "mean-7-days";

export const BASELINES: readonly BaselineName[] = ["previous-day", "previous-week", "mean-7-days"];

export function baselineForecast(name: BaselineName, history: HourlyHistory, targetMs: number): number {
  switch (name) {
    case "previous-day":
      return firstAvailable(history, targetMs, 1, 28);
    case "previous-week":
      return firstAvailable(history, targetMs, 7, 8 * 7);
    case "mean-7-days": {
      let sum = 0;
      let n = 0;
      for (let d = 1; d <= 7; d++) {
        const v = history.at(history.sameLocalHour(targetMs, d));
        if (!Number.isNaN(v)) {
          sum += v;
          n++;
        }
      }
      return n > 0 ? sum / n : firstAvailable(history, targetMs, 1, 28);
    }
  }
}

function firstAvailable(history: HourlyHistory, targetMs: number, stepDays: number, maxDays: number): number {
  for (let d = stepDays; d <= maxDays; d += stepDays) {
    const v = history.at(history.sameLocalHour(targetMs, d));
    if (!Number.isNaN(v)) return v;
  }
  return Number.NaN;
}
