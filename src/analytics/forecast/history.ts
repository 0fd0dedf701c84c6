/**
 * A bounded window of recent hourly energy, addressed by instant. Forecasters and detectors read
 * "the same local hour d days earlier" through `sameLocalHour`, which follows the wall clock across
 * DST changes (the hour before 23:00 on a 25-hour day is still 22:00 local).
 */
import { DAY_MS, HOUR_MS, type ZonedCalendar } from "../../time/zoned.js";

export class HourlyHistory {
  private readonly values: Float64Array;
  private firstMs = Number.NaN;
  /** End of the newest observed hour (exclusive); NaN before the first observation. */
  private endMs = Number.NaN;

  constructor(
    readonly calendar: ZonedCalendar,
    readonly capacityHours: number,
  ) {
    this.values = new Float64Array(capacityHours).fill(Number.NaN);
  }

  get latestEndMs(): number {
    return this.endMs;
  }

  get earliestMs(): number {
    return this.firstMs;
  }

  /** Hours must arrive in order; skipped hours are recorded as missing. */
  push(hourStartMs: number, kwh: number): void {
    if (Number.isNaN(this.firstMs)) {
      this.firstMs = hourStartMs;
      this.endMs = hourStartMs;
    }
    if (hourStartMs < this.endMs) throw new RangeError("hours must be pushed in time order");
    const gapHours = Math.min((hourStartMs - this.endMs) / HOUR_MS, this.capacityHours);
    for (let k = 0; k < gapHours; k++) this.set(hourStartMs - (k + 1) * HOUR_MS, Number.NaN);
    this.set(hourStartMs, kwh);
    this.endMs = hourStartMs + HOUR_MS;
  }

  /** Energy of the hour starting at `hourStartMs`, or NaN when unknown or out of the window. */
  at(hourStartMs: number): number {
    if (!(hourStartMs >= this.firstMs && hourStartMs < this.endMs)) return Number.NaN;
    if (this.endMs - hourStartMs > this.capacityHours * HOUR_MS) return Number.NaN;
    return this.values[this.slot(hourStartMs)]!;
  }

  /** The start of the same local hour `days` days before `hourStartMs`. */
  sameLocalHour(hourStartMs: number, days: number): number {
    const earlier = hourStartMs - days * DAY_MS;
    return earlier + (this.calendar.offsetMs(hourStartMs) - this.calendar.offsetMs(earlier));
  }

  private set(hourStartMs: number, kwh: number): void {
    this.values[this.slot(hourStartMs)] = kwh;
  }

  private slot(hourStartMs: number): number {
    const index = Math.floor(hourStartMs / HOUR_MS) % this.capacityHours;
    return index < 0 ? index + this.capacityHours : index;
  }
}
