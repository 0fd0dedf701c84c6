/**
 * Seeded fault injection into a real hourly series, for measuring the detectors: real meter data
 * carries no labels, so known faults are planted in it and the detectors are scored on finding
 * them. After a 6-week learning period the series is cut into 10-day slots; each slot gets
 * one fault at a random time in its first 7 days, the kind drawn from a shuffled, balanced deck:
 *
 * | kind             | what is changed                                                  |
 * |------------------|------------------------------------------------------------------|
 * | spike            | +3…10 kW for 15…60 min, added to one hour                         |
 * | excess           | +1…2 kW for 3…8 hours (an appliance left on)                      |
 * | base-load-step   | +100…300 W on every hour for 7 days                               |
 * | schedule-shift   | 4 days whose hourly profile is moved 4…8 hours later              |
 * | stall            | 6…36 hours without data                                           |
 * | backwards        | the import register drops by 1…50 kWh (the hour becomes missing) |
 * | export-loss      | export reads 0 for 5…10 days (only where export is usually > 0)   |
 */
import { meanSimple } from "simple-statistics";
import { DEFAULT_EXPORT_LOSS } from "./export-loss.js";
import { integer, seededRandom, uniform } from "./random.js";
import type { HourObservation } from "./types.js";

export type FaultKind =
  | "spike"
  | "excess"
  | "base-load-step"
  | "schedule-shift"
  | "stall"
  | "backwards"
  | "export-loss";

export const STATISTICAL_FAULTS: ReadonlySet<FaultKind> = new Set([
  "spike",
  "excess",
  "base-load-step",
  "schedule-shift",
]);

export interface InjectedFault {
  readonly kind: FaultKind;
  readonly startMs: number;
  readonly endMs: number;
  readonly description: string;
}

const H = 3_600_000;
const LEARNING_HOURS = 42 * 24;
const SLOT_HOURS = 10 * 24;

/** An hour the injection may change (a copy of the input). */
export type MutableHour = { -readonly [K in keyof HourObservation]: HourObservation[K] };

export function injectFaults(
  hours: readonly HourObservation[],
  seed: number,
): { hours: HourObservation[]; faults: InjectedFault[] } {
  const random = seededRandom(seed);
  const out: MutableHour[] = hours.map((h) => ({ ...h }));
  const faults: InjectedFault[] = [];
  const hasExport = hours.some((h) => h.exportKwh !== undefined);
  const deck: FaultKind[] = [];
  const refill = () => {
    const kinds: FaultKind[] = ["spike", "excess", "base-load-step", "schedule-shift", "spike", "excess"];
    kinds.push("stall", "backwards", "base-load-step", "schedule-shift");
    if (hasExport) kinds.push("export-loss");
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = integer(random, 0, i);
      [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
    }
    deck.push(...kinds);
  };
  for (let slot = LEARNING_HOURS; slot + SLOT_HOURS <= out.length; slot += SLOT_HOURS) {
    if (deck.length === 0) refill();
    const kind = deck.shift()!;
    const at = slot + integer(random, 0, 7 * 24 - 1);
    const fault = apply(kind, out, at, random);
    if (fault !== null) faults.push(fault);
  }
  return { hours: out, faults };
}

