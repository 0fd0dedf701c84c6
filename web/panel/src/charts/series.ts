/**
 * API points → uPlot's column data. Columns are typed arrays wherever a series has no gaps, so a
 * year of 15-minute intervals (35,040 points) stays a handful of flat buffers; every point is kept
 * (uPlot draws them on one canvas and thins lines per pixel column itself).
 */
import type { EnergyColumnsResponse, EnergyPoint, ForecastHour, PowerPoint } from "../api-types.js";

export type Column = Float64Array | (number | null)[];

/** A typed array when every value is present; otherwise a plain array whose nulls uPlot draws as gaps. */
export function column(values: readonly (number | null)[]): Column {
  return values.includes(null) ? [...values] : Float64Array.from(values as number[]);
}

export type EnergyResolution = "15min" | "1h" | "1d" | "month";

const STEP_MS: Readonly<Partial<Record<EnergyResolution, number>>> = { "15min": 900_000, "1h": 3_600_000 };

/**
 * Days summed into calendar months of `timeZone`. Each month starts at its first day's `t`: the
 * server's days begin at local midnight of the analytics zone, so no calendar arithmetic is needed.
 */
export function monthlyEnergy(days: readonly EnergyPoint[], timeZone?: string): EnergyPoint[] {
  const monthOf = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" });
  const months: EnergyPoint[] = [];
  let currentKey = "";
  for (const day of days) {
    const key = monthOf.format(day.t);
    const last = months.at(-1);
    if (key !== currentKey || last === undefined) {
      months.push({ ...day });
      currentKey = key;
    } else {
      months[months.length - 1] = {
        t: last.t,
        importKwh: last.importKwh + day.importKwh,
        exportKwh:
          last.exportKwh === null && day.exportKwh === null
            ? null
            : (last.exportKwh ?? 0) + (day.exportKwh ?? 0),
        estimated: last.estimated || day.estimated,
      };
    }
  }
  return months;
}

export interface EnergyColumns {
  readonly x: Float64Array;
  readonly importKwh: Column;
  /** Import of intervals a link outage spanned (estimated), null where measured; null when none is. */
  readonly estimatedKwh: (number | null)[] | null;
  /** Export as negative values, so it hangs below the axis; null when the meter states no export. */
  readonly exportKwh: Column | null;
  /** The forecast's expectation and 80 % band, per point of this resolution; null without one. */
  readonly forecast: { readonly value: Column; readonly p10: Column; readonly p90: Column } | null;
}

/** The forecast's hours spread evenly over this resolution's points (15 min: a quarter each). */
function forecastPoints(hours: readonly ForecastHour[], resolution: EnergyResolution): ForecastHour[] {
  const step = STEP_MS[resolution];
  if (step === undefined) return [];
  const parts = 3_600_000 / step;
  return hours.flatMap((hour) =>
    Array.from({ length: parts }, (_, part) => ({
      t: hour.t + part * step,
      kwh: hour.kwh / parts,
      p10: hour.p10 === null ? null : hour.p10 / parts,
      p90: hour.p90 === null ? null : hour.p90 / parts,
    })),
  );
}

interface Timed {
  readonly t: number;
}

function byTime<T extends Timed>(points: readonly T[]): readonly T[] {
  for (let i = 1; i < points.length; i++) {
    if ((points[i - 1]?.t ?? 0) > (points[i]?.t ?? 0)) return [...points].sort((a, b) => a.t - b.t);
  }
  return points;
}

/**
 * Two time-sorted lists on one axis: for each time, its index in each list (−1 where a list has no
 * point). A linear merge: a year of quarter hours takes a millisecond or two, not a hash map's 50+.
 */
function mergeByTime(a: readonly Timed[], b: readonly Timed[]) {
  const capacity = a.length + b.length;
  const times = new Float64Array(capacity);
  const inA = new Int32Array(capacity);
  const inB = new Int32Array(capacity);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const ta = a[i]?.t ?? Number.POSITIVE_INFINITY;
    const tb = b[j]?.t ?? Number.POSITIVE_INFINITY;
    const t = Math.min(ta, tb);
    times[n] = t;
    inA[n] = ta === t ? i++ : -1;
    inB[n] = tb === t ? j++ : -1;
    n++;
  }
  return { times: times.slice(0, n), inA: inA.subarray(0, n), inB: inB.subarray(0, n) };
}

