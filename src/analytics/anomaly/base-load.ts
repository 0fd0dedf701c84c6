/**
 * A durable rise or fall of the base load (standby, night minimum), by a two-sided CUSUM on the
 * daily base against its own trailing median (Page's CUSUM; base = 10th percentile of 01:00–05:00,
 * reference = median of the trailing 28 days, σ = 1.4826 · MAD, k = 0.5σ, h = 5σ: the textbook
 * design for a 1σ shift: per side, one false signal in about 465 in-control nights and a 1σ step
 * signalled after about 10; Montgomery, Introduction to Statistical Quality Control, §9.1).
 * After a detected step the reference moves to the new level, so a new normal is learned, not
 * re-reported; the return to the old level within weeks ends that episode silently (one episode,
 * one alarm); a step to a level the house often visits is learned silently unless it holds; and
 * short spells that recur (heating nights) are reported once (base-load-spells.ts).
 */
import { nearer, SpellMemory } from "./base-load-spells.js";
import { DayTracker } from "./day-tracker.js";
import { median, robustSigma } from "./robust.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface BaseLoadOptions {
  readonly referenceDays: number;
  readonly minReferenceDays: number;
  /**
   * Floor for σ, in kW and as a share of the reference: night minima are so steady that a MAD-based
   * σ of a few watts would turn ordinary seasonal drifts of tens of watts (a freezer working harder
   * in summer, a router or set-top box added) into alarms. 50 W makes the smallest reported step
   * (`minShiftSigmas` σ) 100 W: a device left on for good at 100 W uses 876 kWh a year, a quarter of
   * an ordinary home's consumption and worth telling; drifts below that are not.
   */
  readonly sigmaFloorKw: number;
  readonly sigmaFloorShare: number;
  readonly k: number;
  readonly h: number;
  /** Nights since the onset before an alarm, and the shift their median must show, in σ. */
  readonly minDays: number;
  readonly minShiftSigmas: number;
  /**
   * Day-level regimes (a two-level mixture: homes move between states such as heating on and off,
   * occupied and away): a new level is familiar when at least this share of the nights of the last
   * `familiarDays` before the onset lay nearer to it (in ratio) than to the reference. Heating nights
   * alternating with mild ones in autumn (2–3 nights with a heater at 500–1000 W, then a 200 W base
   * again) would otherwise alarm every few days. A 2σ step has ~16 % of ordinary nights nearer its
   * new level (the normal tail beyond 1σ), a 3σ step ~7 %, so new steps stay unfamiliar and alarm
   * after `minDays`; 40 % stays clear of that even when another fifth of the nights are odd for
   * other reasons (guests, a holiday, a fault). A familiar level is
   * learned silently and alarms only once it has held for `familiarMinNights` (the heating season
   * taking over for good).
   */
  readonly familiarShare: number;
  readonly familiarDays: number;
  readonly familiarMinNights: number;
}

const DEFAULT_BASE_LOAD: BaseLoadOptions = {
  referenceDays: 28,
  minReferenceDays: 10,
  sigmaFloorKw: 0.05,
  sigmaFloorShare: 0.1,
  k: 0.5,
  h: 5,
  minDays: 3,
  minShiftSigmas: 2,
  familiarShare: 0.4,
  familiarDays: 60,
  familiarMinNights: 14,
};

/** Nights kept: the reference window plus room for an onset some weeks back. */
const MAX_NIGHTS = 120;
/** How long after an alarmed shift a return to the old level counts as that episode's end. */
const EPISODE_MS = 42 * 86_400_000;

interface Shift {
  readonly rising: boolean;
  readonly onsetMs: number;
  readonly fromKw: number;
  readonly toKw: number;
  readonly score: number;
}

interface DayBase {
  readonly dayStartMs: number;
  /** The night's base, moved by every step detected since (the reference's view). */
  readonly kw: number;
  /** The night's base as measured (what "has this house been here before" looks at). */
  readonly measuredKw: number;
}

