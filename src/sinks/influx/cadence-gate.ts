/**
 * Down-sampling of a meter's fast values: a push's rows of one cadence are written when at least the
 * cadence's interval has passed on the data's own clock since the last written push. The data clock
 * (the meter's) rather than the host's, so that a replay or a simulator pushing at speed is thinned
 * the same way a live meter is. A clock that went back (a meter set back, a DST hour resolved late)
 * starts the cadence afresh rather than writing nothing for an hour.
 */
import type { Cadence } from "./schema.js";

export class CadenceGate {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs: Readonly<Record<Cadence, number>>) {}

  /** Whether `meter`'s rows of this cadence at `timeMs` are written; records them when they are. */
  admit(meter: string, cadence: Cadence, timeMs: number): boolean {
    const key = `${meter}\u0000${cadence}`;
    const last = this.last.get(key);
    const interval = this.intervalMs[cadence];
    if (last !== undefined && timeMs >= last && timeMs - last < interval) return false;
    this.last.set(key, timeMs);
    return true;
  }
}
