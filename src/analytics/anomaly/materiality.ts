/**
 * An alarm is about energy that matters. A run of unusual hours, or an unusual night, alarms only
 * when its energy beyond what is usual reaches `MIN_EXCESS_MEAN_HOURS` hours of the house's mean
 * load over the last four weeks, so the bar scales with the house (a flat, a family home, a house
 * with a heat pump). Small lifts over a near-zero normal are real but not worth a notification: in
 * a house averaging 0.4 kW (3,500 kWh a year, an ordinary home without electric heating), two hours
 * 0.3 kWh above PV-covered midday hours, or one night at 310 W instead of 160 W, come to well under
 * one kWh, two hours of its mean load. An appliance left on, 1 kW for 3 h, is 3 kWh: at least three
 * hours of the mean load of any house averaging up to 1 kW (8,800 kWh a year).
 */

export const MIN_EXCESS_MEAN_HOURS = 3;

/** Mean of the last `capacity` hourly values with data, in O(1) per hour. */
export class RollingMean {
  private readonly values: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;

  constructor(capacity = 28 * 24) {
    this.values = new Float64Array(capacity);
  }

  add(value: number): void {
    if (Number.isNaN(value)) return;
    if (this.count === this.values.length) this.sum -= this.values[this.next]!;
    else this.count++;
    this.values[this.next] = value;
    this.sum += value;
    this.next = (this.next + 1) % this.values.length;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** Whether `excessKwh` reaches `MIN_EXCESS_MEAN_HOURS` hours of the mean. */
  isMaterial(excessKwh: number): boolean {
    return excessKwh >= MIN_EXCESS_MEAN_HOURS * this.mean;
  }
}
