/**
 * Data stall: (a) no data for more than `maxMissingHours` (three expected periods at hourly
 * resolution: one or two lost hours are an ordinary gateway or network hiccup, three in a row an
 * outage worth knowing about); (b) an import register that stays flat for longer than the house's
 * own history makes plausible: the product over the flat hours of each hour of day's own rate of
 * zero hours falls below 1e-3, a run that would occur by chance less than once in a thousand. Both
 * are facts about the data, reported once per episode with its full extent.
 */
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface StallOptions {
  readonly maxMissingHours: number;
  readonly flatProbability: number;
  readonly minHistoryHours: number;
  readonly minFlatHours: number;
}

const DEFAULT_STALL: StallOptions = {
  maxMissingHours: 3,
  flatProbability: 1e-3,
  minHistoryHours: 7 * 24,
  minFlatHours: 3,
};

const FORGET = 27 / 28;

export class DataStallDetector implements HourDetector {
  private missingSince = Number.NaN;
  private flatSince = Number.NaN;
  private flatHours = 0;
  private flatReported = false;
  private readonly zerosByHour = new Float64Array(24);
  private readonly seenByHour = new Float64Array(24);
  private runProbability = 1;
  private seenHours = 0;

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly options: StallOptions = DEFAULT_STALL,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const events: AnomalyEvent[] = [];
    const x = hour.importKwh;
    if (Number.isNaN(x)) {
      if (Number.isNaN(this.missingSince)) this.missingSince = hour.startMs;
      return events;
    }
    if (!Number.isNaN(this.missingSince)) {
      const hours = (hour.startMs - this.missingSince) / 3_600_000;
      if (hours > this.options.maxMissingHours)
        events.push(this.gapEvent(this.missingSince, hour.startMs, hours));
      this.missingSince = Number.NaN;
    }
    // A PV house's import register is flat while it exports: that is not a stall.
    const flat = x === 0 && !((hour.exportKwh ?? 0) > 0);
    const hourOfDay = this.localHour(hour.startMs);
    const flatEvent = this.trackFlat(hour.startMs, flat, hourOfDay);
    if (flatEvent) events.push(flatEvent);
    this.seenHours++;
    // Exponential forgetting (~28 days per hour of day) lets the zero-rate follow the seasons.
    this.zerosByHour[hourOfDay] = this.zerosByHour[hourOfDay]! * FORGET + (flat ? 1 : 0);
    this.seenByHour[hourOfDay] = this.seenByHour[hourOfDay]! * FORGET + 1;
    return events;
  }

  private trackFlat(startMs: number, flat: boolean, hourOfDay: number): AnomalyEvent | null {
    if (!flat) {
      this.flatHours = 0;
      this.runProbability = 1;
      this.flatReported = false;
      return null;
    }
    if (this.flatHours === 0) this.flatSince = startMs;
    this.flatHours++;
    // +1 smoothing: an hour of day that never showed a zero still gets a finite probability.
    this.runProbability *= (this.zerosByHour[hourOfDay]! + 1) / (this.seenByHour[hourOfDay]! + 2);
    if (this.flatReported || this.seenHours < this.options.minHistoryHours) return null;
    if (this.flatHours < this.options.minFlatHours || this.runProbability >= this.options.flatProbability)
      return null;
    this.flatReported = true;
    const pZero = this.runProbability ** (1 / this.flatHours);
    return {
      kind: "data-stall",
      startMs: this.flatSince,
      endMs: startMs + 3_600_000,
      expected: 0,
      observed: this.flatHours,
      unit: "h",
      score: Math.log10(1 / this.runProbability),
      message: `The import register has not moved for ${this.flatHours} hours; at these hours of the day this house shows a zero hour with probability ${fmt(pZero, 4)}.`,
    };
  }

  private gapEvent(startMs: number, endMs: number, hours: number): AnomalyEvent {
    return {
      kind: "data-stall",
      startMs,
      endMs,
      expected: 1,
      observed: hours,
      unit: "h",
      score: hours / this.options.maxMissingHours,
      message: `No data arrived for ${fmt(hours, 0)} hours.`,
    };
  }
}
