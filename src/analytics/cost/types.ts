/**
 * Tariff description: data, not code (ARCHITECTURE principle 4). Every price is per kWh or per
 * period in the tariff's currency, before VAT unless named otherwise; all calendar rules are in the
 * tariff's local time zone.
 */

/** A local time window: ISO weekdays (1 = Monday), hours [from, to) that may wrap midnight, months. */
export interface TimeWindow {
  readonly weekdays?: readonly number[];
  readonly fromHour: number;
  readonly toHour: number;
  readonly months?: readonly number[];
}

interface TimeOfUseRate {
  readonly name: string;
  readonly pricePerKwh: number;
  /** The rate applies when any window matches; the first matching rate wins. */
  readonly windows: readonly TimeWindow[];
}

/** Prices on a regular grid (Nord Pool / ENTSO-E / Tibber: 15, 30 or 60 minutes). */
export interface PriceSeries {
  readonly startMs: number;
  readonly stepMinutes: 15 | 30 | 60;
  readonly pricesPerKwh: readonly number[];
}

/**
 * Prices looked up by instant, for a series that keeps growing while the program runs (a live
 * feed from Home Assistant fills in tomorrow's prices in the afternoon). NaN: no price known.
 */
export interface PriceLookup {
  readonly kind: "lookup";
  priceAt(ms: number): number;
}

/**
 * A price series that a Home Assistant entity supplies (Nord Pool, ENTSO-e, Tibber, EPEX Spot):
 * configuration names the entity, and the live add-on replaces this with the entity's prices as
 * they arrive (`PriceLookup`). Until then every instant is unpriced, never free.
 */
export interface PriceEntity {
  readonly kind: "entity";
  readonly entityId: string;
}

export type EnergyPrice =
  | { readonly kind: "fixed"; readonly pricePerKwh: number }
  | {
      readonly kind: "time-of-use";
      readonly rates: readonly TimeOfUseRate[];
      /** Used when no window matches. */
      readonly otherwisePerKwh: number;
    }
  | {
      readonly kind: "dynamic";
      readonly series: PriceSeries | PriceLookup | PriceEntity;
      /** Supplier margin added to the market price. */
      readonly markupPerKwh: number;
    };

export type CapacityTariff =
  /** Flanders (Fluvius): the month's highest 15-minute average power, at least `minimumKw`. */
  | { readonly kind: "monthly-15min-peak"; readonly pricePerKwMonth: number; readonly minimumKw: number }
  /** Norway (nettleie): mean of the 3 highest daily hourly peaks of the month, priced by step. */
  | {
      readonly kind: "top3-daily-hourly-peaks";
      /** Ascending; the first step whose `upToKw` is ≥ the mean applies. */
      readonly steps: readonly { readonly upToKw: number; readonly pricePerMonth: number }[];
    };

export interface TariffVersion {
  /** Local date YYYY-MM-DD from which this version applies (until the next version). */
  readonly validFrom: string;
  readonly import: EnergyPrice;
  /** Feed-in compensation; absent means export earns nothing. */
  readonly export?: EnergyPrice;
  /** Per-kWh levies on import (energy tax, grid fee), before VAT. */
  readonly importLeviesPerKwh?: number;
  readonly standingChargePerDay?: number;
  readonly standingChargePerMonth?: number;
  /** 0.21 for 21 %; applied to import energy, levies, standing and capacity charges. */
  readonly vatRate?: number;
  readonly capacity?: CapacityTariff;
  /** Public holidays (local dates): priced like a Sunday in time-of-use windows. */
  readonly holidays?: readonly string[];
}

export interface Tariff {
  readonly timeZone: string;
  readonly currency: string;
  readonly versions: readonly TariffVersion[];
}

/** Energy over [startMs, endMs); at most 15 minutes for an exact Belgian capacity peak. */
export interface MeteredInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  readonly exportKwh: number;
}

export interface IntervalCost {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  readonly exportKwh: number;
  /** Energy, levies and VAT; NaN when a dynamic price is missing. */
  readonly importCost: number;
  readonly exportCredit: number;
  /** importCost − exportCredit (standing and capacity charges are booked per day and month). */
  readonly netEnergyCost: number;
  /** The all-in import price per kWh in this interval (Home Assistant's "entity with current price"). */
  readonly allInPricePerKwh: number;
}

export interface CostSummary {
  readonly importKwh: number;
  readonly exportKwh: number;
  readonly importCost: number;
  readonly exportCredit: number;
  readonly standingCharges: number;
  readonly capacityCost: number;
  /** importCost + standing + capacity − exportCredit. */
  readonly netCost: number;
  /** Intervals without a price (dynamic series gaps): their cost is not in the sums. */
  readonly unpricedIntervals: number;
}
