/**
 * What the history store keeps, as the rest of the program sees it. Times are epoch ms (UTC);
 * energies are kWh as JavaScript numbers (the store's sums need no more than double precision:
 * a 15-minute increment of a Wh register is exact to well below a µWh).
 */
import type { CostSummary } from "../analytics/cost/types.js";
import type { AnomalyIncident } from "../model/insights.js";

/**
 * Where an interval's energy came from. `live`: both ends were read from the meter within the
 * interval's neighbourhood; `estimated`: a link outage spanned it and its share of the energy was
 * assigned in proportion to time; `imported`: `e450 history import` from a portal or tool export.
 * Live and estimated data overwrite imported data; imported data never overwrites either.
 */
export type IntervalSource = "live" | "estimated" | "imported";

/** Energy over [startMs, endMs); startMs is on a 15-minute boundary for live data. */
export interface StoredInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  /** null: the source has no export register (imported consumption-only files). */
  readonly exportKwh: number | null;
  readonly source: IntervalSource;
  /** Import per tariff register where the meter sends them ("1.8.1" → kWh); empty otherwise. */
  readonly tariffs?: Readonly<Record<string, number>>;
}

/** The last energy totals the recorder has attributed, so a restart continues from them. */
export interface RegisterState {
  /** When the totals were read: the meter's clock, or the receive time without one. */
  readonly timeMs: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
  readonly tariffs: Readonly<Record<string, number>>;
}

/** One minute of a fast value (power, voltage, current) down-sampled. */
export interface MinuteSample {
  readonly minuteMs: number;
  /** "power_import", "voltage_l1", …: the MQTT entity id of the value. */
  readonly quantity: string;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
  readonly count: number;
}

/** An anomaly incident as the live detectors opened it; `open` until the detector closes it. */
export interface StoredAnomaly extends AnomalyIncident {
  readonly open: boolean;
}

export type CostPeriod = "day" | "month";

/** A day's or month's cost as the ledger summed it; `key` is the local date YYYY-MM-DD or month YYYY-MM. */
export interface StoredCostSummary extends CostSummary {
  readonly period: CostPeriod;
  readonly key: string;
  readonly currency: string;
}