export class BaseLoadDetector implements HourDetector {
  private bases: DayBase[] = [];
  /** A shift to a familiar level, learned silently, waiting to prove durable. */
  private pending: Shift | null = null;
  /** When the pending shift is one more spell of a recurring pattern: the day it outlasts the spells. */
  private outlastsSpellsMs = Number.NaN;
  /** The last alarmed shift, so that the return to the old level ends it instead of alarming again. */
  private episode: {
    readonly rising: boolean;
    readonly fromKw: number;
    readonly toKw: number;
    readonly alarmMs: number;
    readonly untilMs: number;
  } | null = null;
  /** Short alarmed rises seen lately, so that the same spell again is not a new alarm. */
  private readonly spells = new SpellMemory();
  private night: number[] = [];
  private readonly calendarDays = new DayTracker((ms) => this.dayStart(ms));
  private up = 0;
  private down = 0;
  private upOnset = 0;
  private downOnset = 0;

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly dayStart: (ms: number) => number,
    private readonly options: BaseLoadOptions = DEFAULT_BASE_LOAD,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const events: AnomalyEvent[] = [];
    const turn = this.calendarDays.advance(hour.startMs);
    if (turn) {
      const event = turn.ended === null ? null : this.closeDay(turn.ended, turn.day);
      if (event) events.push(event);
      this.night = [];
    }
    const h = this.localHour(hour.startMs);
    if (h >= 1 && h < 5 && !Number.isNaN(hour.importKwh)) this.night.push(hour.importKwh);
    return events;
  }

  private closeDay(dayStartMs: number, nextDayMs: number): AnomalyEvent | null {
    if (this.night.length < 3) return null; // a night with gaps says nothing about the base
    const sorted = this.night.slice().sort((a, b) => a - b);
    // The 10th percentile as an observed hour, not interpolated between two (simple-statistics'
    // quantile interpolates): with the usual four night hours it is their minimum. kWh per hour = kW.
    const kw = sorted[Math.floor(0.1 * (sorted.length - 1))]!;
    const reference = this.bases.slice(-this.options.referenceDays).map((b) => b.kw);
    this.bases.push({ dayStartMs, kw, measuredKw: kw });
    if (this.bases.length > 2 * MAX_NIGHTS) this.bases = this.bases.slice(-MAX_NIGHTS);
    if (reference.length < this.options.minReferenceDays) return null;
    const ref = median(reference);
    const sigma = Math.max(
      robustSigma(reference),
      this.options.sigmaFloorKw,
      this.options.sigmaFloorShare * ref,
    );
    const shift = this.cusum(dayStartMs, (kw - ref) / sigma, ref, sigma);
    if (shift === null) return this.durableFamiliar(nextDayMs, sigma);
    // Restart at the new level: the nights before the onset are moved by the step, so the reference
    // is the new level at once and keeps its 28-night spread. (Keeping only the few nights since the
    // onset would leave a reference of three or four nights whose MAD is noise, hiding the next step.)
    const step = shift.toKw - ref;
    this.bases = this.bases.map((b) => (b.dayStartMs < shift.onsetMs ? { ...b, kw: b.kw + step } : b));
    this.up = 0;
    this.down = 0;
    this.pending = null;
    const episode = this.episode;
    // Back to where the last alarmed shift started, within weeks: that shift has ended. One
    // episode is one alarm (the user was told when it began), so the return is not reported.
    if (
      episode !== null &&
      episode.rising !== shift.rising &&
      dayStartMs <= episode.untilMs &&
      Math.abs(shift.toKw - episode.fromKw) < this.options.minShiftSigmas * sigma
    ) {
      if (episode.rising) this.spells.ended(episode.alarmMs, shift.onsetMs, episode.fromKw, episode.toKw);
      this.episode = null;
      return null;
    }
    // Part way back, still nearer the episode's level than where it began: the episode wandering
    // (a heating season: a rise from 220 to 430 W reported, then colder nights at 950 W and milder
    // ones back to 700 W), nothing the user was not told. Learned silently, as the reference has moved.
    if (
      episode !== null &&
      episode.rising !== shift.rising &&
      dayStartMs <= episode.untilMs &&
      nearer(shift.toKw, episode.toKw, episode.fromKw)
    ) {
      return null;
    }
    if (shift.rising && this.spells.recurs(shift.onsetMs, shift.toKw)) {
      this.pending = shift;
      this.outlastsSpellsMs = nextDayMs + this.spells.holdNights * 86_400_000;
      return null;
    }
    if (this.isFamiliar(shift.toKw, ref, shift.onsetMs)) {
      this.pending = shift;
      this.outlastsSpellsMs = Number.NaN;
      return null;
    }
    return this.alarm(shift, nextDayMs);
  }

  /** Advances both CUSUMs by tonight's standardised base; a durable shift once one passes h. */
  private cusum(dayStartMs: number, x: number, ref: number, sigma: number): Shift | null {
    if (this.up === 0) this.upOnset = dayStartMs;
    if (this.down === 0) this.downOnset = dayStartMs;
    this.up = Math.max(0, this.up + x - this.options.k);
    this.down = Math.max(0, this.down - x - this.options.k);
    const rising = this.up > this.options.h;
    if (!rising && this.down <= this.options.h) return null;
    const onsetMs = rising ? this.upOnset : this.downOnset;
    const since = this.bases.filter((b) => b.dayStartMs >= onsetMs).map((b) => b.kw);
    const toKw = median(since);
    // Durable means most nights since the onset: one night with the heating on is no new base load.
    if (since.length < this.options.minDays) return null;
    if (Math.abs(toKw - ref) < this.options.minShiftSigmas * sigma) {
      // Enough nights, yet most of them sit at the reference: the CUSUM only summed a slow drift or
      // scattered odd nights. Without this reset the sum kept growing from an ever older onset, whose
      // median never moves, and every later real step would go unreported.
      if (rising) this.up = 0;
      else this.down = 0;
      return null;
    }
    return { rising, onsetMs, fromKw: ref, toKw, score: rising ? this.up : this.down };
  }

  /**
   * A familiar level reached silently is reported once it has held for `familiarMinNights`; one
   * more spell of a recurring pattern as soon as it holds for longer than the spells do (every
   * night since it was noticed still at its level), so a real step is late by a few nights at most.
   */
  private durableFamiliar(nextDayMs: number, sigma: number): AnomalyEvent | null {
    const pending = this.pending;
    if (pending === null) return null;
    if (nextDayMs >= this.outlastsSpellsMs) {
      this.outlastsSpellsMs = Number.NaN;
      const recent = this.bases.slice(-this.spells.holdNights).map((b) => b.measuredKw);
      if (recent.every((kw) => nearer(kw, pending.toKw, pending.fromKw))) {
        this.pending = null;
        return this.alarm(pending, nextDayMs);
      }
    }
    const since = this.bases.filter((b) => b.dayStartMs >= pending.onsetMs).map((b) => b.measuredKw);
    if (since.length < this.options.familiarMinNights) return null;
    this.pending = null;
    const level = median(since);
    if (!nearer(level, pending.toKw, pending.fromKw)) return null;
    // Held, but back at what the house's nights were over the weeks before: the end of a wandering
    // spell (up in steps over a spring, 385 → 480 → 620 W, then back to 370 W), not a new base load.
    const from = pending.onsetMs - this.options.familiarDays * 86_400_000;
    const usual = median(
      this.bases
        .filter((b) => b.dayStartMs >= from && b.dayStartMs < pending.onsetMs)
        .map((b) => b.measuredKw),
    );
    if (Math.abs(level - usual) < this.options.minShiftSigmas * sigma) return null;
    return this.alarm({ ...pending, toKw: level }, nextDayMs);
  }

  private alarm(shift: Shift, nextDayMs: number): AnomalyEvent {
    const { rising, onsetMs, fromKw, toKw, score } = shift;
    // A further step the same way within the episode (a staircase, 385 → 480 → 620 W) continues
    // it: the episode still ends on the return to where it first began.
    const previous = this.episode;
    const continues = previous !== null && previous.rising === rising && nextDayMs <= previous.untilMs;
    this.episode = {
      rising,
      fromKw: continues ? previous.fromKw : fromKw,
      toKw,
      alarmMs: nextDayMs,
      untilMs: nextDayMs + EPISODE_MS,
    };
    return {
      kind: "base-load-shift",
      startMs: onsetMs,
      endMs: nextDayMs,
      expected: fromKw,
      observed: toKw,
      unit: "kW",
      score,
      message: `The base load (night minimum) ${rising ? "rose" : "fell"} from ${fmt(fromKw * 1000, 0)} W to ${fmt(toKw * 1000, 0)} W and has stayed there since ${new Date(onsetMs).toISOString().slice(0, 10)} (CUSUM ${fmt(score, 1)} σ).`,
    };
  }

  private isFamiliar(levelKw: number, referenceKw: number, onset: number): boolean {
    const from = onset - this.options.familiarDays * 86_400_000;
    const before = this.bases.filter((b) => b.dayStartMs >= from && b.dayStartMs < onset);
    const near = before.filter((b) => nearer(b.measuredKw, levelKw, referenceKw)).length;
    return before.length > 0 && near >= this.options.familiarShare * before.length;
  }
}