function apply(kind: FaultKind, out: MutableHour[], at: number, random: () => number): InjectedFault | null {
  const startMs = out[at]!.startMs;
  const span = (hours: number, description: string): InjectedFault => ({
    kind,
    startMs,
    endMs: startMs + hours * H,
    description,
  });
  switch (kind) {
    case "spike": {
      const kw = uniform(random, 3, 10);
      const minutes = integer(random, 15, 60);
      shiftImport(out, at, 1, () => (kw * minutes) / 60);
      return span(1, `+${kw.toFixed(1)} kW for ${minutes} min`);
    }
    case "excess": {
      const kw = uniform(random, 1, 2);
      const hours = integer(random, 3, 8);
      shiftImport(out, at, hours, () => kw);
      return span(hours, `+${kw.toFixed(2)} kW for ${hours} h`);
    }
    case "base-load-step": {
      const w = integer(random, 100, 300);
      shiftImport(out, at, 7 * 24, () => w / 1000);
      return span(7 * 24, `base load +${w} W for 7 days`);
    }
    case "schedule-shift": {
      const shift = integer(random, 4, 8);
      const from = at - (at % 24); // shift whole series days: the moved pattern starts at a day boundary
      const original = out.slice(from - shift, from + 4 * 24 - shift).map((h) => h.importKwh);
      for (let k = 0; k < 4 * 24 && from + k < out.length; k++) out[from + k]!.importKwh = original[k]!;
      return {
        kind,
        startMs: out[from]!.startMs,
        endMs: out[from]!.startMs + 4 * 24 * H,
        description: `4 days moved ${shift} h later`,
      };
    }
    case "stall": {
      const hours = integer(random, 6, 36);
      for (let k = 0; k < hours && at + k < out.length; k++) {
        out[at + k]!.importKwh = Number.NaN;
        if (out[at + k]!.exportKwh !== undefined) out[at + k]!.exportKwh = Number.NaN;
      }
      return span(hours, `${hours} h without data`);
    }
    case "backwards": {
      const drop = uniform(random, 1, 50);
      // The reading at `at` lies `drop` below the previous reading; later readings continue from it.
      const before = out[at - 1]?.importRegisterKwh ?? 0;
      const shift = drop + ((out[at]!.importRegisterKwh ?? before) - before);
      for (let k = at; k < out.length; k++) {
        const register = out[k]!.importRegisterKwh;
        if (register !== undefined) out[k]!.importRegisterKwh = register - shift;
      }
      out[at]!.importKwh = Number.NaN; // as the loader does with a negative difference
      return span(1, `import register −${drop.toFixed(1)} kWh`);
    }
    case "export-loss": {
      if (!exportIsUsual(out, at)) return null;
      const days = integer(random, 5, 10);
      let exported = 0;
      for (let k = 0; k < days * 24 && at + k < out.length; k++) {
        exported += out[at + k]!.exportKwh ?? 0;
        if (!Number.isNaN(out[at + k]!.exportKwh ?? Number.NaN)) out[at + k]!.exportKwh = 0;
      }
      // Zeroing a window that already exported nothing injects no fault; skip it honestly.
      return exported > 0 ? span(days * 24, `export zero for ${days} days`) : null;
    }
  }
}

/** The export-loss detector's own notion of "usually exporting" over the 30 days before `at`. */
function exportIsUsual(out: readonly MutableHour[], at: number): boolean {
  const daily: number[] = [];
  for (let d = 30; d >= 1; d--) {
    let kwh = 0;
    for (let k = 0; k < 24; k++) kwh += out[at - d * 24 + k]?.exportKwh ?? Number.NaN;
    if (!Number.isNaN(kwh)) daily.push(kwh);
  }
  const exporting = daily.filter((kwh) => kwh > 0).length;
  const mean = daily.length === 0 ? 0 : meanSimple(daily);
  return (
    daily.length >= 20 &&
    exporting >= DEFAULT_EXPORT_LOSS.usualShare * daily.length &&
    mean >= DEFAULT_EXPORT_LOSS.minUsualKwhPerDay
  );
}

/**
 * Adds `delta(hour)` kWh to each of `hours` hours from `at` (hours without data keep none, but the
 * meter counted it), and carries the running total into the register of every later hour, so
 * register differences stay the import.
 */
export function shiftImport(
  out: MutableHour[],
  at: number,
  hours: number,
  delta: (hour: MutableHour) => number,
): void {
  let added = 0;
  for (let k = 0; k < hours && at + k < out.length; k++) {
    const h = out[at + k]!;
    const d = delta(h);
    if (!Number.isNaN(h.importKwh)) h.importKwh += d;
    added += d;
    if (h.importRegisterKwh !== undefined) h.importRegisterKwh += added;
  }
  // The register keeps the added energy after the fault ends.
  for (let k = at + hours; k < out.length; k++) {
    const h = out[k]!;
    if (h.importRegisterKwh !== undefined) h.importRegisterKwh += added;
  }
}
