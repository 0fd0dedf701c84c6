/**
 * Data stall: no data for more than `maxMissingHours` (three expected periods at hourly resolution:
 * one or two lost hours are an ordinary gateway or network hiccup, three in a row an outage worth
 * knowing about). Only missing data is a stall; a meter that reports zero import is measuring, and
 * whether its zeros are normal for the house is the zero-import detector's question (zero-import.ts).
 * Reported once per gap, with its full extent, when data flows again (live, a silent meter opens a
 * stall earlier: insights/anomaly-tracker.ts).
 */
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface StallOptions {
  readonly maxMissingHours: number;
}

const DEFAULT_STALL: StallOptions = { maxMissingHours: 3 };

export class DataStallDetector implements HourDetector {
  private missingSince = Number.NaN;

  constructor(private readonly options: StallOptions = DEFAULT_STALL) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    if (Number.isNaN(hour.importKwh)) {
      if (Number.isNaN(this.missingSince)) this.missingSince = hour.startMs;
      return [];
    }
    if (Number.isNaN(this.missingSince)) return [];
    const startMs = this.missingSince;
    this.missingSince = Number.NaN;
    const hours = (hour.startMs - startMs) / 3_600_000;
    if (hours <= this.options.maxMissingHours) return [];
    return [
      {
        kind: "data-stall",
        startMs,
        endMs: hour.startMs,
        expected: 1,
        observed: hours,
        unit: "h",
        score: hours / this.options.maxMissingHours,
        message: `No data arrived for ${fmt(hours, 0)} hours.`,
      },
    ];
  }
}
