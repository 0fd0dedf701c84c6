/**
 * Suspicious night consumption: the energy of 00:00–05:00 against the house's own recent nights.
 * At night a house is asleep and its load is the base load plus what runs on timers, so a 1–2 kW
 * load left on (a heater, a dryer, a pump stuck on) stands out there as it never can in the
 * evening, when cooking, laundry and the heating make runs of that size every day (the hour-of-week
 * detector, whose bar is set by the house's daytime and evening runs too, misses most of them).
 *
 * A per-weekday rule (above the 95th percentile of the same weekday's night over 8 weeks, and above
 * 1.5 × the base) fails on small samples: with 8 same-weekday nights a p95 is their maximum, which
 * one night in nine tops by chance: some three alarms a month. So nights are pooled over the
 * 8 weeks (a household's nights do not follow the weekday: weekly routines such as work, school and
 * laundry fill the day and the evening), the bar is their maximum times a margin, and the night must
 * also reach 1.5 × the median night.
 *
 * A night is scored by its median hour, not its total: a load left on lifts most hours of the night,
 * one appliance cycle (a dishwasher on a timer, 1–2 kWh in an hour or two) lifts the total but not
 * the median hour, and is the hour-of-week and spike detectors' to judge. (By the mean hour, one
 * timer-started dishwasher cycle would more than double an ordinary night of 0.8 kWh, five hours
 * at 160 W, and alarm.) Alarms also pass the materiality rule (materiality.ts) on the lift of the
 * typical hour over the whole night.
 */
import { RollingMean } from "./materiality.js";
import { median } from "./robust.js";
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export interface NightOptions {
  /**
   * First and last-plus-one local hour of the night: 00–05 h, after the evening's cooking, washing
   * and television and before early risers and the heating's morning start.
   */
  readonly fromHour: number;
  readonly toHour: number;
  /** Nights behind the bar: 8 weeks, enough for a meaningful maximum, short enough to follow the season. */
  readonly historyNights: number;
  /** Nights seen before any alarm (the learning period). */
  readonly minNights: number;
  /**
   * The night must beat the largest of the recent nights by this factor. The maximum of 56 nights
   * is topped by chance once in 57 nights (0.5 alarms a month); the margin keeps that for nights
   * clearly beyond anything the house did in two months.
   */
  readonly margin: number;
  /**
   * …and reach this multiple of the median night: in a very steady house the largest of 56 nights is
   * barely above the median, and a quarter above it is still standby drift; half the usual night
   * again on top is a load that was not there before.
   */
  readonly baseFactor: number;
}

const DEFAULT_NIGHT: NightOptions = {
  fromHour: 0,
  toHour: 5,
  historyNights: 56,
  minNights: 28,
  margin: 1.25,
  baseFactor: 1.5,
};

export class NightConsumptionDetector implements HourDetector {
  /** The median hour (kWh) of past complete nights, oldest first. */
  private readonly nights: number[] = [];
  private day = Number.NaN;
  private startMs = Number.NaN;
  /** Tonight's hours with data so far. */
  private tonight: number[] = [];
  private readonly load = new RollingMean();

  constructor(
    private readonly localHour: (ms: number) => number,
    private readonly dayStart: (ms: number) => number,
    private readonly options: NightOptions = DEFAULT_NIGHT,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const { fromHour, toHour } = this.options;
    const day = this.dayStart(hour.startMs);
    if (day !== this.day) {
      this.day = day;
      this.startMs = Number.NaN;
      this.tonight = [];
    }
    this.load.add(hour.importKwh);
    const h = this.localHour(hour.startMs);
    if (h < fromHour || h >= toHour) return [];
    if (Number.isNaN(this.startMs)) this.startMs = hour.startMs;
    if (!Number.isNaN(hour.importKwh)) this.tonight.push(hour.importKwh);
    if (h !== toHour - 1) return [];
    // A night missing more than one hour says nothing (one may be the hour lost to DST).
    if (this.tonight.length < toHour - fromHour - 1) return [];
    const typical = median(this.tonight);
    const event = this.judge(hour.startMs + 3_600_000, typical);
    this.nights.push(typical);
    if (this.nights.length > this.options.historyNights) this.nights.shift();
    return event ? [event] : [];
  }

  private judge(endMs: number, typicalKwh: number): AnomalyEvent | null {
    const { margin, baseFactor, minNights, fromHour, toHour } = this.options;
    if (this.nights.length < minNights) return null;
    const usual = median(this.nights);
    const highest = Math.max(...this.nights);
    const bar = Math.max(margin * highest, baseFactor * usual);
    if (typicalKwh <= bar) return null;
    // The lift of the typical hour over the whole night, as energy.
    if (!this.load.isMaterial((typicalKwh - usual) * (toHour - fromHour))) return null;
    const total = this.tonight.reduce((a, b) => a + b, 0);
    return {
      kind: "unusual-consumption",
      startMs: this.startMs,
      endMs,
      expected: usual,
      observed: typicalKwh,
      unit: "kWh",
      score: typicalKwh / bar,
      message: `Unusual night consumption: the middle hour between ${fromHour}:00 and ${toHour}:00 drew ${fmt(typicalKwh)} kWh (${fmt(total)} kWh in all) where it drew ${fmt(usual)} kWh in the median night of the last ${this.nights.length} and ${fmt(highest)} kWh at most.`,
    };
  }
}
