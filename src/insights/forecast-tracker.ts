/**
 * The forecast model fed with one meter's hours, asked for what the entities show: today's and this
 * month's energy (actual so far plus the rest), the next hour, tomorrow's hourly profile, and the
 * month's cost when there is a tariff. All of it is the model the backtest measures
 * (analytics/forecast/), so the figures of `e450 backtest` are what a user sees.
 */
import type { HourObservation } from "../analytics/anomaly/types.js";
import { ForecastModel, type HourForecast } from "../analytics/forecast/model.js";
import {
  type PeriodProjection,
  projectMonth,
  projectToday,
} from "../analytics/forecast/period-projection.js";
import type { Band, CostState, ForecastState } from "../model/insights.js";
import { HOUR_MS, type ZonedCalendar } from "../time/zoned.js";

/** Days of scored daily totals the accuracy figure averages over. */
const ACCURACY_DAYS = 14;

export class ForecastTracker {
  private readonly model: ForecastModel;
  private observedUntilMs: number | null = null;

  constructor(private readonly calendar: ZonedCalendar) {
    this.model = new ForecastModel(calendar);
  }

  observe(hour: HourObservation): void {
    this.model.observe(hour.startMs, hour.importKwh);
    this.observedUntilMs = hour.startMs + HOUR_MS;
  }

  /** null until the model has seen a full local day. */
  state(cost: CostState | null): ForecastState | null {
    const nowMs = this.observedUntilMs;
    if (nowMs === null || this.model.days.length === 0) return null;
    const today = projectToday(this.model, nowMs);
    const month = projectMonth(this.model, nowMs);
    const tomorrowStart = this.calendar.addDays(this.calendar.startOfDay(nowMs), 1);
    const tomorrowEnd = this.calendar.addDays(tomorrowStart, 1);
    // Asked from the next hour on, so every forecast uses only what has been observed.
    const ahead = this.model.forecastHours(nowMs, Math.round((tomorrowEnd - nowMs) / HOUR_MS));
    const next = ahead[0];
    const tomorrow = ahead.filter((h) => h.targetMs >= tomorrowStart).map(profileHour);
    const errors = this.model.dailyRelativeErrors.slice(-ACCURACY_DAYS);
    return {
      today: band(today),
      nextHour: { startMs: nowMs, ...(next ? hourBand(next) : { value: Number.NaN, p10: null, p90: null }) },
      monthEnergy: band(month),
      monthCost: cost ? monthCost(month, cost) : null,
      tomorrow,
      recentDailyErrorPercent:
        errors.length === 0 ? null : (100 * errors.reduce((sum, e) => sum + Math.abs(e), 0)) / errors.length,
      historyDays: this.model.days.length,
    };
  }
}

function band(projection: PeriodProjection): Band {
  return {
    value: projection.expectedKwh,
    p10: projection.interval?.low ?? null,
    p90: projection.interval?.high ?? null,
  };
}

function hourBand(hour: HourForecast): Band {
  return {
    value: Math.max(0, hour.point),
    p10: hour.interval?.low ?? null,
    p90: hour.interval?.high ?? null,
  };
}

function profileHour(hour: HourForecast) {
  return { startMs: hour.targetMs, kwh: Math.max(0, hour.point), ...pick(hourBand(hour)) };
}

function pick(b: Band) {
  return { p10: b.p10, p90: b.p90 };
}

/**
 * The month's cost: what is booked so far (energy, standing and capacity charges) plus the rest of
 * the projected energy at the all-in price now. A time-of-use or dynamic month is then only as
 * right as the price now is typical; the interval carries the energy's uncertainty, not the price's.
 */
function monthCost(month: PeriodProjection, cost: CostState): Band | null {
  const perKwh = cost.pricePerKwh;
  if (perKwh === null) return null;
  const booked = cost.month.cost;
  const rest = (total: number) => Math.max(0, total - month.actualToDateKwh) * perKwh;
  return {
    value: booked + rest(month.expectedKwh),
    p10: month.interval ? booked + rest(month.interval.low) : null,
    p90: month.interval ? booked + rest(month.interval.high) : null,
  };
}