/** The values at `index` (−1: missing) as a typed array, or as a plain array once one is missing. */
function gather(index: Int32Array, value: (i: number) => number | null): Column {
  const typed = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    const v = i < 0 ? null : value(i);
    if (v === null) return Array.from(index, (at) => (at < 0 ? null : value(at)));
    typed[k] = v;
  }
  return typed;
}

/** Measured energy and (for 15 min and hours) the forecast, on one sorted time axis. */
export function energyColumns(
  unsorted: readonly EnergyPoint[],
  resolution: EnergyResolution,
  forecastHours: readonly ForecastHour[],
): EnergyColumns {
  const points = byTime(unsorted);
  const forecast = byTime(forecastPoints(forecastHours, resolution));
  const { times, inA, inB } = mergeByTime(points, forecast);
  const measured = (i: number) => points[i]!;
  const expected = (pick: (point: ForecastHour) => number | null) => gather(inB, (i) => pick(forecast[i]!));
  const hasExport = points.some((point) => point.exportKwh !== null);
  const hasEstimated = points.some((point) => point.estimated);
  return {
    x: times,
    importKwh: gather(inA, (i) => measured(i).importKwh),
    estimatedKwh: hasEstimated
      ? Array.from(inA, (i) => (i >= 0 && measured(i).estimated ? measured(i).importKwh : null))
      : null,
    exportKwh: hasExport
      ? gather(inA, (i) => {
          const value = measured(i).exportKwh;
          return value === null ? null : -value;
        })
      : null,
    forecast:
      forecast.length === 0
        ? null
        : {
            value: expected((point) => point.kwh),
            p10: expected((point) => point.p10),
            p90: expected((point) => point.p90),
          },
  };
}

export interface PowerColumns {
  readonly x: Float64Array;
  readonly quantities: readonly {
    readonly quantity: string;
    readonly mean: Column;
    readonly min: Column;
    readonly max: Column;
  }[];
}

/** Samples of several quantities (import, export …) on one time axis, each with its min–max spread. */
export function powerColumns(points: readonly PowerPoint[]): PowerColumns {
  const times = [...new Set(points.map((point) => point.t))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const byQuantity = new Map<
    string,
    { mean: (number | null)[]; min: (number | null)[]; max: (number | null)[] }
  >();
  for (const point of points) {
    let series = byQuantity.get(point.quantity);
    if (series === undefined) {
      series = {
        mean: new Array<number | null>(times.length).fill(null),
        min: new Array<number | null>(times.length).fill(null),
        max: new Array<number | null>(times.length).fill(null),
      };
      byQuantity.set(point.quantity, series);
    }
    const i = index.get(point.t) ?? 0;
    series.mean[i] = point.mean;
    series.min[i] = point.min;
    series.max[i] = point.max;
  }
  return {
    x: Float64Array.from(times),
    quantities: [...byQuantity].map(([quantity, series]) => ({
      quantity,
      mean: column(series.mean),
      min: column(series.min),
      max: column(series.max),
    })),
  };
}

/** Sums of a column, for the chart's text alternative. */
export function total(values: Column): number {
  let sum = 0;
  for (const value of values) sum += value ?? 0;
  return sum;
}

/**
 * The compact columns /api/data answers with format=columns (integers: a year of quarter hours
 * arrives in half the bytes and parses several times faster) as the points the charts take.
 */
export function pointsFromColumns(columns: EnergyColumnsResponse["energy"]): EnergyPoint[] {
  const t0 = columns.t0 ?? 0;
  return columns.minutes.map((minutes, i) => ({
    t: t0 + minutes * 60_000,
    importKwh: columns.importMilliWh[i]! / 1e6,
    exportKwh: columns.exportMilliWh === null ? null : columns.exportMilliWh[i]! / 1e6,
    estimated: columns.estimated[i] === 1,
  }));
}
