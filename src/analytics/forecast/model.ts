/**
 * The live forecast model: one new hour at a time in, forecasts out at any moment. The batch
 * backtest drives exactly this class, so backtest figures are what a user would have seen.
 *
 * At every local midnight the model issues the next-24-hour forecast of each expert and of each
 * daily-total expert; as the day's hours arrive it scores them, and those scores steer the blend
 * weights and the interval calibration. Nothing reads an hour before it has been observed.
 */
import { DAY_MS, HOUR_MS, type ZonedCalendar } from "../../time/zoned.js";
import { AdaptiveInterval, type Interval } from "./adaptive-interval.js";
import { DAILY_TOTAL_EXPERTS, type DailyTotalExpert, type DayTotal } from "./daily-totals.js";
import { DailyRateSelector } from "./daily-rate.js";
import { WindowedExpWeights } from "./exp-weights.js";
import {
  DEFAULT_EXPERTS,
  type ExpertContext,
  type ExpertSpec,
  expertForecast,
  HISTORY_HOURS_NEEDED,
} from "./experts.js";
import { HourlyHistory } from "./history.js";
import type { WeightedSample } from "./weighted-quantile.js";

export interface HourForecast {
  readonly targetMs: number;
  readonly point: number;
  /** The 80 % interval (p10…p90); null until the model has scored a few days of its own errors. */
  readonly interval: Interval | null;
}

interface PendingHour {
  readonly experts: Float64Array;
  readonly point: number;
  readonly interval: Interval | null;
}

/** Four-hour bands of the local day: blend weights and residuals are kept per band. */
const BLOCKS = 6;
const DAY_HISTORY = 70;

export class ForecastModel {
  readonly history: HourlyHistory;
  private readonly experts: readonly ExpertSpec[];
  private readonly weights: WindowedExpWeights;
  private readonly totalWeights: WindowedExpWeights;
  private readonly hourInterval = new AdaptiveInterval(BLOCKS);
  private readonly pending = new Map<number, PendingHour>();
  private dayLoss: Float64Array;
  private dayComplete = true;
  private dayStartMs = Number.NaN;
  private dayEndMs = Number.NaN;
  private dayKwh = 0;
  private dayHoursSeen = 0;
  private dayTotalForecasts: Float64Array | null = null;
  private month = { startMs: Number.NaN, kwh: 0, missingHours: 0 };
  readonly days: DayTotal[] = [];
  /** Relative errors of the daily-total blend, newest last, for period intervals. */
  readonly dailyRelativeErrors: number[] = [];
  private readonly pool: WeightedSample[] = [];
  private readonly rates = new DailyRateSelector((days, weekday) => this.blendTotalsFor(days, weekday));
  private readonly dayTotalsByIndex = new Map<number, number>();
  private originForecasts: { readonly originMs: number; readonly hours: HourForecast[] } | null = null;
  private recentLevel = Number.NaN;
  private readonly context: ExpertContext = {
    history: undefined as unknown as HourlyHistory,
    isWeekend: (ms) => this.calendar.isoWeekday(ms) >= 6,
    levelRatio: (ms) => this.recentLevel / (this.dayTotalsByIndex.get(this.localDayIndex(ms)) ?? Number.NaN),
  };

  constructor(
    readonly calendar: ZonedCalendar,
    experts: readonly ExpertSpec[] = DEFAULT_EXPERTS,
  ) {
    this.experts = experts;
    this.history = new HourlyHistory(calendar, HISTORY_HOURS_NEEDED);
    this.context = { ...this.context, history: this.history };
    this.weights = new WindowedExpWeights(experts.length, BLOCKS, 56, 3);
    this.totalWeights = new WindowedExpWeights(DAILY_TOTAL_EXPERTS.length, 1, 28, 5);
    this.dayLoss = new Float64Array(experts.length * BLOCKS);
  }

  /** Feeds one hour (NaN when missing). Hours must come in order; skipped hours count as missing. */
  observe(hourStartMs: number, kwh: number): void {
    this.originForecasts = null;
    if (!(hourStartMs >= this.dayStartMs && hourStartMs < this.dayEndMs)) {
      this.rollDay(this.calendar.startOfDay(hourStartMs));
    }
    this.scorePending(hourStartMs, kwh);
    this.history.push(hourStartMs, kwh);
    if (Number.isNaN(kwh)) {
      this.dayComplete = false;
      this.month.missingHours++;
    } else {
      this.dayKwh += kwh;
      this.dayHoursSeen++;
      this.month.kwh += kwh;
    }
    // Close the day as soon as its last hour is in, so a forecast at midnight knows yesterday.
    const nextHour = hourStartMs + HOUR_MS;
    if (this.calendar.toWall(nextHour) % DAY_MS === 0) this.rollDay(nextHour);
  }

