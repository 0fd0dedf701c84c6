/**
 * Zero import: the meter says nothing was imported, hour after hour. Unlike a data stall (no data at
 * all), a measured zero is often normal: a PV house imports nothing on sunny days, a battery or
 * storage heater charged off-peak covers the day, a holiday home is switched off. So a run of zero
 * hours is judged against the house's own history, and only two kinds of run are reported:
 *
 * - **a night without import** (at least four hours of 00:00–05:00 in a row) in a house that drew
 *   energy in every night hour of the last four weeks, and exported nothing meanwhile (export at
 *   night is a battery covering the house). At night PV produces nothing, and a house's base load
 *   (fridge, router, standby) never stops; a battery that starts covering whole nights does so step
 *   by step through the spring, so its first nights already appear in the four-week window.
 * - **a whole day without import** (24 hours) in a house whose longest zero run of the last year
 *   was shorter than 1 / `longRunFactor` of it: 24 h of exact zeros where the house never had one
 *   is a failed meter or reading, not a sunny day. Reported runs count among the house's runs too: a
 *   battery that covers a summer's day is news once, not every sunny week; except a run that ends
 *   in a catch-up (the next hour brings at least half of what the house uses in the run's length at
 *   its mean rate), that ends in missing data, or where the export register stood still as well:
 *   that was a reading that stopped, not a house that drew nothing, and it does not hide the next
 *   failure.
 *
 * Anything shorter, and any run the house's own past makes ordinary, is silent however long it is by
 * day: on a PV house 9 h of zero import while exporting is its normal, from the first sunny day on.
 * Each run is reported once, when it first qualifies, with its extent as known then.
 */
import { RollingMean } from "./materiality.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface ZeroImportOptions {
  /** Local hours [from, to) that make up "the night". */
  readonly nightFromHour: number;
  readonly nightToHour: number;
  /** Zero night hours in a row that make a night without import (one may be lost to DST). */
  readonly minNightHours: number;
  /** Nights of history behind "this house always draws power at night". */
  readonly nightHistory: number;
  /** Nights with data needed before that can be said. */
  readonly minNights: number;
  /** The shortest zero run that can be reported as a day without import. */
  readonly dayHours: number;
  /** A past run this many times shorter than the current one no longer makes it ordinary. */
  readonly longRunFactor: number;
  /** How long past runs are remembered. */
  readonly memoryDays: number;
  /** Hours with data before anything is said at all. */
  readonly minHistoryHours: number;
}

const DEFAULT_ZERO_IMPORT: ZeroImportOptions = {
  nightFromHour: 0,
  nightToHour: 5,
  minNightHours: 4,
  nightHistory: 28,
  minNights: 14,
  dayHours: 24,
  longRunFactor: 1.5,
  memoryDays: 365,
  minHistoryHours: 7 * 24,
};

const DAY_MS = 86_400_000;
const H = 3_600_000;

interface ZeroRun {
  readonly startMs: number;
  hours: number;
  /** Night hours (of the current night) in the run so far. */
  nightHours: number;
  exportKwh: number;
  /** Whether the source has an export register (any hour of the run carried one). */
  hasExport: boolean;
  reported: boolean;
}

