/**
 * Issue 13's independent evaluation protocol: a second seeded fault injection, built to mirror the
 * independent check the issue reports (not the project's own inject.ts, whose faults the detectors
 * were tuned on). Per series, after a 42-day learning period, eight faults at random positions that
 * do not overlap, with at least 4 days of untouched data between consecutive faults and after the
 * last, and never over hours that are already missing:
 *
 * | kind           | count | what is changed                                                      |
 * |----------------|-------|----------------------------------------------------------------------|
 * | spike          | 3     | +5 × the series' 99th-percentile hourly import, on each of 1–2 hours |
 * | base-load-rise | 2     | +max(0.15 kWh, the series' median night hour) on every hour, 10 days |
 * | stall          | 2     | 12 h of rows missing (import and export NaN, the register unknown)  |
 * | zero-day       | 1     | 24 h of exact zeros (import, and export where there is an export)   |
 *
 * The import register stays consistent with the hourly import: added energy is carried forward,
 * the zero day's register stays flat and the energy it removed stays removed. Which detector finds
 * which fault, and within what tolerance, is protocol-score.ts's to judge.
 */
import { median, quantile } from "simple-statistics";
import { type MutableHour, shiftImport } from "./inject.js";
import { integer, seededRandom } from "./random.js";
import type { HourObservation } from "./types.js";

export type ProtocolFaultKind = "spike" | "base-load-rise" | "stall" | "zero-day";

export interface ProtocolFault {
  readonly kind: ProtocolFaultKind;
  readonly startMs: number;
  /** Exclusive end of the changed hours. */
  readonly endMs: number;
  /** kWh added to each changed hour (spike, base-load rise), removed per hour on average (zero day), 0 (stall). */
  readonly kwhPerHour: number;
  readonly description: string;
}

const H = 3_600_000;
const LEARNING_HOURS = 42 * 24;
const CLEAN_GAP_HOURS = 4 * 24;
const BASE_LOAD_HOURS = 10 * 24;
const STALL_HOURS = 12;
const ZERO_DAY_HOURS = 24;
/** Local hours 00–05, the night of night.ts. */
const NIGHT_FROM = 0;
const NIGHT_TO = 5;
/** The floor on the base-load rise, for houses whose nights are near zero. */
const MIN_BASE_LOAD_RISE_KWH = 0.15;
const SPIKE_FACTOR = 5;
/** Fresh layouts drawn when the faults do not fit around the series' own gaps. */
const MAX_LAYOUTS = 50;

/** The faults of one series, longest first so the 10-day rises find room before the short ones. */
const DECK: readonly ProtocolFaultKind[] = [
  "base-load-rise",
  "base-load-rise",
  "zero-day",
  "stall",
  "stall",
  "spike",
  "spike",
  "spike",
];

/**
 * @param localHour the hour of day (0–23) in the house's zone, for the night median.
 * @throws when the series is too short or too gappy to hold the eight faults.
 */
export function injectProtocolFaults(
  hours: readonly HourObservation[],
  seed: number,
  localHour: (ms: number) => number,
): { hours: HourObservation[]; faults: ProtocolFault[] } {
  const random = seededRandom(seed);
  const sizes = faultSizes(hours, localHour);
  for (let attempt = 0; attempt < MAX_LAYOUTS; attempt++) {
    const drawn = DECK.map((kind) => ({
      kind,
      hours: kind === "spike" ? integer(random, 1, 2) : span(kind),
    }));
    const starts = layout(hours, drawn, random);
    if (starts === null) continue;
    const out: MutableHour[] = hours.map((h) => ({ ...h }));
    const faults = drawn
      .map((d, i) => apply(out, d.kind, starts[i]!, d.hours, sizes))
      .sort((a, b) => a.startMs - b.startMs);
    return { hours: out, faults };
  }
  throw new Error(`the series (${hours.length} h) has no room for the protocol's ${DECK.length} faults`);
}

function span(kind: Exclude<ProtocolFaultKind, "spike">): number {
  return kind === "base-load-rise" ? BASE_LOAD_HOURS : kind === "stall" ? STALL_HOURS : ZERO_DAY_HOURS;
}

