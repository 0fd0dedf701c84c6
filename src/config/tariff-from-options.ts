/**
 * The `tariff` option group (already valid) → the cost engine's Tariff: one version from the start,
 * and a second from `change_date` when the import price changes. Pure; every check is in
 * tariff-rules.ts, so a valid group always converts.
 */
import type { CapacityTariff, EnergyPrice, Tariff, TariffVersion } from "../analytics/cost/types.js";
import type { RawCapacityOptions, RawTariffOptions, RawTimeOfUseRate } from "./raw-options.js";
import { parseHours, parseMonths, parseWeekdays, windowsOf } from "./tariff-text.js";

/**
 * The first version applies from the earliest day anything may be priced, so history imported from a
 * grid operator's portal (`e450 history import`) is priced by it too.
 */
export const FIRST_VALID_FROM = "1970-01-01";

/** The options whose presence means "a tariff is configured"; empty lists and groups do not count. */
export function isTariffSet(group: unknown): boolean {
  if (typeof group !== "object" || group === null || Array.isArray(group)) return false;
  return Object.entries(group).some(([key, value]) => {
    if (value === undefined) return false;
    if (key === "time_of_use") return Array.isArray(value) && value.length > 0;
    if (key === "capacity") return isCapacitySet(value);
    return true;
  });
}

export function isCapacitySet(group: unknown): boolean {
  if (typeof group !== "object" || group === null || Array.isArray(group)) return false;
  return Object.entries(group).some(
    ([key, value]) => value !== undefined && (key !== "steps" || (Array.isArray(value) && value.length > 0)),
  );
}

export function tariffFromOptions(raw: RawTariffOptions, defaultTimeZone: string): Tariff | null {
  if (!isTariffSet(raw)) return null;
  const first: TariffVersion = {
    validFrom: FIRST_VALID_FROM,
    import: importPrice(raw),
    ...(raw.export_price === undefined ? {} : { export: { kind: "fixed", pricePerKwh: raw.export_price } }),
    ...(raw.levies_per_kwh === undefined ? {} : { importLeviesPerKwh: raw.levies_per_kwh }),
    ...(raw.standing_charge_per_day === undefined
      ? {}
      : { standingChargePerDay: raw.standing_charge_per_day }),
    ...(raw.standing_charge_per_month === undefined
      ? {}
      : { standingChargePerMonth: raw.standing_charge_per_month }),
    ...(raw.vat_percent === undefined ? {} : { vatRate: raw.vat_percent / 100 }),
    ...(isCapacitySet(raw.capacity) ? { capacity: capacity(raw.capacity) } : {}),
  };
  const versions: TariffVersion[] = [first];
  if (raw.change_date !== undefined && raw.new_import_price !== undefined) {
    versions.push({
      ...first,
      validFrom: raw.change_date,
      import: { kind: "fixed", pricePerKwh: raw.new_import_price },
    });
  }
  return { timeZone: raw.time_zone ?? defaultTimeZone, currency: raw.currency ?? "", versions };
}

function importPrice(raw: RawTariffOptions): EnergyPrice {
  if (raw.dynamic_price_entity !== undefined) {
    return {
      kind: "dynamic",
      series: { kind: "entity", entityId: raw.dynamic_price_entity },
      markupPerKwh: raw.dynamic_markup ?? 0,
    };
  }
  const base = raw.import_price ?? 0;
  if (raw.time_of_use.length === 0) return { kind: "fixed", pricePerKwh: base };
  return { kind: "time-of-use", rates: raw.time_of_use.map(rate), otherwisePerKwh: base };
}

function rate(entry: RawTimeOfUseRate) {
  const hours = parseHours(entry.hours);
  return {
    name: entry.name,
    pricePerKwh: entry.price,
    windows: windowsOf(
      hours.ok ? hours.ranges : [],
      entry.weekdays === undefined ? null : parseWeekdays(entry.weekdays),
      entry.months === undefined ? null : parseMonths(entry.months),
    ),
  };
}

function capacity(raw: RawCapacityOptions): CapacityTariff {
  if (raw.kind === "top3-daily-hourly-peaks") {
    return {
      kind: raw.kind,
      steps: raw.steps.map((step) => ({ upToKw: step.up_to_kw, pricePerMonth: step.price_per_month })),
    };
  }
  return {
    kind: "monthly-15min-peak",
    pricePerKwMonth: raw.price_per_kw_month ?? 0,
    minimumKw: raw.minimum_kw ?? 0,
  };
}
