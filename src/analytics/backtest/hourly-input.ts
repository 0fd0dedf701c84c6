/**
 * Loaded readings → the hourly series the forecast uses and the hour observations the detectors
 * use, including the import register at each hour's end (the real counter for cumulative input, a
 * running sum otherwise), so a counter going backwards reaches the detector as it would live.
 */
import type { HourObservation } from "../anomaly/types.js";
import { nominalStepMs, toEnergyIntervals, toHourly } from "../series/resample.js";
import type { HourlySeries, TimedValue, ValueKind } from "../series/types.js";
import { HOUR_MS, type ZonedCalendar } from "../../time/zoned.js";

export interface HourlyInput {
  readonly importSeries: HourlySeries;
  readonly hours: HourObservation[];
  readonly stepMinutes: number;
  readonly counterDecreases: number;
}

export function buildHourlyInput(
  importReadings: readonly TimedValue[],
  exportReadings: readonly TimedValue[] | null,
  kind: ValueKind,
  calendar: ZonedCalendar,
): HourlyInput {
  const step = nominalStepMs(importReadings);
  const converted = toEnergyIntervals(importReadings, kind, step);
  const importSeries = toHourly(converted.intervals, calendar);
  const span = {
    startMs: importSeries.startMs,
    endMs: importSeries.startMs + importSeries.kwh.length * HOUR_MS,
  };
  const exportSeries = exportReadings
    ? toHourly(
        toEnergyIntervals(exportReadings, kind, nominalStepMs(exportReadings)).intervals,
        calendar,
        span,
      )
    : null;
  const registers = registerAtHourEnds(importReadings, kind, importSeries);
  const hours: HourObservation[] = Array.from(importSeries.kwh, (kwh, i) => ({
    startMs: importSeries.startMs + i * HOUR_MS,
    importKwh: kwh,
    importRegisterKwh: registers[i]!,
    ...(exportSeries ? { exportKwh: exportSeries.kwh[i] ?? Number.NaN } : {}),
  }));
  return { importSeries, hours, stepMinutes: step / 60_000, counterDecreases: converted.decreases.length };
}

function registerAtHourEnds(
  readings: readonly TimedValue[],
  kind: ValueKind,
  series: HourlySeries,
): Float64Array {
  const out = new Float64Array(series.kwh.length).fill(Number.NaN);
  if (kind === "cumulative-kwh") {
    let r = 0;
    let last = Number.NaN;
    for (let i = 0; i < out.length; i++) {
      const end = series.startMs + (i + 1) * HOUR_MS;
      while (r < readings.length && readings[r]!.timeMs <= end) {
        if (!Number.isNaN(readings[r]!.value)) last = readings[r]!.value;
        r++;
      }
      out[i] = last;
    }
    return out;
  }
  let total = 0;
  series.kwh.forEach((kwh, i) => {
    if (!Number.isNaN(kwh)) total += kwh;
    out[i] = total;
  });
  return out;
}
