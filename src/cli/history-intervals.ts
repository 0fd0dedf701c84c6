/**
 * Loaded CSV readings → the history store's intervals, one per row at the file's own resolution.
 * The conversion itself is the backtest's (`toEnergyIntervals`), so an imported file means in the
 * store exactly what it means to `e450 backtest`; this adds what the store needs on top: the export
 * beside the import, and no interval that is not one step long.
 */
import type { LoadedReadings } from "../analytics/io/load.js";
import { nominalStepMs, toEnergyIntervals } from "../analytics/series/resample.js";
import type { EnergyInterval, ValueKind } from "../analytics/series/types.js";
import type { StoredInterval } from "../store/types.js";
import { HOUR_MS, MINUTE_MS } from "../time/zoned.js";

export interface ImportedIntervals {
  /** Sorted by start, each exactly `stepMs` long, `source: "imported"`. */
  readonly intervals: StoredInterval[];
  readonly stepMs: number;
  /** Rows with a blank or unreadable value: their intervals are gaps, never zeros. */
  readonly blankRows: number;
  /**
   * Counter differences across a gap (cumulative kinds): the energy is known only for the whole gap,
   * and spreading it over the missing steps would invent a profile, so it is left out and counted.
   */
  readonly acrossGaps: { readonly count: number; readonly kwh: number };
  /** Counter readings lower than the one before (meter swap or reset): no interval there. */
  readonly counterDecreases: number;
}

/** A step that does not divide the hour cannot line up with the store's 15-minute live intervals. */
export class UnsupportedStepError extends Error {}

export function toImportedIntervals(
  imported: LoadedReadings,
  exported: LoadedReadings | null,
  kind: ValueKind,
): ImportedIntervals {
  const stepMs = nominalStepMs(imported.readings);
  if (stepMs > HOUR_MS || HOUR_MS % stepMs !== 0 || stepMs < MINUTE_MS) {
    throw new UnsupportedStepError(
      `the rows are ${describeStep(stepMs)} apart; history import takes data at 15, 30 or 60 minutes (any step that divides the hour)`,
    );
  }
  const importConversion = toEnergyIntervals(imported.readings, kind, stepMs);
  const exportByStart = new Map<number, number>();
  if (exported !== null) {
    for (const iv of oneStep(toEnergyIntervals(exported.readings, kind, stepMs).intervals, stepMs)) {
      exportByStart.set(iv.startMs, iv.kwh);
    }
  }
  const intervals = oneStep(importConversion.intervals, stepMs).map(
    (iv): StoredInterval => ({
      startMs: iv.startMs,
      endMs: iv.endMs,
      importKwh: iv.kwh,
      exportKwh: exportByStart.get(iv.startMs) ?? null,
      source: "imported",
    }),
  );
  const longer = importConversion.intervals.filter((iv) => iv.endMs - iv.startMs !== stepMs);
  return {
    intervals,
    stepMs,
    blankRows: imported.readings.filter((r) => Number.isNaN(r.value)).length,
    acrossGaps: { count: longer.length, kwh: longer.reduce((sum, iv) => sum + iv.kwh, 0) },
    counterDecreases: importConversion.decreases.length,
  };
}

function oneStep(intervals: readonly EnergyInterval[], stepMs: number): EnergyInterval[] {
  return intervals.filter((iv) => iv.endMs - iv.startMs === stepMs);
}

export interface Gaps {
  readonly count: number;
  /** The longest stretch without an interval, between the end of one and the start of the next. */
  readonly longest: { readonly startMs: number; readonly endMs: number } | null;
}

/** Missing stretches between sorted, non-overlapping intervals (not before the first or after the last). */
export function findGaps(intervals: readonly StoredInterval[]): Gaps {
  let count = 0;
  let longest: Gaps["longest"] = null;
  for (let i = 1; i < intervals.length; i++) {
    const endMs = intervals[i]!.startMs;
    const startMs = intervals[i - 1]!.endMs;
    if (endMs <= startMs) continue;
    count++;
    if (longest === null || endMs - startMs > longest.endMs - longest.startMs) longest = { startMs, endMs };
  }
  return { count, longest };
}

function describeStep(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} min`;
  return `${ms / 1000} s`;
}
