/** Calendar rules of a tariff: which version applies, which time-of-use rate, which price. */
import type { ZonedCalendar } from "../../time/zoned.js";
import type {
  EnergyPrice,
  PriceEntity,
  PriceLookup,
  PriceSeries,
  Tariff,
  TariffVersion,
  TimeWindow,
} from "./types.js";

export interface ResolvedVersion {
  readonly fromMs: number;
  readonly version: TariffVersion;
  readonly holidays: ReadonlySet<string>;
}

/** Versions sorted by start; validating here means a bad date fails at configuration time. */
export function resolveVersions(tariff: Tariff, calendar: ZonedCalendar): ResolvedVersion[] {
  if (tariff.versions.length === 0) throw new RangeError("a tariff needs at least one version");
  return tariff.versions
    .map((version) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(version.validFrom);
      if (!m) throw new RangeError(`validFrom "${version.validFrom}" is not a YYYY-MM-DD date`);
      const fromMs = calendar.toUtc(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return { fromMs, version, holidays: new Set(version.holidays ?? []) };
    })
    .sort((a, b) => a.fromMs - b.fromMs);
}

/** The version in force at `ms`; before the first version, the first one. */
export function versionAt(versions: readonly ResolvedVersion[], ms: number): ResolvedVersion {
  let found = versions[0]!;
  for (const v of versions) {
    if (v.fromMs <= ms) found = v;
    else break;
  }
  return found;
}

function windowMatches(window: TimeWindow, isoWeekday: number, hour: number, month: number): boolean {
  if (window.months && !window.months.includes(month)) return false;
  if (window.weekdays && !window.weekdays.includes(isoWeekday)) return false;
  const { fromHour, toHour } = window;
  return fromHour <= toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
}

/** The energy price (before levies and VAT) at the instant `ms`; NaN when a dynamic price is missing. */
export function priceAt(
  price: EnergyPrice,
  ms: number,
  calendar: ZonedCalendar,
  holidays: ReadonlySet<string>,
): number {
  switch (price.kind) {
    case "fixed":
      return price.pricePerKwh;
    case "time-of-use": {
      const p = calendar.parts(ms);
      const weekday = holidays.has(calendar.dateKey(ms)) ? 7 : p.isoWeekday;
      const hour = p.hour + p.minute / 60;
      const rate = price.rates.find((r) => r.windows.some((w) => windowMatches(w, weekday, hour, p.month)));
      return rate?.pricePerKwh ?? price.otherwisePerKwh;
    }
    case "dynamic":
      return seriesPrice(price.series, ms) + price.markupPerKwh;
  }
}

function seriesPrice(series: PriceSeries | PriceLookup | PriceEntity, ms: number): number {
  if ("kind" in series) return series.kind === "lookup" ? series.priceAt(ms) : Number.NaN;
  const index = Math.floor((ms - series.startMs) / (series.stepMinutes * 60_000));
  return index >= 0 && index < series.pricesPerKwh.length ? series.pricesPerKwh[index]! : Number.NaN;
}

/**
 * Mean price over [startMs, endMs), sampled every 15 minutes: an hourly reading under 15-minute
 * prices gets the mean of its four quarters, as the energy's spread within the hour is unknown.
 */
export function meanPrice(
  price: EnergyPrice,
  startMs: number,
  endMs: number,
  calendar: ZonedCalendar,
  holidays: ReadonlySet<string>,
): number {
  const step = 15 * 60_000;
  let sum = 0;
  let n = 0;
  for (let ms = startMs; ms < endMs; ms += step) {
    sum += priceAt(price, ms, calendar, holidays);
    n++;
  }
  return n === 0 ? priceAt(price, startMs, calendar, holidays) : sum / n;
}
