/**
 * The usual daily pattern moved: the profile of the last days matches the reference profile best
 * when shifted by two hours or more (a timer or heat-pump schedule changed, a night-time load
 * appeared). Scored once per closed day by circular cross-correlation of hour-of-day profiles.
 */
import { median } from "./robust.js";
import { DayTracker } from "./day-tracker.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface ScheduleShiftOptions {
  readonly recentDays: number;
  readonly referenceDays: number;
  readonly minShiftHours: number;
  readonly maxShiftHours: number;
  /** The shifted match must beat the unshifted one by this much correlation. */
  readonly minGain: number;
  readonly minCorrelation: number;
  /** A house whose single days match their own reference less than this has no schedule to shift. */
  readonly minRegularity: number;
}

export const DEFAULT_SCHEDULE_SHIFT: ScheduleShiftOptions = {
  recentDays: 3,
  referenceDays: 28,
  minShiftHours: 2,
  maxShiftHours: 8,
  minGain: 0.35,
  minCorrelation: 0.6,
  minRegularity: 0.5,
};

export class ScheduleShiftDetector implements HourDetector {
  private readonly days: Float64Array[] = []; // complete days, 24 local hours each
  private today = new Float64Array(24).fill(Number.NaN);
  private readonly calendarDays = new DayTracker((ms) => this.dayStart(ms));
  private active: { startMs: number; lag: number } | null = null;

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly dayStart: (ms: number) => number,
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
    // On the 25-hour day the repeated hour adds to its twin; on the 23-hour day one hour stays empty.
    const h = this.localHour(hour.startMs);
    const previous = this.today[h]!;
    this.today[h] = Number.isNaN(previous) ? hour.importKwh : previous + hour.importKwh;
    return events;
  }

  private closeDay(dayStartMs: number, nextDayMs: number): AnomalyEvent | null {
    const complete = this.today.filter((v) => !Number.isNaN(v)).length >= 23;
    this.days.push(complete ? this.today : new Float64Array(24).fill(Number.NaN));
    const { recentDays, referenceDays } = this.options;
    if (this.days.length > recentDays + referenceDays) this.days.shift();
    if (this.days.length < recentDays + 14) return null;
    // Medians on both sides: one irregular heavy day must not read as a moved schedule.
    const recent = profile(this.days.slice(-recentDays), median);
    const reference = profile(this.days.slice(0, -recentDays), median);
    if (recent === null || reference === null) return null;
    if (regularity(this.days.slice(0, -recentDays), reference) < this.options.minRegularity) return null;
    const aligned = correlation(reference, recent, 0);
    let best = { lag: 0, r: aligned };
    for (let lag = -this.options.maxShiftHours; lag <= this.options.maxShiftHours; lag++) {
      const r = correlation(reference, recent, lag);
      if (r > best.r) best = { lag, r };
    }
    const shifted =
      Math.abs(best.lag) >= this.options.minShiftHours &&
      best.r >= this.options.minCorrelation &&
      best.r - aligned >= this.options.minGain &&
      this.everyDayMoved(reference, best.lag);
    if (!shifted) {
      this.active = null;
      return null;
    }
    if (this.active !== null) return null; // already reported this episode
    const startMs = dayStartMs - (recentDays - 1) * 86_400_000;
    this.active = { startMs, lag: best.lag };
    return {
      kind: "schedule-shift",
      startMs,
      endMs: nextDayMs,
      expected: 0,
      observed: best.lag,
      unit: "h",
      score: (best.r - aligned) / this.options.minGain,
      message: `The daily pattern of the last ${recentDays} days matches the usual one best when moved ${best.lag > 0 ? "later" : "earlier"} by ${Math.abs(best.lag)} h (correlation ${fmt(best.r)} against ${fmt(aligned)} unshifted).`,
    };
  }

  /**
   * A moved schedule moves every recent day, not only their median: a median of three irregular
   * days (a day away, a late night, a cloudy day on a PV house) can match a shifted reference by
   * chance. Each day must fit the lag better than no lag.
   */
  private everyDayMoved(reference: Float64Array, lag: number): boolean {
    return this.days
      .slice(-this.options.recentDays)
      .every(
        (d) =>
          d.every((v) => !Number.isNaN(v)) && correlation(reference, d, lag) > correlation(reference, d, 0),
      );
  }
}

function profile(days: Float64Array[], reduce: (values: number[]) => number): Float64Array | null {
  const out = new Float64Array(24);
  for (let h = 0; h < 24; h++) {
    const values = days.map((d) => d[h]!).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return null;
    out[h] = reduce(values);
  }
  return out;
}

/** Median correlation of single complete days with the reference profile. */
function regularity(days: Float64Array[], reference: Float64Array): number {
  const r = days.filter((d) => d.every((v) => !Number.isNaN(v))).map((d) => correlation(reference, d, 0));
  return r.length === 0 ? 0 : median(r);
}

/** Pearson correlation of `a` with `b` moved later by `lag` hours (circular over the day). */
export function correlation(a: Float64Array, b: Float64Array, lag: number): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[(((i + lag) % n) + n) % n]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}
