/**
 * When a push was measured. Intervals are attributed to the meter's own clock: the grid operator
 * keeps the E450's clock synchronised, and a replay or a fast simulator carries its own time, which
 * the receive time would smear. The receive time stands in only for a meter that sends no clock or
 * an impossible one; once a meter has shown a clock, its pushes without one are left out rather
 * than mixed in (the two clocks may be minutes apart, and mixing them would move energy between
 * intervals).
 */
import { localWallMs } from "../meter/meter-clock.js";
import type { ZonedCalendar } from "../time/zoned.js";

/** A meter clock before this is a clock that was never set (COSEM date-time "not specified" fields). */
const EARLIEST_PLAUSIBLE_MS = Date.UTC(2010, 0, 1);
/** Nor one far in the future of the host (an RTC that lost its battery reads 2099, 2165 …). */
const MAX_AHEAD_OF_HOST_MS = 366 * 86_400_000;

export type DataTime =
  | { readonly kind: "meter"; readonly ms: number }
  | { readonly kind: "received"; readonly ms: number }
  /** The meter has a clock but this push carries none (or a broken one): not attributable. */
  | { readonly kind: "skip" };

export class DataClock {
  private meterHasClock = false;

  /** `zone` is the meter's: the grid's local time, which is the host's for a meter in the house. */
  constructor(private readonly zone: ZonedCalendar) {}

  /**
   * @param lastMs the previous attributed time, to resolve the repeated hour at the end of summer
   *   time (a local time without the meter's DST flag names two instants: take the one not before it).
   */
  timeOf(meterTime: string | null, receivedAt: number, lastMs: number | null): DataTime {
    const wall = meterTime === null ? null : localWallMs(meterTime);
    const ms = wall === null ? null : this.instantOf(wall, lastMs);
    if (ms !== null && ms >= EARLIEST_PLAUSIBLE_MS && ms - receivedAt <= MAX_AHEAD_OF_HOST_MS) {
      this.meterHasClock = true;
      return { kind: "meter", ms };
    }
    return this.meterHasClock ? { kind: "skip" } : { kind: "received", ms: receivedAt };
  }

  private instantOf(wall: number, lastMs: number | null): number {
    const earlier = this.zone.toUtc(wall, "earlier");
    const later = this.zone.toUtc(wall, "later");
    return lastMs !== null && earlier < lastMs && later >= lastMs ? later : earlier;
  }
}
