/**
 * Consumption unusual for the hour of the week: a robust z-score against the same hour of the week
 * over the last 8 weeks (hour of day over 4 weeks while a slot has fewer than 4 samples).
 * z = (x − median) / (1.4826 · MAD + floor); a run is z > 4 for 2 hours or more (for Gaussian
 * noise one hour beyond 4σ is a one-in-30,000 event; household load is heavier-tailed, and two such
 * hours in a row are what separates a load left on from one odd hour). Hour-of-week conditioning
 * gained +0.06 F1 over a global MAD (Baek & Lee). Only excess is flagged here; sustained shortfalls
 * show up in the base-load detector, and single hours in the spike detector, which also needs the
 * hour after.
 *
 * Households have frequent, genuinely large but harmless runs (cooking, laundry, a sauna: a 2–3 kWh
 * hour against a median of 0.3 kWh and a σ of 0.2 kWh is z 10–15, several times a week), so a fixed
 * z threshold alarms some 20 times a month. A run
 * alarms only when its excess energy is beyond the quantile of the house's own recent runs of a like
 * rate that leaves `alarmsPer30Days` alarms a month (scaled by the sensitivity), times a margin,
 * and only when its excess energy matters (materiality.ts). A run of two hours is reported as a
 * spike: a load of 15 minutes to 2 hours that straddled an hour boundary.
 */
import { quantile } from "simple-statistics";
import { RollingMean } from "./materiality.js";
import { median, robustSigma } from "./robust.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface HourOfWeekOptions {
  /** Days of data before any alert (the learning period). */
  readonly learningDays: number;
  /** Divides the run threshold and multiplies the alarm budget: 2 flags at half the z. */
  readonly sensitivity: number;
  /**
   * Noise floor added to the robust σ, in kWh per hour: 50 W, about a fridge compressor's cycling,
   * so that a house whose hours are very steady does not get a σ of a few watts.
   */
  readonly floorKwh: number;
  /** Flagged hours closer than this are one event. */
  readonly mergeGapHours: number;
  /** Alarms allowed per 30 days: the house's own run history sets the bar to meet this budget. */
  readonly alarmsPer30Days: number;
  /** How far back the house's runs set the bar (they are kept a year, to tell a new kind of load). */
  readonly historyDays: number;
}

export const DEFAULT_HOUR_OF_WEEK: HourOfWeekOptions = {
  learningDays: 14,
  sensitivity: 1,
  floorKwh: 0.05,
  mergeGapHours: 3,
  alarmsPer30Days: 0.15,
  historyDays: 60,
};

const RUN_Z = 4;
/** How long the house's runs are remembered for "has it run this kind of load before". */
const YEAR_DAYS = 365;
/**
 * The run must beat that quantile of its like runs twice over: with a handful of like runs in
 * 60 days the quantile is their maximum, and of n + 1 runs of the same load each is the largest
 * with probability 1 / (n + 1), so a regular heavy load would top it every few weeks by chance.
 * Twice the energy of anything alike in two months is a different load, not the same one running
 * a little longer; the spike bar has a margin for the same reason.
 */
const RUN_MARGIN = 2;

interface Run {
  startMs: number;
  endMs: number;
  hours: number;
  peakZ: number;
  excessKwh: number;
  expectedKwh: number;
  observedKwh: number;
}

export class HourOfWeekDetector implements HourDetector {
  private readonly weekSlots: number[][] = Array.from({ length: 168 }, () => []);
  private readonly daySlots: number[][] = Array.from({ length: 24 }, () => []);
  /** The house's mean load, for the materiality rule (materiality.ts). */
  private readonly load = new RollingMean();
  private observedHours = 0;
  private run: Run | null = null;
  /** Every candidate run (alarmed or not) of the last year: the house's own normal. */
  private readonly pastRuns: { endMs: number; excessKwh: number; rate: number }[] = [];
  private firstMs = Number.NaN;
  private quietHours = 0;

  constructor(
    private readonly hourOfWeek: (ms: number) => number,
    private readonly options: HourOfWeekOptions = DEFAULT_HOUR_OF_WEEK,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const x = hour.importKwh;
    const events: AnomalyEvent[] = [];
    if (Number.isNaN(this.firstMs)) this.firstMs = hour.startMs;
    const how = this.hourOfWeek(hour.startMs);
    const flagged = Number.isNaN(x) ? null : this.score(how, x);
    if (flagged !== null && flagged.z > RUN_Z / this.options.sensitivity) {
      this.extendRun(hour.startMs, x, flagged.expected, flagged.z);
      this.quietHours = 0;
    } else if (this.run !== null && ++this.quietHours > this.options.mergeGapHours) {
      const event = this.closeRun();
      if (event) events.push(event);
    }
    if (!Number.isNaN(x)) {
      push(this.weekSlots[how]!, x, 8);
      push(this.daySlots[how % 24]!, x, 28);
      this.load.add(x);
      this.observedHours++;
    }
    return events;
  }

