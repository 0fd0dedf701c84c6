/**
 * /api/costs: what a period's stored intervals cost under the configured tariff, or under the
 * built-in comparison "flat-average" — the same tariff with its energy price replaced by the
 * period's mean price, i.e. what the same energy would have cost without any timing: the answer to
 * "did time-of-use or dynamic pricing pay off for me?".
 */
import { computeCosts } from "../analytics/cost/ledger.js";
import { meanPrice, priceAt, resolveVersions, versionAt } from "../analytics/cost/rules.js";
import type { CostSummary, EnergyPrice, MeteredInterval, Tariff } from "../analytics/cost/types.js";
import type { StoredInterval } from "../store/types.js";
import { ZonedCalendar } from "../time/zoned.js";

export const FLAT_AVERAGE = "flat-average";

export interface CostReport extends CostSummary {
  readonly currency: string;
  readonly days: { date: string; netCost: number; importKwh: number }[];
  readonly byRate: { rate: string; importKwh: number; cost: number }[];
}

function metered(stored: readonly StoredInterval[]): MeteredInterval[] {
  return stored.map((s) => ({
    startMs: s.startMs,
    endMs: s.endMs,
    importKwh: s.importKwh,
    exportKwh: s.exportKwh ?? 0,
  }));
}

/** The period's sums alone, as costReport has them (the building view's per-meter cost). */
export function costSummary(tariff: Tariff, stored: readonly StoredInterval[]): CostSummary {
  return computeCosts(tariff, metered(stored)).ledger.summary("total");
}

export function costReport(tariff: Tariff, stored: readonly StoredInterval[]): CostReport {
  const intervals = metered(stored);
  const { intervals: costs, ledger } = computeCosts(tariff, intervals);
  const calendar = ledger.calendar;
  const days = new Map<string, number>();
  for (const interval of intervals) {
    const date = calendar.dateKey(interval.startMs);
    if (!days.has(date)) days.set(date, interval.startMs);
  }
  const versions = resolveVersions(tariff, calendar);
  const rates = new Map<string, { importKwh: number; cost: number }>();
  costs.forEach((cost, index) => {
    const { version, holidays } = versionAt(versions, intervals[index]!.startMs);
    const energy = priceAt(version.import, cost.startMs, calendar, holidays);
    const name = rateName(version.import, energy);
    const rate = rates.get(name) ?? { importKwh: 0, cost: 0 };
    rate.importKwh += cost.importKwh;
    if (!Number.isNaN(cost.importCost)) rate.cost += cost.importCost;
    rates.set(name, rate);
  });
  return {
    currency: tariff.currency,
    ...ledger.summary("total"),
    days: [...days].map(([date, ms]) => {
      const day = ledger.summary("day", ms);
      return { date, netCost: day.netCost, importKwh: day.importKwh };
    }),
    byRate: [...rates].map(([rate, sums]) => ({ rate, ...sums })),
  };
}

/**
 * The tariff with every version's import price fixed at the period's mean energy price: the mean
 * over time, not weighted by consumption, so that shifting consumption to cheap hours shows.
 */
export function flatAverageTariff(tariff: Tariff, stored: readonly StoredInterval[]): Tariff {
  const calendar = new ZonedCalendar(tariff.timeZone);
  const versions = resolveVersions(tariff, calendar);
  let sum = 0;
  let count = 0;
  for (const interval of stored) {
    const { version, holidays } = versionAt(versions, interval.startMs);
    const price = meanPrice(version.import, interval.startMs, interval.endMs, calendar, holidays);
    if (Number.isNaN(price)) continue;
    sum += price;
    count++;
  }
  const mean = count === 0 ? Number.NaN : sum / count;
  return {
    ...tariff,
    versions: tariff.versions.map((version) => ({
      ...version,
      import: { kind: "fixed", pricePerKwh: mean },
    })),
  };
}

/**
 * The time-of-use rate a price belongs to. Matched by price, since the rule that picks a rate is
 * private to the cost engine; rates sharing a price cost the same, so which name they get is moot.
 */
function rateName(price: EnergyPrice, energy: number): string {
  switch (price.kind) {
    case "fixed":
      return "flat";
    case "dynamic":
      return "dynamic";
    case "time-of-use":
      return price.rates.find((rate) => rate.pricePerKwh === energy)?.name ?? "other";
  }
}