  /** Forecasts for the `hours` hours starting at `fromMs`, using data observed before `fromMs`. */
  forecastHours(fromMs: number, hours = 24): HourForecast[] {
    const cached = this.originForecasts;
    if (cached !== null && cached.originMs === fromMs && hours <= cached.hours.length) {
      return cached.hours.slice(0, hours);
    }
    const out: HourForecast[] = [];
    for (let k = 0; k < hours; k++) {
      const targetMs = fromMs + k * HOUR_MS;
      const { point } = this.blend(targetMs, fromMs);
      const interval = Number.isNaN(point) ? null : this.hourInterval.around(this.block(targetMs), point);
      out.push({ targetMs, point, interval });
    }
    return out;
  }

  /** The daily-total blend (minimum daily error) for a future local day with this ISO weekday. */
  forecastDayTotal(isoWeekday: number): number {
    return this.blendTotalsFor(this.days, isoWeekday);
  }

  /** The expected (mean) energy of a future day: what period projections add up. */
  expectedDayEnergy(isoWeekday: number): number {
    return this.rates.forecast(this.days, isoWeekday);
  }

  private blendTotalsFor(days: readonly DayTotal[], isoWeekday: number): number {
    const w = this.totalWeights.weights(0, () => true);
    let sum = 0;
    let weight = 0;
    DAILY_TOTAL_EXPERTS.forEach((expert: DailyTotalExpert, e) => {
      const value = expert.forecast(days, isoWeekday);
      if (!Number.isNaN(value)) {
        sum += w[e]! * value;
        weight += w[e]!;
      }
    });
    return weight > 0 ? sum / weight : Number.NaN;
  }

  /** Energy observed so far in the current local day, and how many of its hours were present. */
  get today(): { readonly dayStartMs: number; readonly kwh: number; readonly hours: number } {
    return { dayStartMs: this.dayStartMs, kwh: this.dayKwh, hours: this.dayHoursSeen };
  }

  /** Energy observed so far in the current local month; `missingHours` makes an understatement visible. */
  get monthToDate(): { readonly startMs: number; readonly kwh: number; readonly missingHours: number } {
    return { ...this.month };
  }

  /** Days since the epoch of the local date: a cheap key that needs no time-zone search. */
  private localDayIndex(ms: number): number {
    return Math.floor(this.calendar.toWall(ms) / DAY_MS);
  }

  block(targetMs: number): number {
    const hour = Math.floor((this.calendar.toWall(targetMs) % DAY_MS) / HOUR_MS);
    return Math.floor(hour / (24 / BLOCKS));
  }

  private blend(targetMs: number, cutoffMs: number): { point: number; experts: Float64Array } {
    const values = new Float64Array(this.experts.length);
    this.experts.forEach((spec, e) => {
      values[e] = expertForecast(spec, this.context, targetMs, cutoffMs, this.pool);
    });
    const w = this.weights.weights(this.block(targetMs), (e) => !Number.isNaN(values[e]!));
    let point = 0;
    let total = 0;
    for (let e = 0; e < values.length; e++) {
      if (w[e]! > 0) {
        point += w[e]! * values[e]!;
        total += w[e]!;
      }
    }
    return { point: total > 0 ? point / total : Number.NaN, experts: values };
  }

  private rollDay(newDayStart: number): void {
    if (!Number.isNaN(this.dayStartMs) && newDayStart > this.dayStartMs) {
      this.closeDay();
      // Days with no data at all still occupy their place, so "the last 7 days" means 7 dates.
      for (
        let d = this.calendar.addDays(this.dayStartMs, 1);
        d < newDayStart;
        d = this.calendar.addDays(d, 1)
      ) {
        this.pushDay({ dayStartMs: d, isoWeekday: this.calendar.isoWeekday(d), kwh: Number.NaN });
      }
    }
    if (this.calendar.startOfMonth(newDayStart) !== this.month.startMs) {
      this.month = { startMs: this.calendar.startOfMonth(newDayStart), kwh: 0, missingHours: 0 };
    }
    this.dayStartMs = newDayStart;
    this.dayEndMs = this.calendar.addDays(newDayStart, 1);
    this.dayKwh = 0;
    this.dayHoursSeen = 0;
    this.dayComplete = true;
    this.issueDailyOrigin(newDayStart);
  }

