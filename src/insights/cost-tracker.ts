/**
 * The tariff applied to one meter's intervals as they close: the price now, today's and this
 * month's cost (rebuilt from the store at start, so a restart changes nothing), and the
 * never-resetting total, kept in the store because it must never go down — not after a restart,
 * not when the tariff is edited (a recomputed history could come out lower).
 */
import { CostLedger } from "../analytics/cost/ledger.js";
import type { CostSummary, Tariff } from "../analytics/cost/types.js";
import type { CostState, PeriodCost } from "../model/insights.js";
import type { StoredCostSummary } from "../store/types.js";

/** What the store keeps of the running total; `throughMs` makes adding an interval twice impossible. */
export interface CostTotals {
  readonly cost: number;
  readonly exportCredit: number;
  readonly throughMs: number;
}

export interface CostInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
}

export class CostTracker {
  private readonly ledger: CostLedger;
  private readonly pricesExport: boolean;

  constructor(
    readonly tariff: Tariff,
    private totals: CostTotals,
  ) {
    this.ledger = new CostLedger(tariff);
    this.pricesExport = tariff.versions.some((version) => version.export !== undefined);
  }

  get runningTotals(): CostTotals {
    return this.totals;
  }

  /** Intervals from before this run (this month's, from the store): only the day and month sums. */
  replay(interval: CostInterval): void {
    this.ledger.add(metered(interval));
  }

  /** A newly closed interval: summed, and added to the running total once. */
  add(interval: CostInterval): void {
    const cost = this.ledger.add(metered(interval));
    if (interval.startMs < this.totals.throughMs) return;
    const priced = !Number.isNaN(cost.importCost) && !Number.isNaN(cost.exportCredit);
    this.totals = {
      cost: this.totals.cost + (priced ? cost.importCost : 0),
      exportCredit: this.totals.exportCredit + (priced ? cost.exportCredit : 0),
      throughMs: interval.endMs,
    };
  }

  state(nowMs: number): CostState {
    const calendar = this.ledger.calendar;
    const price = this.ledger.currentPrice(nowMs);
    const capacity = this.ledger.capacity(nowMs);
    const monthStartMs = calendar.startOfMonth(nowMs);
    return {
      currency: this.tariff.currency,
      pricePerKwh: Number.isNaN(price) ? null : price,
      today: this.period(this.ledger.summary("day", nowMs), calendar.startOfDay(nowMs)),
      month: this.period(this.ledger.summary("month", nowMs), monthStartMs),
      totalCost: this.totals.cost,
      totalExportCredit: this.pricesExport ? this.totals.exportCredit : null,
      capacity: capacity ? { ...capacity, monthStartMs } : null,
    };
  }

  /** The day's and month's sums at `nowMs`, for the store's cost summaries. */
  summaries(nowMs: number): StoredCostSummary[] {
    const calendar = this.ledger.calendar;
    const key = calendar.dateKey(nowMs);
    return [
      { period: "day", key, currency: this.tariff.currency, ...this.ledger.summary("day", nowMs) },
      {
        period: "month",
        key: key.slice(0, 7),
        currency: this.tariff.currency,
        ...this.ledger.summary("month", nowMs),
      },
    ];
  }

  private period(summary: CostSummary, startMs: number): PeriodCost {
    return {
      startMs,
      cost: summary.netCost + summary.exportCredit,
      exportCredit: this.pricesExport ? summary.exportCredit : null,
      importKwh: summary.importKwh,
      exportKwh: summary.exportKwh,
      unpricedIntervals: summary.unpricedIntervals,
    };
  }
}

function metered(interval: CostInterval) {
  return {
    startMs: interval.startMs,
    endMs: interval.endMs,
    importKwh: interval.importKwh,
    exportKwh: interval.exportKwh ?? 0,
  };
}
