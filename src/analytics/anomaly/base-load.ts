/**
 * A durable rise or fall of the base load (standby: what the house draws in its quietest hours), by
 * a two-sided CUSUM on the daily base against its own trailing median (Page's CUSUM; reference = median of the trailing 28 days, σ = 1.4826 · MAD, k = 0.5σ, h = 5σ: the textbook
 * design for a 1σ shift: per side, one false signal in about 465 in-control nights and a 1σ step
 * signalled after about 10; Montgomery, Introduction to Statistical Quality Control, §9.1).
 * After a detected step the reference moves to the new level, so a new normal is learned, not
 * re-reported; the return to the old level within weeks ends that episode silently (one episode,
 * one alarm); a step to a level the house often visits is learned silently unless it holds; and
 * short spells that recur (heating nights) are reported once (base-load-spells.ts).
 *
 * The day's base is the 10th percentile (the third-lowest hour) of the 24 hours up to 05:00, judged
 * then: for most homes that is the night's minimum, as a fixed 01:00–05:00 window would give; but a
 * house whose car or storage heater charges at night has its quiet hours in the day, and a house
 * whose battery or off-peak regime covers the day has them there at zero, where a fixed night
 * window sees only the charging. Hours while the house exports are left out: zero import while
 * PV covers the house says nothing about its standby. Judging at 05:00, not at midnight, reports a
 * step 19 hours sooner.
 */
import { nearer, SpellMemory } from "./base-load-spells.js";
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
  /**
   * Nights since the onset before a clear rise (`quickShiftSigmas`) is reported; any other shift
   * needs one night more. And the shift their median must show, in σ.
   */
  readonly minDays: number;
  readonly minShiftSigmas: number;
  /**
   * A rise every night of which lies this many σ above the reference is reported after `minDays`
   * nights rather than one night later.
   */
  readonly quickShiftSigmas: number;
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
  minDays: 2,
  minShiftSigmas: 2,
  quickShiftSigmas: 2.5,
  familiarShare: 0.4,
  familiarDays: 60,
  familiarMinNights: 14,
};

