/**
 * A total register going backwards (meter swap, reset or mis-parse) is always reported at once:
 * Home Assistant's long-term statistics read a decrease of a `total_increasing` sensor as "the start
 * of a new meter cycle or the replacement of the meter" (sensor entity docs, state classes) and
 * would book the whole total again as consumption.
 */
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";

export class TotalBackwardsDetector implements HourDetector {
  private last = Number.NaN;

  /** @param resolutionKwh the register's last digit: smaller decreases are rounding noise. */
  constructor(private readonly resolutionKwh = 0.001) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    const register = hour.importRegisterKwh;
    if (register === undefined || Number.isNaN(register)) return [];
    const previous = this.last;
    this.last = register;
    if (Number.isNaN(previous) || register >= previous - this.resolutionKwh) return [];
    return [
      {
        kind: "total-backwards",
        startMs: hour.startMs,
        endMs: hour.startMs + 3_600_000,
        expected: previous,
        observed: register,
        unit: "kWh",
        score: (previous - register) / this.resolutionKwh,
        message: `The import total went backwards from ${fmt(previous, 3)} kWh to ${fmt(register, 3)} kWh (meter swap, reset or a misread register).`,
      },
    ];
  }
}