  private score(how: number, x: number): { z: number; expected: number } | null {
    if (this.observedHours < this.options.learningDays * 24) return null;
    const week = this.weekSlots[how]!;
    const samples = week.length >= 4 ? week : this.daySlots[how % 24]!;
    if (samples.length < 4) return null;
    const m = median(samples);
    const sigma = robustSigma(samples) + this.options.floorKwh;
    return { z: (x - m) / sigma, expected: m };
  }

  private beatsHouseNormal(run: Run): boolean {
    const { historyDays, alarmsPer30Days, sensitivity } = this.options;
    const yearAgo = run.endMs - YEAR_DAYS * 86_400_000;
    while (this.pastRuns.length > 0 && this.pastRuns[0]!.endMs < yearAgo) this.pastRuns.shift();
    const rate = run.excessKwh / run.hours;
    // Runs are compared with the house's runs of a like rate only (within a factor of 2 in kWh per
    // hour): a mixture of load regimes. A house that runs a 10 kW process a few times a month (a
    // workshop machine, an electric car on an 11 kW charger) would otherwise set a bar that no 1–2 kW
    // appliance left on could ever pass, and those big runs are in turn judged against each other,
    // not against the small ones.
    const alike = this.pastRuns.filter((r) => Math.abs(Math.log(r.rate / rate)) < Math.LN2);
    const horizon = run.endMs - historyDays * 86_400_000;
    const past = alike.filter((r) => r.endMs >= horizon).map((r) => r.excessKwh);
    this.pastRuns.push({ endMs: run.endMs, excessKwh: run.excessKwh, rate });
    // Until a full history of runs exists the bar is unknown: stay quiet rather than guess.
    if (run.endMs - this.firstMs < (this.options.learningDays + historyDays) * 86_400_000) return false;
    const allowed = (alarmsPer30Days * sensitivity * historyDays) / 30;
    // Fewer past runs of this rate than the budget allows (a kind of run the house has not shown for
    // `historyDays`), or a kind it has shown once in a year (one run is no pattern yet: the second
    // of the house's loads of 10 kWh an hour is as news as the first), the z criteria alone decide.
    if (past.length <= allowed || alike.length <= 1) return true;
    return run.excessKwh > RUN_MARGIN * quantile(past, 1 - allowed / past.length);
  }

  private extendRun(startMs: number, x: number, expected: number, z: number): void {
    const run = this.run ?? {
      startMs,
      endMs: startMs,
      hours: 0,
      peakZ: 0,
      excessKwh: 0,
      expectedKwh: 0,
      observedKwh: 0,
    };
    run.endMs = startMs + 3_600_000;
    run.hours++;
    run.peakZ = Math.max(run.peakZ, z);
    run.excessKwh += x - expected;
    run.expectedKwh += expected;
    run.observedKwh += x;
    this.run = run;
  }

  private closeRun(): AnomalyEvent | null {
    const run = this.run;
    this.run = null;
    this.quietHours = 0;
    if (run === null) return null;
    if (run.hours < 2) return null;
    if (!this.beatsHouseNormal(run)) return null;
    // After the house-normal bar, so that an immaterial run still counts among the house's runs.
    if (!this.load.isMaterial(run.excessKwh)) return null;
    // A run of two hours is a spike that filled two hours (a 10 kW load for 90 minutes): called so,
    // as the house owner would, and as the one-hour spike detector calls its own.
    const spanHours = (run.endMs - run.startMs) / 3_600_000;
    const spike = spanHours <= 2;
    const what = spike
      ? `A spike over ${spanHours} hours`
      : `${run.hours} hours of unusually high consumption`;
    return {
      kind: spike ? "spike" : "unusual-consumption",
      startMs: run.startMs,
      endMs: run.endMs,
      expected: run.expectedKwh,
      observed: run.observedKwh,
      unit: "kWh",
      score: run.peakZ,
      message: `${what}: ${fmt(run.observedKwh)} kWh where ${fmt(run.expectedKwh)} kWh is usual for these hours of the week (${fmt(run.excessKwh)} kWh extra, robust z ${fmt(run.peakZ, 1)}).`,
    };
  }
}

function push(list: number[], value: number, capacity: number): void {
  list.push(value);
  if (list.length > capacity) list.shift();
}
