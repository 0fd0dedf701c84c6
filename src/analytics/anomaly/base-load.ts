/**
 * A durable rise or fall of the base load (standby, night minimum), by a two-sided CUSUM on the
 * daily base against its own trailing median (forecast-anomaly.md §3.2: base = 10th percentile of
 * 01:00–05:00, reference = median of the trailing 28 days, σ = 1.4826 · MAD, k = 0.5σ, h = 5σ).
 * After an alarm the reference restarts from the onset, so a new normal is learned, not re-reported.
 */
import { median, robustSigma } from "./robust.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface BaseLoadOptions {
  readonly referenceDays: number;
  readonly minReferenceDays: number;
  /**
   * Floor for σ, in kW and as a share of the reference: night minima are so steady that a MAD-based
   * σ of a few watts would turn ordinary 20–40 W seasonal drifts into alarms (seen on every bench file).
   */
  readonly sigmaFloorKw: number;
  readonly sigmaFloorShare: number;
  readonly k: number;
  readonly h: number;
  /** Nights since the onset before an alarm, and the shift their median must show, in σ. */
  readonly minDays: number;
  readonly minShiftSigmas: number;
}

export const DEFAULT_BASE_LOAD: BaseLoadOptions = {
  referenceDays: 28,
  minReferenceDays: 10,
  sigmaFloorKw: 0.03,
  sigmaFloorShare: 0.1,
  k: 0.5,
  h: 5,
  minDays: 3,
  minShiftSigmas: 2,
};

interface DayBase {
  readonly dayStartMs: number;
  readonly kw: number;
}

export class BaseLoadDetector implements HourDetector {
  private readonly bases: DayBase[] = [];
  private night: number[] = [];
  private currentDay = Number.NaN;
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
    const day = this.dayStart(hour.startMs);
    const events: AnomalyEvent[] = [];
    if (day !== this.currentDay) {
      if (!Number.isNaN(this.currentDay)) {
        const event = this.closeDay(this.currentDay, day);
        if (event) events.push(event);
      }
      this.currentDay = day;
      this.night = [];
    }
    const h = this.localHour(hour.startMs);
    if (h >= 1 && h < 5 && !Number.isNaN(hour.importKwh)) this.night.push(hour.importKwh);
    return events;
  }

  private closeDay(dayStartMs: number, nextDayMs: number): AnomalyEvent | null {
    if (this.night.length < 3) return null; // a night with gaps says nothing about the base
    const sorted = this.night.slice().sort((a, b) => a - b);
    const kw = sorted[Math.floor(0.1 * (sorted.length - 1))]!; // kWh per hour = mean kW
    const reference = this.bases.slice(-this.options.referenceDays).map((b) => b.kw);
    this.bases.push({ dayStartMs, kw });
    if (reference.length < this.options.minReferenceDays) return null;
    const ref = median(reference);
    const sigma = Math.max(
      robustSigma(reference, ref),
      this.options.sigmaFloorKw,
      this.options.sigmaFloorShare * ref,
    );
    const x = (kw - ref) / sigma;
    if (this.up === 0) this.upOnset = dayStartMs;
    if (this.down === 0) this.downOnset = dayStartMs;
    this.up = Math.max(0, this.up + x - this.options.k);
    this.down = Math.max(0, this.down - x - this.options.k);
    const rising = this.up > this.options.h;
    if (!rising && this.down <= this.options.h) return null;
    const onset = rising ? this.upOnset : this.downOnset;
    const score = rising ? this.up : this.down;
    const since = this.bases.filter((b) => b.dayStartMs >= onset).map((b) => b.kw);
    const recent = median(since);
    // Durable means most nights since the onset: one night with the heating on is no new base load.
    if (since.length < this.options.minDays || Math.abs(recent - ref) < this.options.minShiftSigmas * sigma) {
      return null;
    }
    // Restart: the days since the onset become the new reference.
    this.bases.splice(
      0,
      this.bases.findIndex((b) => b.dayStartMs >= onset),
    );
    this.up = 0;
    this.down = 0;
    return {
      kind: "base-load-shift",
      startMs: onset,
      endMs: nextDayMs,
      expected: ref,
      observed: recent,
      unit: "kW",
      score,
      message: `The base load (night minimum) ${rising ? "rose" : "fell"} from ${fmt(ref * 1000, 0)} W to ${fmt(recent * 1000, 0)} W and has stayed there since ${new Date(onset).toISOString().slice(0, 10)} (CUSUM ${fmt(score, 1)} σ).`,
    };
  }
}
