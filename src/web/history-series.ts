/**
 * /api/data's series from the history store: energy per 15 minutes, local hour or local day, summed
 * from the stored 15-minute intervals; power as the stored 1-minute minimum, mean and maximum
 * (the finest the store keeps: fast values are down-sampled as they arrive, insights/minute-sampler.ts).
 *
 * Energies are rounded to the mWh (1e-6 kWh) and powers to the mW, far below what a meter
 * resolves, which keeps float noise (0.30000000000000004) out of a year's 35 000 points.
 */
import type { HistoryStore } from "../store/history-store.js";
import type { ZonedCalendar } from "../time/zoned.js";
import type { Span } from "./period.js";

export const RESOLUTIONS = ["raw", "1min", "15min", "1h", "1d"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The contract's defaults: about a hundred to four hundred points per chart. */
export const DEFAULT_RESOLUTION: Readonly<Record<string, Resolution>> = {
  "24h": "15min",
  "7d": "1h",
  "30d": "1h",
  "1y": "1d",
};

/** Power quantities charted (the minute sampler's keys: obis/registry.ts). */
const POWER_QUANTITIES = ["power_import", "power_export", "power_net"] as const;

export function isEnergyResolution(resolution: Resolution): boolean {
  return resolution === "15min" || resolution === "1h" || resolution === "1d";
}

const kwh = (value: number) => Math.round(value * 1e6) / 1e6;
const watts = (value: number) => Math.round(value * 1e3) / 1e3;

export interface PowerPoint {
  readonly t: number;
  readonly quantity: string;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

export interface EnergyPoint {
  readonly t: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
  readonly estimated: boolean;
}

/**
 * Sums the store's energy columns (no object per stored interval: for a year of quarter hours
 * those cost more than the read itself) into the resolution's buckets, in time order;
 * `exportKwh` is NaN for a meter without an export register.
 */
function eachBucket(
  store: HistoryStore,
  meter: string,
  span: Span,
  resolution: Resolution,
  zone: ZonedCalendar,
  visit: (t: number, importKwh: number, exportKwh: number, estimated: boolean) => void,
): void {
  const columns = store.energy(meter, span.fromMs, span.toMs);
  const bucketOf =
    resolution === "15min"
      ? null
      : resolution === "1h"
        ? (ms: number) => zone.startOfHour(ms)
        : (ms: number) => zone.startOfDay(ms);
  let t = Number.NaN;
  let importKwh = 0;
  let exportKwh = Number.NaN;
  let estimated = false;
  for (let i = 0; i < columns.length; i++) {
    const startMs = columns.startMs[i]!;
    const bucket = bucketOf ? bucketOf(startMs) : startMs;
    if (bucket !== t) {
      if (!Number.isNaN(t)) visit(t, importKwh, exportKwh, estimated);
      t = bucket;
      importKwh = 0;
      exportKwh = Number.NaN;
      estimated = false;
    }
    importKwh += columns.importKwh[i]!;
    const exported = columns.exportKwh[i]!;
    if (!Number.isNaN(exported)) exportKwh = (Number.isNaN(exportKwh) ? 0 : exportKwh) + exported;
    estimated ||= columns.estimated[i] === 1;
  }
  if (!Number.isNaN(t)) visit(t, importKwh, exportKwh, estimated);
}

export function energySeries(
  store: HistoryStore,
  meter: string,
  span: Span,
  resolution: Resolution,
  zone: ZonedCalendar,
): EnergyPoint[] {
  const out: EnergyPoint[] = [];
  eachBucket(store, meter, span, resolution, zone, (t, importKwh, exportKwh, estimated) => {
    out.push({
      t,
      importKwh: kwh(importKwh),
      exportKwh: Number.isNaN(exportKwh) ? null : kwh(exportKwh),
      estimated,
    });
  });
  return out;
}

/** Power minutes by quantity, then time. */
export function powerSeries(store: HistoryStore, meter: string, span: Span): PowerPoint[] {
  return POWER_QUANTITIES.flatMap((quantity) =>
    store
      .samples(meter, quantity, span.fromMs, span.toMs)
      .map((s) => ({ t: s.minuteMs, quantity, min: watts(s.min), mean: watts(s.mean), max: watts(s.max) })),
  );
}

/**
 * The same points as integer columns (`format=columns`): minutes after `t0`, and energies in mWh.
 * A year of quarter hours as objects spends most of its time turning 100,000 doubles into text;
 * small integers serialise an order of magnitude faster, and the body is half the size.
 */
export interface EnergyColumnsJson {
  readonly t0: number | null;
  readonly minutes: number[];
  readonly importMilliWh: number[];
  /** null when the meter states no export register. */
  readonly exportMilliWh: number[] | null;
  /** 1 where the energy was shared out over a link outage. */
  readonly estimated: number[];
}

export function energyColumnsJson(
  store: HistoryStore,
  meter: string,
  span: Span,
  resolution: Resolution,
  zone: ZonedCalendar,
): EnergyColumnsJson {
  let t0: number | null = null;
  const minutes: number[] = [];
  const importMilliWh: number[] = [];
  const exportMilliWh: number[] = [];
  const estimated: number[] = [];
  let hasExport = false;
  eachBucket(store, meter, span, resolution, zone, (t, importKwh, exportKwh, flagged) => {
    t0 ??= t;
    minutes.push(Math.round((t - t0) / 60_000));
    importMilliWh.push(Math.round(importKwh * 1e6));
    hasExport ||= !Number.isNaN(exportKwh);
    exportMilliWh.push(Number.isNaN(exportKwh) ? 0 : Math.round(exportKwh * 1e6));
    estimated.push(flagged ? 1 : 0);
  });
  return { t0, minutes, importMilliWh, exportMilliWh: hasExport ? exportMilliWh : null, estimated };
}
