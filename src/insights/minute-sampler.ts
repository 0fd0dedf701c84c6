/**
 * Fast values (power, voltage, current) down-sampled to one minute: minimum, mean and maximum of
 * the pushes in it. At a push every 5 seconds that is 12 rows fewer per value and minute, and the
 * extremes a chart needs (a kettle's peak, a voltage dip) survive, which a mean alone would lose.
 */
import { toNumber } from "../model/exact-number.js";
import type { Reading } from "../model/snapshot.js";
import { toBaseUnit } from "../model/units.js";
import { registerInfoFor } from "../obis/registry.js";
import type { MinuteSample } from "../store/types.js";

const MINUTE_MS = 60_000;
const SAMPLED_KINDS: ReadonlySet<string> = new Set(["power", "voltage", "current"]);
/** The unit each kind is stored in. */
const UNIT_OF: Readonly<Record<string, string>> = { power: "W", voltage: "V", current: "A" };

interface Accumulator {
  min: number;
  max: number;
  sum: number;
  count: number;
}

export class MinuteSampler {
  private minuteMs: number | null = null;
  private readonly values = new Map<string, Accumulator>();

  /** Takes one push at `timeMs`; returns the samples of the minute it closed, if any. */
  add(timeMs: number, readings: readonly Reading[]): MinuteSample[] {
    const minute = Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
    const closed = this.minuteMs !== null && minute > this.minuteMs ? this.flush() : [];
    if (this.minuteMs === null || minute > this.minuteMs) this.minuteMs = minute;
    else if (minute < this.minuteMs) return closed;
    for (const reading of readings) {
      const sample = sampleOf(reading);
      if (!sample) continue;
      const acc = this.values.get(sample.quantity);
      if (acc) {
        acc.min = Math.min(acc.min, sample.value);
        acc.max = Math.max(acc.max, sample.value);
        acc.sum += sample.value;
        acc.count++;
      } else
        this.values.set(sample.quantity, {
          min: sample.value,
          max: sample.value,
          sum: sample.value,
          count: 1,
        });
    }
    return closed;
  }

  /** The minute in progress, closed as it is (at stop). */
  flush(): MinuteSample[] {
    const minuteMs = this.minuteMs;
    if (minuteMs === null) return [];
    const out = [...this.values].map(([quantity, acc]) => ({
      minuteMs,
      quantity,
      min: acc.min,
      mean: acc.sum / acc.count,
      max: acc.max,
      count: acc.count,
    }));
    this.values.clear();
    return out;
  }
}

function sampleOf(reading: Reading): { quantity: string; value: number } | null {
  const info = registerInfoFor(reading.obis);
  if (!info || !SAMPLED_KINDS.has(info.kind) || reading.value.kind !== "number") return null;
  const unit = reading.value.unit ?? info.unit;
  const quantity = unit === null ? null : toBaseUnit(reading.value.exact, unit);
  if (!quantity || quantity.unit !== UNIT_OF[info.kind]) return null;
  return { quantity: info.key, value: toNumber(quantity.exact) };
}
