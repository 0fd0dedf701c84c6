/**
 * What e450 writes to InfluxDB, one measurement per kind (DOCS.md "InfluxDB schema" lists every tag
 * and field). Tags are the few values a query filters by — meter (its serial), phase, obis, tariff,
 * kind, horizon — so the series count stays small; everything measured is a field.
 */

export const MEASUREMENTS = [
  /** Energy totals per tariff: import_kwh, export_kwh, reactive_import_kvarh, reactive_export_kvarh. */
  "energy",
  /** Active and reactive power, in total and per phase, with the signed net power. */
  "power",
  /** Voltage, current and power factor per phase. */
  "phase",
  /** Frequency and the total power factor. */
  "grid",
  /** Every numeric register as the meter stated it, tagged by its OBIS code. */
  "registers",
  /** Closed 15-minute intervals (live analytics). */
  "intervals",
  /** Price and costs (with a tariff). */
  "costs",
  /** Anomaly incidents (annotations in Grafana). */
  "anomalies",
  /** Forecasts with their 80 % band. */
  "forecasts",
  /** The link's counters and the meter's availability. */
  "link",
] as const;

export type Measurement = (typeof MEASUREMENTS)[number];

/**
 * How often a meter's values are written: `totals` (energy registers) and `fast` (power, voltage,
 * current …) each at most once per their interval on the meter's clock; 0 writes every push.
 */
export type Cadence = "totals" | "fast";