/** The local hour at which the day's base is taken, over the 24 hours before it. */
const JUDGE_HOUR = 5;
/** Hours with data (and not exporting) the 24 hours must hold to say anything about the base. */
const MIN_HOURS = 8;
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
  /** The last 24 hours' import, NaN for hours without data or while exporting. */
  private lastDay: number[] = [];
  private day = Number.NaN;
  private judged = false;
  private up = 0;
  private down = 0;
  private upOnset = 0;
  private downOnset = 0;

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly dayStart: (ms: number) => number,
    /** The local date (YYYY-MM-DD) of an instant, for the sentence. */
    private readonly dateKey: (ms: number) => string = (ms) => new Date(ms).toISOString().slice(0, 10),
    private readonly options: BaseLoadOptions = DEFAULT_BASE_LOAD,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const events: AnomalyEvent[] = [];
    const day = this.dayStart(hour.startMs);
    if (day !== this.day) {
      // A day without an hour after 05:00 (a gap): its base is taken now.
      const event = this.judge(hour.startMs);
      if (event) events.push(event);
      this.day = day;
      this.judged = false;
    }
    this.lastDay.push((hour.exportKwh ?? 0) > 0 ? Number.NaN : hour.importKwh);
    if (this.lastDay.length > 24) this.lastDay.shift();
    if (this.localHour(hour.startMs) >= JUDGE_HOUR - 1) {
      const event = this.judge(hour.startMs + 3_600_000);
      if (event) events.push(event);
    }
    return events;
  }

  /**
   * Takes the day's base once, at `judgedMs`. The 24 hours up to 05:00 lie mostly in the day before,
   * so the base is dated to that day: a step that began the evening or night before is dated to
   * its own day, one that began by day to the day after, when its first whole quiet night falls.
   */
  private judge(judgedMs: number): AnomalyEvent | null {
    if (this.judged || Number.isNaN(this.day)) return null;
    this.judged = true;
    return this.closeDay(this.dayStart(judgedMs - 12 * 3_600_000), judgedMs);
  }

  private closeDay(dayStartMs: number, judgedMs: number): AnomalyEvent | null {
    const values = this.lastDay.filter((x) => !Number.isNaN(x));
    if (values.length < MIN_HOURS) return null; // a day of gaps (or all export) says nothing about the base
    const sorted = values.slice().sort((a, b) => a - b);
    // The 10th percentile as an observed hour, not interpolated between two (simple-statistics'
    // quantile interpolates): of 24 hours, the third-lowest. kWh per hour = kW.
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
    if (shift === null) return this.durableFamiliar(judgedMs, sigma);
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
      this.outlastsSpellsMs = judgedMs + this.spells.holdNights * 86_400_000;
      return null;
    }
    if (this.isFamiliar(shift.toKw, ref, shift.onsetMs)) {
      this.pending = shift;
      this.outlastsSpellsMs = Number.NaN;
      return null;
    }
    return this.alarm(shift, judgedMs);
  }

  /** Advances both CUSUMs by tonight's standardised base; a durable shift once one passes h. */
  private cusum(dayStartMs: number, x: number, ref: number, sigma: number): Shift | null {
    if (this.up === 0) this.upOnset = dayStartMs;
    if (this.down === 0) this.downOnset = dayStartMs;
    this.up = Math.max(0, this.up + x - this.options.k);
    this.down = Math.max(0, this.down - x - this.options.k);
    const rising = this.up > this.options.h;
    if (!rising && this.down <= this.options.h) return null;
    // The sum starts at the last night it was zero, which may be a night of noise before the step
    // (or a night the step only half covered): leading nights less than halfway to the smallest
    // reported shift are not part of it, so neither the onset nor the new level is blurred by them.
    const half = (this.options.minShiftSigmas / 2) * sigma;
    const startedBeyond = (b: DayBase) => (rising ? b.kw - ref >= half : ref - b.kw >= half);
    const excursion = this.bases.filter((b) => b.dayStartMs >= (rising ? this.upOnset : this.downOnset));
    const first = excursion.findIndex(startedBeyond);
    if (first < 0) {
      // Past h on nights none of which went halfway: a slow drift, not a step (see below).
      if (rising) this.up = 0;
      else this.down = 0;
      return null;
    }
    const onsetMs = excursion[first]!.dayStartMs;
    const since = excursion.slice(first).map((b) => b.kw);
    const toKw = median(since);
    // Durable means most nights since the onset: one night with the heating on is no new base load.
    if (since.length < this.options.minDays) return null;
    // Two nights, each clearly up, are enough for a rise (a device left on costs money every hour);
    // a smaller or uneven rise, and any fall, must hold for a third night before it is told apart
    // from a two-night spell (guests, a heater on through a cold weekend, a weekend away).
    const shift = Math.abs(toKw - ref);
    const quick = rising && Math.min(...since) - ref >= this.options.quickShiftSigmas * sigma;
    if (since.length <= this.options.minDays && !quick) return null;
    if (shift < this.options.minShiftSigmas * sigma) {
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
  private durableFamiliar(judgedMs: number, sigma: number): AnomalyEvent | null {
    const pending = this.pending;
    if (pending === null) return null;
    if (judgedMs >= this.outlastsSpellsMs) {
      this.outlastsSpellsMs = Number.NaN;
      const recent = this.bases.slice(-this.spells.holdNights).map((b) => b.measuredKw);
      if (recent.every((kw) => nearer(kw, pending.toKw, pending.fromKw))) {
        this.pending = null;
        return this.alarm(pending, judgedMs);
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
    return this.alarm({ ...pending, toKw: level }, judgedMs);
  }

  private alarm(shift: Shift, judgedMs: number): AnomalyEvent {
    const { rising, onsetMs, fromKw, toKw, score } = shift;
    // A further step the same way within the episode (a staircase, 385 → 480 → 620 W) continues
    // it: the episode still ends on the return to where it first began.
    const previous = this.episode;
    const continues = previous !== null && previous.rising === rising && judgedMs <= previous.untilMs;
    this.episode = {
      rising,
      fromKw: continues ? previous.fromKw : fromKw,
      toKw,
      alarmMs: judgedMs,
      untilMs: judgedMs + EPISODE_MS,
    };
    return {
      kind: "base-load-shift",
      startMs: onsetMs,
      endMs: judgedMs,
      expected: fromKw,
      observed: toKw,
      unit: "kW",
      score,
      message: `The base load (the quietest hours of the day) ${rising ? "rose" : "fell"} from ${fmt(fromKw * 1000, 0)} W to ${fmt(toKw * 1000, 0)} W and has stayed there since ${this.dateKey(onsetMs)} (CUSUM ${fmt(score, 1)} σ).`,
    };
  }

  private isFamiliar(levelKw: number, referenceKw: number, onset: number): boolean {
    const from = onset - this.options.familiarDays * 86_400_000;
    const before = this.bases.filter((b) => b.dayStartMs >= from && b.dayStartMs < onset);
    const near = before.filter((b) => nearer(b.measuredKw, levelKw, referenceKw)).length;
    return before.length > 0 && near >= this.options.familiarShare * before.length;
  }
}
