/**
 * The cost engine: one metered interval at a time in (live), or a whole series (batch, via
 * `computeCosts`). Each interval is priced by the tariff version in force at its start, so adding a
 * version recalculates only from its validFrom date. Standing charges are booked per local day (a
 * monthly charge pro rata over the month's days), capacity charges per local month.
 */
import { daysInMonth, ZonedCalendar } from "../../time/zoned.js";
import { type CapacityState, MonthCapacity } from "./capacity.js";
import { meanPrice, priceAt, type ResolvedVersion, resolveVersions, versionAt } from "./rules.js";
import type { CostSummary, IntervalCost, MeteredInterval, Tariff } from "./types.js";

interface Totals {
  importKwh: number;
  exportKwh: number;
  importCost: number;
  exportCredit: number;
  standingCharges: number;
  unpricedIntervals: number;
}

const emptyTotals = (): Totals => ({
  importKwh: 0,
  exportKwh: 0,
  importCost: 0,
  exportCredit: 0,
  standingCharges: 0,
  unpricedIntervals: 0,
});

interface MonthState {
  readonly totals: Totals;
  readonly capacity: MonthCapacity | null;
  readonly vatRate: number;
}

export class CostLedger {
  readonly calendar: ZonedCalendar;
  private readonly versions: ResolvedVersion[];
  private readonly days = new Map<string, Totals>();
  private readonly months = new Map<string, MonthState>();

  constructor(readonly tariff: Tariff) {
    this.calendar = new ZonedCalendar(tariff.timeZone);
    this.versions = resolveVersions(tariff, this.calendar);
  }

  add(interval: MeteredInterval): IntervalCost {
    const { version, holidays } = versionAt(this.versions, interval.startMs);
    const vat = 1 + (version.vatRate ?? 0);
    const levies = version.importLeviesPerKwh ?? 0;
    const energy = meanPrice(version.import, interval.startMs, interval.endMs, this.calendar, holidays);
    const allIn = (energy + levies) * vat;
    const exportPrice = version.export
      ? meanPrice(version.export, interval.startMs, interval.endMs, this.calendar, holidays)
      : 0;
    const importCost = interval.importKwh * allIn;
    const exportCredit = interval.exportKwh * exportPrice;
    const day = this.dayTotals(interval.startMs);
    const month = this.monthState(interval.startMs);
    for (const totals of [day, month.totals]) {
      totals.importKwh += interval.importKwh;
      totals.exportKwh += interval.exportKwh;
      if (Number.isNaN(importCost) || Number.isNaN(exportCredit)) totals.unpricedIntervals++;
      else {
        totals.importCost += importCost;
        totals.exportCredit += exportCredit;
      }
    }
    month.capacity?.add(interval.startMs, interval.endMs, interval.importKwh);
    return {
      startMs: interval.startMs,
      endMs: interval.endMs,
      importKwh: interval.importKwh,
      exportKwh: interval.exportKwh,
      importCost,
      exportCredit,
      netEnergyCost: importCost - exportCredit,
      allInPricePerKwh: allIn,
    };
  }

  /** The all-in import price at `ms` (energy + levies, with VAT). */
  currentPrice(ms: number): number {
    const { version, holidays } = versionAt(this.versions, ms);
    const energy = priceAt(version.import, ms, this.calendar, holidays);
    return (energy + (version.importLeviesPerKwh ?? 0)) * (1 + (version.vatRate ?? 0));
  }

  /** The capacity peak so far in the month containing `ms`, and its charge with VAT. */
  capacity(ms: number): CapacityState | null {
    const month = this.months.get(monthKey(this.calendar, ms));
    const state = month?.capacity?.state;
    return state ? { peakKw: state.peakKw, charge: state.charge * (1 + month.vatRate) } : null;
  }

  summary(period: "day" | "month" | "total", ms = 0): CostSummary {
    if (period === "day") return finish(this.days.get(this.calendar.dateKey(ms)) ?? emptyTotals(), 0);
    if (period === "month") {
      const key = monthKey(this.calendar, ms);
      const month = this.months.get(key);
      return finish(month?.totals ?? emptyTotals(), this.capacity(ms)?.charge ?? 0);
    }
    const sum = emptyTotals();
    let capacity = 0;
    for (const month of this.months.values()) {
      for (const field of Object.keys(sum) as (keyof Totals)[]) sum[field] += month.totals[field];
      const state = month.capacity?.state;
      if (state) capacity += state.charge * (1 + month.vatRate);
    }
    return finish(sum, capacity);
  }

  private dayTotals(ms: number): Totals {
    const key = this.calendar.dateKey(ms);
    let day = this.days.get(key);
    if (day === undefined) {
      day = emptyTotals();
      this.days.set(key, day);
      const dayStart = this.calendar.startOfDay(ms);
      const { version } = versionAt(this.versions, dayStart);
      const p = this.calendar.parts(dayStart);
      const perMonth = (version.standingChargePerMonth ?? 0) / daysInMonth(p.year, p.month);
      const standing = ((version.standingChargePerDay ?? 0) + perMonth) * (1 + (version.vatRate ?? 0));
      day.standingCharges += standing;
      this.monthState(ms).totals.standingCharges += standing;
    }
    return day;
  }

  private monthState(ms: number): MonthState {
    const key = monthKey(this.calendar, ms);
    let month = this.months.get(key);
    if (month === undefined) {
      // The capacity rule of the version in force at the month's start governs the whole month.
      const { version } = versionAt(this.versions, this.calendar.startOfMonth(ms));
      month = {
        totals: emptyTotals(),
        capacity: version.capacity ? new MonthCapacity(version.capacity, this.calendar) : null,
        vatRate: version.vatRate ?? 0,
      };
      this.months.set(key, month);
    }
    return month;
  }
}

function monthKey(calendar: ZonedCalendar, ms: number): string {
  return calendar.dateKey(ms).slice(0, 7);
}

function finish(t: Totals, capacityCost: number): CostSummary {
  return {
    ...t,
    capacityCost,
    netCost: t.importCost + t.standingCharges + capacityCost - t.exportCredit,
  };
}

/** Batch use: the per-interval costs and the ledger holding every aggregate. */
export function computeCosts(
  tariff: Tariff,
  intervals: readonly MeteredInterval[],
): { readonly intervals: IntervalCost[]; readonly ledger: CostLedger } {
  const ledger = new CostLedger(tariff);
  return { intervals: intervals.map((iv) => ledger.add(iv)), ledger };
}
