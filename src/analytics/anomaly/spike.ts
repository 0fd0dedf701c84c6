/**
 * Sudden spikes: one hour standing above both of its neighbours (a burst), higher than the house's
 * own bursts normally are. The usual rule is a ramp |Δp| above the p99.9 of the meter's historical
 * ramps; a burst is a ramp up followed by a ramp down, so the score is the height of the hour over
 * the larger neighbour, and the bar is the p99.8 of the house's bursts over the last 90 days, with a
 * margin. (A two-hour window as well was tried: it reported every two-hour charge of a car or
 * heat pump boost as a spike and found no more injected spikes; a spike filling two hours is a run
 * for the hour-of-week detector.) A load that recurs
 * (an electric car charging for an hour or two, a timer-started heater, a workshop machine) fills
 * that history with its own bursts and so sets the bar above itself: the house's patterns are
 * learned, not reported. A load that recurs too seldom to reach that quantile (a car charged every
 * few weeks) is learned by its power and time of day: a burst that beats the bar is still no spike
 * when the house has made `recurrences` bursts of a like height (within a factor `recurrenceRatio`
 * either way: a car's 10 kWh hours do not make a 3 kW heater left on ordinary) within
 * `recurrenceHours` of the same time of day over the last year (the first and second charge are
 * reported, later ones of that power at that time are the house's own). One odd reading, such as a
 * register glitch, cannot hide the next spike, and spikes at other times of day stay spikes.
 *
 * The bar has a floor that scales with the house: the burst's energy must matter for it (three
 * hours of its mean load, as materiality.ts asks of every alarm), but never more than `floorCapKwh`,
 * a 3 kW load for half an hour, which is worth telling in any house. A very steady house has tiny
 * bursts, and a kettle would top 1.5 × their p99.8; a fixed floor of 1.5 kWh hid every spike of a
 * small consumer whose busiest hour is 0.3 kWh, and the house's busiest hours are no floor either:
 * where a car charges at 11 kW they would hide every ordinary appliance left on.
 *
 * Why not the hour-of-week z: households run large, harmless multi-hour loads (cooking, laundry, a
 * weekly process of 10 kW or more) whose z reaches 10–200, so a z bar that passes ≤ 1 alarm a
 * month only passes those long runs, never a 15–60 min spike. A burst needs the hour after to come
 * back down, so a spike is reported one hour after it ends: live, with no look-ahead.
 *
 * A spike sits on ordinary consumption: both neighbours must be ordinary for their hour of day
 * (robust z ≤ 4 against the last 28 days, the hour-of-week detector's run threshold). A burst inside
 * an already unusual episode, such as the top hour of a multi-hour 10 kW run, belongs to that
 * episode and is the unusual-consumption detector's to judge, so it neither alarms here nor enters
 * the history that sets the bar (one episode, one alarm).
 */
import { RollingMean } from "./materiality.js";
import { median, robustSigma } from "./robust.js";
import { SortedWindow } from "./sorted-window.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface SpikeOptions {
  /** Days of bursts seen before any alarm (the learning period). */
  readonly learningDays: number;
  /** How far back the house's own bursts set the bar. */
  readonly historyDays: number;
  /** Quantile of past bursts the hour must exceed: p99.8, the house's few largest (with the margin below, past p99.9). */
  readonly quantile: number;
  /**
   * The burst must beat that quantile by this factor: with ~2,000 bursts in the window the p99.8
   * is itself one of the house's few largest, and ordinary appliances (kettle, oven, dryer) reach
   * it every few weeks; half as large again is beyond what the house's own appliances do in an hour.
   */
  readonly margin: number;
  /** Robust z, against the same hour of day, above which a neighbour is no longer ordinary. */
  readonly neighbourZ: number;
  /** A neighbour this many times lower than the hour counts as ordinary whatever its z. */
  readonly apartFactor: number;
  /** Days of the same hour of day behind that z. */
  readonly neighbourDays: number;
  /** Noise floor added to the neighbours' robust σ, in kWh: 50 W, about a fridge compressor's cycling. */
  readonly sigmaFloorKwh: number;
  /** The most the floor asks of a burst's energy, in kWh. */
  readonly floorCapKwh: number;
  /** Past bursts above the bar (reported or not) of a like height that make a load recurring. */
  readonly recurrences: number;
  /** "Like height": within this factor of the burst, either way. */
  readonly recurrenceRatio: number;
  /** "Same time of day": starting within this many hours (either way, across midnight). */
  readonly recurrenceHours: number;
  /** How long large bursts are remembered. */
  readonly recurrenceDays: number;
}

const DEFAULT_SPIKE: SpikeOptions = {
  learningDays: 28,
  historyDays: 90,
  quantile: 0.998,
  margin: 1.5,
  neighbourZ: 4,
  apartFactor: 4,
  neighbourDays: 28,
  sigmaFloorKwh: 0.05,
  floorCapKwh: 1.5,
  recurrences: 2,
  recurrenceRatio: 1.5,
  recurrenceHours: 2,
  recurrenceDays: 365,
};