export class ZeroImportDetector implements HourDetector {
  private run: ZeroRun | null = null;
  /** Past runs of a day or more: [endMs, hours]. */
  private readonly longRuns: [number, number][] = [];
  /** Per past night (oldest first): whether every night hour with data drew energy. */
  private readonly nights: boolean[] = [];
  private tonight = { hours: 0, allDrew: true };
  private hoursWithData = 0;
  private readonly load = new RollingMean();

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly options: ZeroImportOptions = DEFAULT_ZERO_IMPORT,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const x = hour.importKwh;
    const hourOfDay = this.localHour(hour.startMs);
    if (Number.isNaN(x)) {
      // No data is the stall detector's; it ends a run (what lies beyond the gap is unknown).
      this.endRun(hour.startMs, Number.NaN);
      this.trackNight(hourOfDay, null);
      return [];
    }
    this.hoursWithData++;
    let event: AnomalyEvent | null = null;
    if (x === 0) event = this.extendRun(hour, hourOfDay);
    else this.endRun(hour.startMs, x);
    this.trackNight(hourOfDay, x > 0);
    this.load.add(x);
    return event ? [event] : [];
  }

  private extendRun(hour: HourObservation, hourOfDay: number): AnomalyEvent | null {
    const { nightFromHour, nightToHour } = this.options;
    const run = this.run ?? {
      startMs: hour.startMs,
      hours: 0,
      nightHours: 0,
      exportKwh: 0,
      hasExport: false,
      reported: false,
    };
    this.run = run;
    run.hours++;
    const exported = hour.exportKwh !== undefined && Number.isFinite(hour.exportKwh);
    if (exported) run.exportKwh += hour.exportKwh!;
    run.hasExport ||= exported;
    const atNight = hourOfDay >= nightFromHour && hourOfDay < nightToHour;
    run.nightHours = atNight ? run.nightHours + 1 : 0;
    if (run.reported || this.hoursWithData < this.options.minHistoryHours) return null;
    const endMs = hour.startMs + H;
    // Export at night is a battery discharging, not a failed reading: the house covers itself.
    const selfCovered = run.exportKwh > 0;
    if (run.nightHours >= this.options.minNightHours && !selfCovered && this.alwaysDrawsAtNight()) {
      run.reported = true;
      return this.event(run, endMs, "night");
    }
    const longest = this.longestPast(endMs);
    if (run.hours >= this.options.dayHours && run.hours >= this.options.longRunFactor * longest) {
      run.reported = true;
      return this.event(run, endMs, "day", longest);
    }
    return null;
  }

  /** Ends the current run at the hour starting `atMs`, which imported `nextKwh` (NaN: no data). */
  private endRun(atMs: number, nextKwh: number): void {
    const run = this.run;
    this.run = null;
    if (run === null || run.hours < this.options.dayHours) return;
    // A run cut off by missing data ended unseen: it may have been the start of an outage.
    const endedUnseen = Number.isNaN(nextKwh);
    const caughtUp = nextKwh >= 0.5 * run.hours * this.load.mean;
    const readingStopped = run.hasExport && run.exportKwh === 0;
    if (!endedUnseen && !caughtUp && !readingStopped) this.longRuns.push([atMs, run.hours]);
  }

  private longestPast(nowMs: number): number {
    const horizon = nowMs - this.options.memoryDays * DAY_MS;
    while (this.longRuns.length > 0 && this.longRuns[0]![0] < horizon) this.longRuns.shift();
    return this.longRuns.reduce((longest, [, hours]) => Math.max(longest, hours), 0);
  }

  /** Follows the night window; `drew` is null for an hour without data. */
  private trackNight(hourOfDay: number, drew: boolean | null): void {
    const { nightFromHour, nightToHour, nightHistory } = this.options;
    if (hourOfDay < nightFromHour || hourOfDay >= nightToHour) return;
    if (hourOfDay === nightFromHour) this.tonight = { hours: 0, allDrew: true };
    if (drew !== null) {
      this.tonight.hours++;
      this.tonight.allDrew &&= drew;
    }
    if (hourOfDay !== nightToHour - 1) return;
    // A night missing more than one hour (one may be lost to DST) says nothing.
    if (this.tonight.hours >= nightToHour - nightFromHour - 1) {
      this.nights.push(this.tonight.allDrew);
      if (this.nights.length > nightHistory) this.nights.shift();
    }
  }

  /** Every night hour of the last `nightHistory` nights (at least `minNights` of them) drew energy. */
  private alwaysDrawsAtNight(): boolean {
    return this.nights.length >= this.options.minNights && this.nights.every(Boolean);
  }

  private event(run: ZeroRun, endMs: number, why: "night" | "day", longestHours = 0): AnomalyEvent {
    const { nightFromHour, nightToHour, nightHistory } = this.options;
    const stopped = run.hasExport && run.exportKwh === 0;
    const what = stopped
      ? `Neither import nor export moved for ${run.hours} hours`
      : `Imported nothing for ${run.hours} hours${run.exportKwh > 0 ? ` while exporting ${fmt(run.exportKwh, 1)} kWh` : ""}`;
    const knownDays = Math.floor(this.hoursWithData / 24);
    const reason =
      why === "night"
        ? `not even at night (${nightFromHour}:00–${nightToHour}:00), when this house drew energy every night of the last ${Math.min(this.nights.length, nightHistory)}`
        : longestHours > 0
          ? `longer than any run without import in the ${Math.min(knownDays, this.options.memoryDays)} days known (the longest was ${longestHours} hours)`
          : `this house has not gone a whole day without import in the ${Math.min(knownDays, this.options.memoryDays)} days known`;
    // Exporting all along, the meter is reading: a battery covering the house is the other explanation.
    const cause =
      run.exportKwh > 0
        ? "Unless a battery covers the house, the import reading may have failed."
        : "The meter or its reading may have failed.";
    return {
      kind: "zero-import",
      startMs: run.startMs,
      endMs,
      expected: 0,
      observed: run.hours,
      unit: "h",
      score:
        why === "night" ? run.nightHours / this.options.minNightHours : run.hours / this.options.dayHours,
      message: `${what}: ${reason}. ${cause}`,
    };
  }
}
