/**
 * The expected energy of future days, for the month-end projection. A day forecast that minimises
 * daily error is median-like and under-states months in houses with irregular heavy days (an
 * electric car charged at home on a few random days a month, 50–100 kWh each, against a median day
 * of about 12 kWh); the expected month total is a sum of daily means, so a projection needs the
 * mean. Which window's mean tracks a house best differs (a short one follows a PV house's
 * self-consumption through the season, a long one averages over rare heavy days), so each
 * candidate is scored on how well it predicted the following 14 days, and the scores choose the blend.
 */
import type { DayTotal } from "./daily-totals.js";
import { WindowedExpWeights } from "./exp-weights.js";

export type DayRateFn = (days: readonly DayTotal[], isoWeekday: number) => number;

const HORIZON_DAYS = 14;

function trailingMean(windowDays: number): DayRateFn {
  return (days) => {
    let sum = 0;
    let n = 0;
    for (let i = Math.max(0, days.length - windowDays); i < days.length; i++) {
      const kwh = days[i]!.kwh;
      if (!Number.isNaN(kwh)) {
        sum += kwh;
        n++;
      }
    }
    return n === 0 ? Number.NaN : sum / n;
  };
}

function exponentialMean(decay: number): DayRateFn {
  return (days) => {
    let sum = 0;
    let weight = 0;
    for (let i = days.length - 1, w = 1; i >= 0; i--, w *= decay) {
      const kwh = days[i]!.kwh;
      if (!Number.isNaN(kwh)) {
        sum += w * kwh;
        weight += w;
      }
    }
    return weight === 0 ? Number.NaN : sum / weight;
  };
}

interface Issued {
  readonly index: number; // position in the day sequence where the forecast was issued
  readonly byWeekday: Float64Array; // [candidate * 7 + weekday-1]
}

export class DailyRateSelector {
  private readonly candidates: readonly DayRateFn[];
  private readonly weights: WindowedExpWeights;
  private readonly issued: Issued[] = [];
  private readonly outcomes: DayTotal[] = [];
  private dayCount = 0;

  /** @param dayForecast the model's weekday-aware daily blend, one more candidate. */
  constructor(dayForecast: DayRateFn) {
    this.candidates = [
      dayForecast,
      trailingMean(14),
      trailingMean(28),
      trailingMean(56),
      exponentialMean(0.95),
    ];
    this.weights = new WindowedExpWeights(this.candidates.length, 1, 120, 3);
  }

  /** Called after each closed day with the day history (newest last). */
  onDayClosed(days: readonly DayTotal[]): void {
    const newest = days[days.length - 1];
    if (newest === undefined) return;
    this.outcomes.push(newest);
    if (this.outcomes.length > HORIZON_DAYS + 1) this.outcomes.shift();
    this.dayCount++;
    this.scoreMatured();
    const byWeekday = new Float64Array(this.candidates.length * 7);
    this.candidates.forEach((fn, c) => {
      for (let wd = 1; wd <= 7; wd++) byWeekday[c * 7 + wd - 1] = fn(days, wd);
    });
    this.issued.push({ index: this.dayCount, byWeekday });
  }

  /** The blended expected energy of a future day with this ISO weekday. */
  forecast(days: readonly DayTotal[], isoWeekday: number): number {
    const values = this.candidates.map((fn) => fn(days, isoWeekday));
    const w = this.weights.weights(0, (c) => !Number.isNaN(values[c]!));
    let sum = 0;
    let weight = 0;
    values.forEach((v, c) => {
      if (w[c]! > 0) {
        sum += w[c]! * v;
        weight += w[c]!;
      }
    });
    return weight > 0 ? sum / weight : Number.NaN;
  }

  /** A forecast issued HORIZON_DAYS ago is scored on the total of the days since, if all are known. */
  private scoreMatured(): void {
    const oldest = this.issued[0];
    if (oldest === undefined || this.dayCount - oldest.index < HORIZON_DAYS) return;
    this.issued.shift();
    const window = this.outcomes.slice(-HORIZON_DAYS);
    if (window.some((d) => Number.isNaN(d.kwh))) return;
    const actual = window.reduce((s, d) => s + d.kwh, 0);
    if (!(actual > 0)) return;
    const losses = new Float64Array(this.candidates.length);
    for (let c = 0; c < this.candidates.length; c++) {
      const predicted = window.reduce((s, d) => s + oldest.byWeekday[c * 7 + d.isoWeekday - 1]!, 0);
      losses[c] = Number.isNaN(predicted) ? 1 : Math.abs(predicted - actual) / actual;
    }
    this.weights.addDay(losses);
  }
}
