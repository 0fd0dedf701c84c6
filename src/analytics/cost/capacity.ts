/**
 * Capacity-tariff peaks, tracked incrementally within one month: the figure these tariffs bill is a
 * monthly peak, not an energy total, so it cannot be derived from the daily totals.
 *
 * - Flanders (Fluvius "capaciteitstarief"): the month's highest quarter-hour average power, billed
 *   at no less than 2.5 kW. Readings longer than 15 minutes give only a lower bound of that peak.
 * - Norway (nettleie since 2022): the mean of the three highest hourly peaks, each from a different
 *   day of the month, selects a price step.
 */
import { meanSimple } from "simple-statistics";
import type { ZonedCalendar } from "../../time/zoned.js";
import type { CapacityTariff } from "./types.js";

const QUARTER_MS = 15 * 60_000;

class QuarterHourPeak {
  private quarterKey = Number.NaN;
  private quarterKwh = 0;
  private peak = 0;

  add(startMs: number, endMs: number, kwh: number): void {
    if (endMs - startMs > QUARTER_MS) {
      // A longer reading only shows its mean power: a lower bound of its quarter-hour peaks.
      this.peak = Math.max(this.peak, kwh / ((endMs - startMs) / 3_600_000));
      return;
    }
    const key = Math.floor(startMs / QUARTER_MS);
    if (key !== this.quarterKey) {
      this.quarterKey = key;
      this.quarterKwh = 0;
    }
    this.quarterKwh += kwh;
    this.peak = Math.max(this.peak, this.quarterKwh * 4); // kWh per quarter hour → average kW
  }

  get peakKw(): number {
    return this.peak;
  }
}

export class Top3DailyHourlyPeaks {
  private readonly dailyMax = new Map<string, number>();
  private hourKey = Number.NaN;
  private hourKwh = 0;

  constructor(private readonly calendar: ZonedCalendar) {}

  add(startMs: number, kwh: number): void {
    const hourStart = this.calendar.startOfHour(startMs);
    if (hourStart !== this.hourKey) {
      this.hourKey = hourStart;
      this.hourKwh = 0;
    }
    this.hourKwh += kwh;
    const day = this.calendar.dateKey(startMs);
    this.dailyMax.set(day, Math.max(this.dailyMax.get(day) ?? 0, this.hourKwh));
  }

  /** Mean of the three highest daily peaks so far (fewer early in the month). */
  get meanKw(): number {
    const top = [...this.dailyMax.values()].sort((a, b) => b - a).slice(0, 3);
    return top.length === 0 ? 0 : meanSimple(top);
  }
}

export interface CapacityState {
  readonly peakKw: number;
  /** Charge for the month before VAT. */
  readonly charge: number;
}

export class MonthCapacity {
  private readonly quarter = new QuarterHourPeak();
  private readonly top3: Top3DailyHourlyPeaks;

  constructor(
    private readonly tariff: CapacityTariff,
    calendar: ZonedCalendar,
  ) {
    this.top3 = new Top3DailyHourlyPeaks(calendar);
  }

  add(startMs: number, endMs: number, importKwh: number): void {
    if (this.tariff.kind === "monthly-15min-peak") this.quarter.add(startMs, endMs, importKwh);
    else this.top3.add(startMs, importKwh);
  }

  get state(): CapacityState {
    const t = this.tariff;
    if (t.kind === "monthly-15min-peak") {
      const peakKw = this.quarter.peakKw;
      return { peakKw, charge: Math.max(peakKw, t.minimumKw) * t.pricePerKwMonth };
    }
    const peakKw = this.top3.meanKw;
    const step = t.steps.find((s) => peakKw <= s.upToKw) ?? t.steps[t.steps.length - 1];
    return { peakKw, charge: step?.pricePerMonth ?? 0 };
  }
}
