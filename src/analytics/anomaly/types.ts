/** What every detector reports: enough to explain itself in a Home Assistant attribute or a log line. */

export type AnomalyKind =
  | "unusual-consumption"
  | "spike"
  | "base-load-shift"
  | "schedule-shift"
  | "data-stall"
  | "zero-import"
  | "total-backwards"
  | "export-loss"
  | "voltage-out-of-range"
  | "phase-imbalance";

/** Kinds that rest on statistics (and so can be wrong); the others report plain facts. */
export const STATISTICAL_KINDS: ReadonlySet<AnomalyKind> = new Set([
  "unusual-consumption",
  "spike",
  "base-load-shift",
  "schedule-shift",
]);

export interface AnomalyEvent {
  readonly kind: AnomalyKind;
  readonly startMs: number;
  /** Exclusive end of the anomalous span as known when reported. */
  readonly endMs: number;
  readonly expected: number;
  readonly observed: number;
  readonly unit: "kWh" | "kW" | "V" | "%" | "h";
  /** How far outside normal, in the detector's own scale (robust z, CUSUM/σ, …). */
  readonly score: number;
  readonly message: string;
}

/** One hour of meter data as the detectors see it; NaN marks an hour without data. */
export interface HourObservation {
  readonly startMs: number;
  readonly importKwh: number;
  /** Export (feed-in) energy; undefined for meters or files without an export register. */
  readonly exportKwh?: number;
  /** The import register at the end of the hour, when the source has one (OBIS 1.8.0). */
  readonly importRegisterKwh?: number;
}

export interface HourDetector {
  /** Feeds the next hour (hours in order, none skipped) and returns the events it confirms. */
  observe(hour: HourObservation): AnomalyEvent[];
}

export function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}
