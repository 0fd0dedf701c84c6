/**
 * Readings of any `ValueKind` → energy intervals → hourly energy. An hour counts only when native
 * intervals cover all of it; a counter difference that spans an hour boundary after a gap cannot be
 * split without interpolation, so the hours it touches stay missing.
 */
import { HOUR_MS, type ZonedCalendar } from "../../time/zoned.js";
import type { CounterDecrease, EnergyInterval, HourlySeries, TimedValue, ValueKind } from "./types.js";

/** The usual spacing of the readings: the median positive step (robust to gaps and duplicates). */
export function nominalStepMs(readings: readonly TimedValue[]): number {
  const steps: number[] = [];
  for (let i = 1; i < readings.length; i++) {
    const step = readings[i]!.timeMs - readings[i - 1]!.timeMs;
    if (step > 0) steps.push(step);
  }
  if (steps.length === 0) throw new RangeError("need at least two distinct timestamps to infer the interval");
  // The upper middle step, not simple-statistics' median: with an even count that averages the two
  // middle steps, which can be a spacing no reading has (15 and 60 min giving 37.5).
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)]!;
}

export interface IntervalConversion {
  readonly intervals: EnergyInterval[];
  readonly decreases: CounterDecrease[];
}

/** Interval kinds label the start of the interval (DSMR "Hour Start", Ausgrid), as both sources state. */
export function toEnergyIntervals(
  readings: readonly TimedValue[],
  kind: ValueKind,
  stepMs: number,
): IntervalConversion {
  const intervals: EnergyInterval[] = [];
  const decreases: CounterDecrease[] = [];
  if (kind === "cumulative-kwh") {
    let previous: TimedValue | undefined;
    for (const reading of readings) {
      if (Number.isNaN(reading.value)) continue;
      if (previous !== undefined && reading.timeMs > previous.timeMs) {
        const delta = reading.value - previous.value;
        if (delta < 0) decreases.push({ timeMs: reading.timeMs, dropKwh: -delta });
        else intervals.push({ startMs: previous.timeMs, endMs: reading.timeMs, kwh: delta });
      }
      previous = reading;
    }
    return { intervals, decreases };
  }
  const hours = stepMs / HOUR_MS;
  const toKwh: Record<Exclude<ValueKind, "cumulative-kwh">, (v: number) => number> = {
    "interval-kwh": (v) => v,
    "interval-wh": (v) => v / 1000,
    "mean-kw": (v) => v * hours,
    "mean-w": (v) => (v * hours) / 1000,
  };
  const convert = toKwh[kind];
  for (const reading of readings) {
    if (Number.isNaN(reading.value)) continue;
    intervals.push({ startMs: reading.timeMs, endMs: reading.timeMs + stepMs, kwh: convert(reading.value) });
  }
  return { intervals, decreases };
}

/** Sums intervals into local hours; `startMs`/`endMs` default to the span of the intervals. */
export function toHourly(
  intervals: readonly EnergyInterval[],
  calendar: ZonedCalendar,
  span?: { readonly startMs: number; readonly endMs: number },
): HourlySeries {
  const first = intervals[0];
  if (first === undefined) return { startMs: span?.startMs ?? 0, kwh: new Float64Array(0) };
  const startMs = span?.startMs ?? calendar.startOfHour(first.startMs);
  const lastEnd = span?.endMs ?? intervals.reduce((end, iv) => Math.max(end, iv.endMs), 0);
  const count = Math.max(0, Math.ceil((lastEnd - startMs) / HOUR_MS));
  const kwh = new Float64Array(count);
  const covered = new Float64Array(count);
  const poisoned = new Uint8Array(count);
  for (const iv of intervals) {
    const a = Math.floor((iv.startMs - startMs) / HOUR_MS);
    const b = Math.floor((iv.endMs - 1 - startMs) / HOUR_MS);
    if (a === b) {
      if (a >= 0 && a < count) {
        kwh[a]! += iv.kwh;
        covered[a]! += iv.endMs - iv.startMs;
      }
    } else {
      for (let h = Math.max(a, 0); h <= Math.min(b, count - 1); h++) poisoned[h] = 1;
    }
  }
  for (let h = 0; h < count; h++) {
    if (poisoned[h] === 1 || covered[h] !== HOUR_MS) kwh[h] = Number.NaN;
  }
  return { startMs, kwh };
}
