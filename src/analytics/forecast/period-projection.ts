/**
 * Today's and this month's projected energy: the actual to date plus a forecast of the rest, with an
 * 80 % interval taken from the model's own recent daily-total errors (not by summing hourly
 * quantiles, which would pretend the hours are independent when one cold or absent day moves all of
 * its hours together).
 */
import { quantile } from "simple-statistics";
import { HOUR_MS } from "../../time/zoned.js";
import type { ForecastModel } from "./model.js";

export interface PeriodProjection {
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  readonly actualToDateKwh: number;
  readonly expectedKwh: number;
  /** p10…p90 of the period total; null before the model has scored two weeks of days. */
  readonly interval: { readonly low: number; readonly high: number } | null;
}

/** Projection of the current local month at `nowMs` (the end of the newest observed hour). */
export function projectMonth(model: ForecastModel, nowMs: number): PeriodProjection {
  const calendar = model.calendar;
  const month = model.monthToDate;
  const endMs = calendar.startOfNextMonth(month.startMs);
  const today = restOfToday(model, nowMs);
  let remaining = today.expected;
  let days = today.fraction;
  const byWeekday = new Map<number, number>();
  for (let d = calendar.addDays(model.today.dayStartMs, 1); d < endMs; d = calendar.addDays(d, 1)) {
    const weekday = calendar.isoWeekday(d);
    let expected = byWeekday.get(weekday);
    if (expected === undefined) {
      expected = model.expectedDayEnergy(weekday);
      byWeekday.set(weekday, expected);
    }
    // Day rates are learnt from mostly 24-hour days; the 23- and 25-hour days get their share.
    remaining += (expected * (calendar.addDays(d, 1) - d)) / (24 * HOUR_MS);
    days++;
  }
  return {
    periodStartMs: month.startMs,
    periodEndMs: endMs,
    actualToDateKwh: month.kwh,
    expectedKwh: month.kwh + remaining,
    interval: intervalFor(model, month.kwh, remaining, days),
  };
}

/** Projection of the current local day at `nowMs`. */
export function projectToday(model: ForecastModel, nowMs: number): PeriodProjection {
  const today = model.today;
  const rest = restOfToday(model, nowMs);
  return {
    periodStartMs: today.dayStartMs,
    periodEndMs: model.calendar.addDays(today.dayStartMs, 1),
    actualToDateKwh: today.kwh,
    expectedKwh: today.kwh + rest.expected,
    interval: intervalFor(model, today.kwh, rest.expected, rest.fraction),
  };
}

/**
 * The day-total forecast scaled by the share of the day's expected energy still to come, where the
 * share follows the hourly profile (an evening-heavy house has most of its day left at 15:00).
 */
function restOfToday(model: ForecastModel, nowMs: number): { expected: number; fraction: number } {
  const calendar = model.calendar;
  const dayStart = model.today.dayStartMs;
  const dayEnd = calendar.addDays(dayStart, 1);
  if (nowMs >= dayEnd) return { expected: 0, fraction: 0 };
  const hours = Math.round((dayEnd - dayStart) / HOUR_MS);
  const profile = model.forecastHours(dayStart, hours).map((h) => (Number.isNaN(h.point) ? 0 : h.point));
  const whole = profile.reduce((a, b) => a + b, 0);
  const done = Math.round((nowMs - dayStart) / HOUR_MS);
  const left = profile.slice(done).reduce((a, b) => a + b, 0);
  const share = whole > 0 ? left / whole : (hours - done) / hours;
  const total = (model.expectedDayEnergy(calendar.isoWeekday(dayStart)) * hours) / 24;
  return { expected: Number.isNaN(total) ? left : share * total, fraction: share };
}

/** Mean relative daily error over windows of `days` consecutive days gives the period's spread. */
function intervalFor(model: ForecastModel, actual: number, remaining: number, days: number) {
  const errors = model.dailyRelativeErrors;
  if (errors.length < 14 || Number.isNaN(remaining)) return null;
  const window = Math.max(1, Math.min(Math.round(days), errors.length));
  const means: number[] = [];
  let sum = 0;
  for (let i = 0; i < errors.length; i++) {
    sum += errors[i]!;
    if (i >= window) sum -= errors[i - window]!;
    if (i >= window - 1) means.push(sum / window);
  }
  const [p10, p90] = quantile(means, [0.1, 0.9]) as [number, number];
  return {
    low: actual + Math.max(0, remaining * (1 + p10)),
    high: actual + Math.max(0, remaining * (1 + p90)),
  };
}
