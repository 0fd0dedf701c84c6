/**
 * A weekly load moved: the load a house runs on one weekday only (a workshop's machines on Monday
 * mornings, the weekly charge of an electric car) came hours later than on that weekday in recent
 * weeks. The daily schedule-shift detector cannot see it: it compares median profiles of all days,
 * in which one weekday's load is an outlier, and a house whose other days are flat has no daily
 * pattern to shift (its regularity check refuses such a house).
 *
 * Scored once per closed day, on the weekday's own component: the day's profile and the median
 * profile of the same weekday in recent weeks, each minus the median profile of all recent days.
 * A weekday is judged only when its own load is a weekly load: at least a whole day of the house's
 * mean consumption on top of its everyday profile (mean of the same weekdays, so that weeks when the
 * load was skipped, holidays or summer, do not hide it), coming at a regular time (regularity, as in
 * the daily detector). Ordinary weekday habits stay below a day: a laundry day's washer and dryer
 * (1–4 kWh) or a home-office day's computer and lighting (1–2 kWh) against a day of 8–12 kWh in an
 * ordinary home; a process run once a week (a weekly car charge of 20–40 kWh, a workshop's or a
 * kiln's day) is one or several days' worth. Judging habits would only report their timing
 * wandering by hours from week to week. The shift criteria are the daily detector's (circular
 * cross-correlation, ≥ 2 h, correlation ≥ 0.6, gain ≥ 0.35). A day shaped like any day of the last
 * four weeks is no shift: a house whose car or off-peak block runs on varying days shows that load
 * at that time on other days already.
 */
import { meanSimple } from "simple-statistics";
import { RollingMean } from "./materiality.js";
import { DayTracker } from "./day-tracker.js";
import { median } from "./robust.js";
import { correlation, DEFAULT_SCHEDULE_SHIFT, type ScheduleShiftOptions } from "./schedule-shift.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

/** Same weekdays behind the weekday's profile (at least `MIN_WEEKS`). */
const WEEKS = 8;
const MIN_WEEKS = 4;
/** All days behind the house's everyday profile. */
const ALL_DAYS = 28;
/** A weekly load is at least this many days of the house's mean consumption. */
const WEEKLY_LOAD_DAYS = 1;

interface Day {
  readonly weekday: number;
  readonly profile: Float64Array;
}

export class WeeklyScheduleDetector implements HourDetector {
  private readonly days: Day[] = [];
  private today = new Float64Array(24).fill(Number.NaN);
  private readonly calendarDays = new DayTracker((ms) => this.dayStart(ms));
  private readonly load = new RollingMean();

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly dayStart: (ms: number) => number,
    private readonly weekday: (ms: number) => number,
    private readonly options: ScheduleShiftOptions = DEFAULT_SCHEDULE_SHIFT,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const events: AnomalyEvent[] = [];
    const turn = this.calendarDays.advance(hour.startMs);
    if (turn) {
      const event = turn.ended === null ? null : this.closeDay(turn.ended, turn.day);
      if (event) events.push(event);
      this.today = new Float64Array(24).fill(Number.NaN);
    }
    this.load.add(hour.importKwh);
    // On the 25-hour day the repeated hour adds to its twin; on the 23-hour day one hour stays empty.
    const h = this.localHour(hour.startMs);
    const previous = this.today[h]!;
    this.today[h] = Number.isNaN(previous) ? hour.importKwh : previous + hour.importKwh;
    return events;
  }

  private closeDay(dayStartMs: number, nextDayMs: number): AnomalyEvent | null {
    const weekday = this.weekday(dayStartMs);
    const complete = this.today.every((v) => !Number.isNaN(v));
    const event = complete ? this.judge(weekday, this.today, dayStartMs, nextDayMs) : null;
    if (complete) this.days.push({ weekday, profile: this.today });
    if (this.days.length > 7 * WEEKS) this.days.shift();
    return event;
  }

  private judge(weekday: number, today: Float64Array, startMs: number, endMs: number): AnomalyEvent | null {
    const sameDays = this.days.filter((d) => d.weekday === weekday).map((d) => d.profile);
    if (sameDays.length < MIN_WEEKS || this.days.length < ALL_DAYS) return null;
    const everyday = hourlyMedian(this.days.slice(-ALL_DAYS).map((d) => d.profile));
    const own = minus(hourlyMedian(sameDays), everyday);
    // Its size from the mean of those weekdays: a weekly load skipped on some weeks (holidays,
    // summer) is still the house's weekly load, though its median hour may read as absent.
    const ownKwh = minus(hourlyMean(sameDays), everyday).reduce((sum, v) => sum + Math.max(v, 0), 0);
    if (ownKwh < WEEKLY_LOAD_DAYS * 24 * this.load.mean) return null;
    const regular = median(sameDays.map((d) => correlation(own, minus(d, everyday), 0)));
    if (regular < this.options.minRegularity) return null;
    const day = minus(today, everyday);
    const aligned = correlation(own, day, 0);
    let best = { lag: 0, r: aligned };
    for (let lag = -this.options.maxShiftHours; lag <= this.options.maxShiftHours; lag++) {
      const r = correlation(own, day, lag);
      if (r > best.r) best = { lag, r };
    }
    const { minShiftHours, minCorrelation, minGain } = this.options;
    if (Math.abs(best.lag) < minShiftHours || best.r < minCorrelation || best.r - aligned < minGain)
      return null;
    // The weekday's load at a time the house already runs such a load on other days (a car charged
    // at night on Tuesdays and now on a Thursday night) is the house's own pattern, not a moved one.
    const recent = this.days.slice(-ALL_DAYS).map((d) => minus(d.profile, everyday));
    if (recent.some((d) => correlation(day, d, 0) >= minCorrelation)) return null;
    return {
      kind: "schedule-shift",
      startMs,
      endMs,
      expected: 0,
      observed: best.lag,
      unit: "h",
      score: (best.r - aligned) / minGain,
      message: `The load this house runs on this weekday came ${Math.abs(best.lag)} h ${best.lag > 0 ? "later" : "earlier"} than in the last ${sameDays.length} weeks (correlation ${fmt(best.r)} against ${fmt(aligned)} at the usual time).`,
    };
  }
}

function hourlyMedian(days: Float64Array[]): Float64Array {
  return Float64Array.from({ length: 24 }, (_, h) => median(days.map((d) => d[h]!)));
}

function hourlyMean(days: Float64Array[]): Float64Array {
  return Float64Array.from({ length: 24 }, (_, h) => meanSimple(days.map((d) => d[h]!)));
}

function minus(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]!);
}