  private closeDay(): void {
    const hoursInDay = (this.calendar.addDays(this.dayStartMs, 1) - this.dayStartMs) / HOUR_MS;
    const complete = this.dayComplete && this.dayHoursSeen === hoursInDay;
    const kwh = complete ? this.dayKwh : Number.NaN;
    if (complete && this.dayTotalForecasts !== null) {
      const losses = this.dayTotalForecasts.map((f) =>
        Number.isNaN(f) ? 0 : Math.abs(f - kwh) / Math.max(kwh, 1e-6),
      );
      this.totalWeights.addDay(losses);
      const blended = this.blendTotals(this.dayTotalForecasts);
      if (!Number.isNaN(blended) && blended > 0) {
        this.dailyRelativeErrors.push((kwh - blended) / blended);
        if (this.dailyRelativeErrors.length > 120) this.dailyRelativeErrors.shift();
      }
    }
    this.pushDay({ dayStartMs: this.dayStartMs, isoWeekday: this.calendar.isoWeekday(this.dayStartMs), kwh });
    this.rates.onDayClosed(this.days);
  }

  private pushDay(day: DayTotal): void {
    this.days.push(day);
    this.dayTotalsByIndex.set(this.localDayIndex(day.dayStartMs), day.kwh);
    if (this.days.length > DAY_HISTORY)
      this.dayTotalsByIndex.delete(this.localDayIndex(this.days.shift()!.dayStartMs));
    // The level the level-aware experts scale to: the mean of the last three complete days.
    const recent = this.days.slice(-3).filter((d) => !Number.isNaN(d.kwh));
    this.recentLevel =
      recent.length === 0 ? Number.NaN : recent.reduce((s, d) => s + d.kwh, 0) / recent.length;
  }

  private blendTotals(forecasts: Float64Array): number {
    const w = this.totalWeights.weights(0, (e) => !Number.isNaN(forecasts[e]!));
    let sum = 0;
    let weight = 0;
    forecasts.forEach((f, e) => {
      if (w[e]! > 0) {
        sum += w[e]! * f;
        weight += w[e]!;
      }
    });
    return weight > 0 ? sum / weight : Number.NaN;
  }

  /** Records what every expert says about the coming day, to be scored as its hours arrive. */
  private issueDailyOrigin(originMs: number): void {
    this.pending.clear();
    this.dayLoss = new Float64Array(this.experts.length * BLOCKS);
    const weekday = this.calendar.isoWeekday(originMs);
    this.dayTotalForecasts = Float64Array.from(DAILY_TOTAL_EXPERTS, (x) => x.forecast(this.days, weekday));
    if (Number.isNaN(this.history.latestEndMs)) return;
    const hours: HourForecast[] = [];
    for (let k = 0; k < 24; k++) {
      const targetMs = originMs + k * HOUR_MS;
      const { point, experts } = this.blend(targetMs, originMs);
      const interval = Number.isNaN(point) ? null : this.hourInterval.around(this.block(targetMs), point);
      this.pending.set(targetMs, { experts, point, interval });
      hours.push({ targetMs, point, interval });
    }
    this.originForecasts = { originMs, hours };
  }

  private scorePending(hourStartMs: number, kwh: number): void {
    const pending = this.pending.get(hourStartMs);
    if (pending === undefined) return;
    this.pending.delete(hourStartMs);
    if (Number.isNaN(kwh)) {
      this.dayComplete = false;
    } else {
      const block = this.block(hourStartMs);
      pending.experts.forEach((f, e) => {
        // An expert that had nothing to say is charged the blend's error, so it is not rewarded.
        const value = Number.isNaN(f) ? pending.point : f;
        this.dayLoss[block * this.experts.length + e]! += Number.isNaN(value) ? 0 : Math.abs(value - kwh);
      });
      if (!Number.isNaN(pending.point)) this.hourInterval.record(block, pending.point, kwh, pending.interval);
    }
    if (this.pending.size === 0 && this.dayComplete) this.weights.addDay(this.dayLoss);
  }
}
