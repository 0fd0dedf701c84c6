/**
 * The building view's inputs from the history store: per configured meter, the stored intervals of
 * every physical meter that belongs to it (a replaced meter's and its successor's alike), summed
 * over the period and priced under the configured tariff as /api/costs prices them.
 */
import type { HistoryStore } from "../store/history-store.js";
import type { StoredInterval } from "../store/types.js";
import type { MeterReading } from "./building.js";
import type { ApiContext } from "./context.js";
import { costSummary } from "./cost-report.js";
import { keysByMeter } from "./meter-assignments.js";
import type { Span } from "./period.js";

interface PhysicalMeterJson {
  readonly key: string;
  /** As the meter states it; null when it sends none, or it was not heard since the start and stored no snapshot. */
  readonly serial: string | null;
}

export interface MeterInputs {
  /** The physical meters it was heard with: the one heard since the start first. */
  readonly physical: readonly PhysicalMeterJson[];
  readonly reading: MeterReading;
  /** Intervals a dynamic price was missing for: not in its cost. */
  readonly unpricedIntervals: number;
}

export function meterInputs(context: ApiContext, store: HistoryStore, span: Span): Map<string, MeterInputs> {
  const untilMs = Math.min(span.toMs, context.now());
  const inputs = new Map<string, MeterInputs>();
  for (const [id, keys] of keysByMeter(context)) {
    const physical = keys.map((key) => ({ key, serial: serialOf(context, store, key) }));
    if (keys.length === 0) {
      inputs.set(id, { physical, reading: { missing: "not-heard" }, unpricedIntervals: 0 });
      continue;
    }
    const intervals = keys.flatMap((key) => store.intervals(key, span.fromMs, span.toMs));
    if (intervals.length === 0) {
      inputs.set(id, { physical, reading: { missing: "no-data" }, unpricedIntervals: 0 });
      continue;
    }
    // The cost ledger reads intervals in time order; two meters' (a replacement) may interleave.
    if (keys.length > 1) intervals.sort((a, b) => a.startMs - b.startMs);
    const cost = context.tariff === null ? null : costSummary(context.tariff, intervals);
    let importKwh = 0;
    let exportKwh: number | null = null;
    for (const interval of intervals) {
      importKwh += interval.importKwh;
      if (interval.exportKwh !== null) exportKwh = (exportKwh ?? 0) + interval.exportKwh;
    }
    inputs.set(id, {
      physical,
      reading: {
        use: {
          importKwh,
          exportKwh,
          netCost: cost?.netCost ?? null,
          energyCost: cost?.importCost ?? null,
          coverage: coverage(intervals, span.fromMs, untilMs),
        },
      },
      unpricedIntervals: cost?.unpricedIntervals ?? 0,
    });
  }
  return inputs;
}

/** The part of [fromMs, untilMs) the intervals cover, 0…1: a meter added mid-period has less. */
function coverage(intervals: readonly StoredInterval[], fromMs: number, untilMs: number): number {
  if (!(untilMs > fromMs)) return 0;
  let covered = 0;
  for (const { startMs, endMs } of intervals)
    covered += Math.max(0, Math.min(endMs, untilMs) - Math.max(startMs, fromMs));
  return Math.min(1, covered / (untilMs - fromMs));
}

/** The serial from the live identity, else from the snapshot the analytics stored last. */
function serialOf(context: ApiContext, store: HistoryStore, key: string): string | null {
  const heard = context.live.meters.get(key);
  if (heard !== undefined) return heard.identity.serialNumber;
  const latest = store.latestSnapshot(key);
  return latest === null ? null : ((JSON.parse(latest.json) as { meterId?: string | null }).meterId ?? null);
}
