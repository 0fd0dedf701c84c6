/**
 * Daily energy totals and the experts that forecast them. Totals are forecast directly, not as the
 * sum of hourly medians, which would under-state a right-skewed day (the sum of medians is below
 * the median of sums when every hour is skewed upwards): the month projection is the actual to
 * date plus one such forecast per remaining day, weekday-aware because a load run on one weekday
 * (a weekly car charge, a workshop day) can dominate a house's week.
 */
import { median } from "simple-statistics";

export interface DayTotal {
  readonly dayStartMs: number;
  /** ISO weekday 1-7 of the local date. */
  readonly isoWeekday: number;
  /** NaN when any hour of the day is missing. */
  readonly kwh: number;
}

export interface DailyTotalExpert {
  readonly name: string;
  /** NaN when the history holds nothing usable. */
  forecast(history: readonly DayTotal[], isoWeekday: number): number;
}

const isWeekend = (isoWeekday: number) => isoWeekday >= 6;

function meanOf(days: readonly DayTotal[], keep: (d: DayTotal, age: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = days.length - 1, age = 1; i >= 0; i--, age++) {
    const d = days[i]!;
    if (!Number.isNaN(d.kwh) && keep(d, age)) {
      sum += d.kwh;
      n++;
    }
  }
  return n === 0 ? Number.NaN : sum / n;
}

function medianOf(days: readonly DayTotal[], maxAge: number): number {
  const values = days
    .slice(-maxAge)
    .map((d) => d.kwh)
    .filter((v) => !Number.isNaN(v));
  return values.length === 0 ? Number.NaN : median(values);
}

export const DAILY_TOTAL_EXPERTS: readonly DailyTotalExpert[] = [
  { name: "mean-7", forecast: (h) => meanOf(h, (_, age) => age <= 7) },
  { name: "mean-14", forecast: (h) => meanOf(h, (_, age) => age <= 14) },
  { name: "median-14", forecast: (h) => medianOf(h, 14) },
  {
    name: "same-weekday-4w",
    forecast: (h, wd) => meanOf(h, (d, age) => age <= 28 && d.isoWeekday === wd),
  },
  {
    name: "same-daytype-28",
    forecast: (h, wd) => meanOf(h, (d, age) => age <= 28 && isWeekend(d.isoWeekday) === isWeekend(wd)),
  },
];