interface Scored {
  readonly startMs: number;
  readonly kwh: number;
  /** Robust z against the same hour of day; NaN while that hour has too little history. */
  readonly z: number;
}

const DAY_MS = 86_400_000;
const H = 3_600_000;

export class SpikeDetector implements HourDetector {
  private readonly bursts: SortedWindow;
  /** The house's mean load, for the materiality floor. */
  private readonly load = new RollingMean();
  /** Bursts above the bar over the last `recurrenceDays`, reported or not: the house's rare big loads. */
  private large: { readonly startMs: number; readonly burst: number; readonly hourOfDay: number }[] = [];
  private readonly byHourOfDay: number[][] = Array.from({ length: 24 }, () => []);
  private before: Scored | null = null;
  private candidate: Scored | null = null;
  private firstMs = Number.NaN;

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly options: SpikeOptions = DEFAULT_SPIKE,
  ) {
    this.bursts = new SortedWindow(options.historyDays * DAY_MS);
  }

  observe(hour: HourObservation): AnomalyEvent[] {
    if (Number.isNaN(this.firstMs)) this.firstMs = hour.startMs;
    const scored = this.score(hour);
    const event = this.judge(scored);
    this.before = this.candidate;
    this.candidate = scored;
    this.load.add(hour.importKwh);
    return event ? [event] : [];
  }

  private score(hour: HourObservation): Scored {
    const kwh = hour.importKwh;
    const same = this.byHourOfDay[this.localHour(hour.startMs)]!;
    let z = Number.NaN;
    if (!Number.isNaN(kwh) && same.length >= 7) {
      const m = median(same);
      z = (kwh - m) / (robustSigma(same) + this.options.sigmaFloorKwh);
    }
    if (!Number.isNaN(kwh)) {
      same.push(kwh);
      if (same.length > this.options.neighbourDays) same.shift();
    }
    return { startMs: hour.startMs, kwh, z };
  }

  /** Judges the previous hour now that the hour after it is known. */
  private judge(after: Scored): AnomalyEvent | null {
    const before = this.before;
    const hour = this.candidate;
    if (before === null || hour === null) return null;
    const x = hour.kwh;
    const neighbour = Math.max(before.kwh, after.kwh);
    // Consecutive hours only, all with data: a gap is the stall detector's business.
    if (
      after.startMs - hour.startMs !== H ||
      hour.startMs - before.startMs !== H ||
      Number.isNaN(x) ||
      Number.isNaN(neighbour)
    ) {
      return null;
    }
    // Not (z ≤ bar) so that a neighbour without a z yet (learning) counts as not ordinary. A
    // neighbour a fraction of the hour's height is no part of its episode, however unusual it is
    // for its own hour (a busy evening hour of 1.4 kWh beside a 10 kWh hour).
    const ordinary = (n: Scored) => n.z <= this.options.neighbourZ || n.kwh * this.options.apartFactor <= x;
    if (!ordinary(before) || !ordinary(after)) return null;
    const burst = x - neighbour;
    this.bursts.expire(hour.startMs);
    const learned = hour.startMs - this.firstMs >= this.options.learningDays * DAY_MS;
    const bar = this.options.margin * this.bursts.quantile(this.options.quantile);
    const matters = this.load.isMaterial(burst) || burst >= this.options.floorCapKwh;
    // Recorded while learning too: a car charged in the first weeks is already the house's pattern.
    const news = burst > bar && matters && !this.recurs(hour.startMs, burst);
    if (learned && news) {
      // An alarmed burst is not the house's normal: keeping it would raise the bar for the next one.
      return {
        kind: "spike",
        startMs: hour.startMs,
        endMs: hour.startMs + H,
        expected: neighbour,
        observed: x,
        unit: "kWh",
        score: burst / bar,
        message: `A spike: ${fmt(x)} kWh in one hour between hours of at most ${fmt(neighbour)} kWh, ${fmt(burst)} kWh above them where this house's bursts stay below ${fmt(bar)} kWh.`,
      };
    }
    this.bursts.add(hour.startMs, burst);
    return null;
  }

  /** Whether the house has made bursts like this one before; either way it joins the large ones. */
  private recurs(startMs: number, burst: number): boolean {
    const { recurrences, recurrenceRatio, recurrenceHours, recurrenceDays } = this.options;
    const horizon = startMs - recurrenceDays * DAY_MS;
    this.large = this.large.filter((b) => b.startMs >= horizon);
    const hourOfDay = this.localHour(startMs);
    const alike = this.large.filter((b) => {
      const apart = Math.abs(b.hourOfDay - hourOfDay);
      const alikeHeight = Math.abs(Math.log(b.burst / burst)) <= Math.log(recurrenceRatio);
      return alikeHeight && Math.min(apart, 24 - apart) <= recurrenceHours;
    }).length;
    this.large.push({ startMs, burst, hourOfDay });
    return alike >= recurrences;
  }
}