/** The two sizes the protocol derives from the whole series. */
function faultSizes(
  hours: readonly HourObservation[],
  localHour: (ms: number) => number,
): { spikeKwh: number; baseLoadKwh: number } {
  const present = hours.filter((h) => !Number.isNaN(h.importKwh));
  const night = present
    .filter((h) => {
      const hour = localHour(h.startMs);
      return hour >= NIGHT_FROM && hour < NIGHT_TO;
    })
    .map((h) => h.importKwh);
  return {
    spikeKwh:
      SPIKE_FACTOR *
      quantile(
        present.map((h) => h.importKwh),
        0.99,
      ),
    baseLoadKwh: Math.max(MIN_BASE_LOAD_RISE_KWH, night.length > 0 ? median(night) : 0),
  };
}

/**
 * Start indices for the faults in deck order, each drawn uniformly from the positions still free:
 * after the learning period, over hours that all have data, and 4 days clear of every placed fault
 * and of the series' end. Null when some fault finds no free position.
 */
function layout(
  hours: readonly HourObservation[],
  drawn: readonly { readonly hours: number }[],
  random: () => number,
): number[] | null {
  // missingBefore[i]: hours without data among the first i, so a window's gaps are one subtraction.
  const missingBefore = new Int32Array(hours.length + 1);
  hours.forEach((h, i) => {
    missingBefore[i + 1] = missingBefore[i]! + (Number.isNaN(h.importKwh) ? 1 : 0);
  });
  const taken: { from: number; to: number }[] = [];
  const starts: number[] = [];
  for (const fault of drawn) {
    const free: number[] = [];
    for (let s = LEARNING_HOURS; s + fault.hours + CLEAN_GAP_HOURS <= hours.length; s++) {
      const end = s + fault.hours;
      if (missingBefore[end]! - missingBefore[s]! > 0) continue;
      if (taken.some((t) => s < t.to + CLEAN_GAP_HOURS && end + CLEAN_GAP_HOURS > t.from)) continue;
      free.push(s);
    }
    if (free.length === 0) return null;
    const s = free[integer(random, 0, free.length - 1)]!;
    taken.push({ from: s, to: s + fault.hours });
    starts.push(s);
  }
  return starts;
}

function apply(
  out: MutableHour[],
  kind: ProtocolFaultKind,
  at: number,
  hours: number,
  sizes: { spikeKwh: number; baseLoadKwh: number },
): ProtocolFault {
  const fault = (kwhPerHour: number, description: string): ProtocolFault => ({
    kind,
    startMs: out[at]!.startMs,
    endMs: out[at]!.startMs + hours * H,
    kwhPerHour,
    description,
  });
  switch (kind) {
    case "spike":
      shiftImport(out, at, hours, () => sizes.spikeKwh);
      return fault(sizes.spikeKwh, `+${sizes.spikeKwh.toFixed(2)} kWh on each of ${hours} h`);
    case "base-load-rise":
      shiftImport(out, at, hours, () => sizes.baseLoadKwh);
      return fault(sizes.baseLoadKwh, `+${sizes.baseLoadKwh.toFixed(3)} kWh every hour for 10 days`);
    case "zero-day": {
      let removed = 0;
      shiftImport(out, at, hours, (h) => {
        removed += h.importKwh;
        return -h.importKwh;
      });
      // Exactly flat, not flat to rounding: a register a hair lower would read as running backwards.
      const flat = out[at - 1]!.importRegisterKwh;
      for (let k = at; k < at + hours; k++) {
        const h = out[k]!;
        h.importKwh = 0;
        if (h.exportKwh !== undefined) h.exportKwh = 0;
        if (h.importRegisterKwh !== undefined && flat !== undefined && Number.isFinite(flat))
          h.importRegisterKwh = flat;
      }
      return fault(removed / hours, "24 h of exact zeros");
    }
    case "stall":
      for (let k = at; k < at + hours; k++) {
        const h = out[k]!;
        h.importKwh = Number.NaN;
        if (h.exportKwh !== undefined) h.exportKwh = Number.NaN;
        // No rows, so no register reading either; later readings are the meter's own.
        if (h.importRegisterKwh !== undefined) h.importRegisterKwh = Number.NaN;
      }
      return fault(0, "12 h without data");
  }
}
