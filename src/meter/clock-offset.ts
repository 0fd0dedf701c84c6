/**
 * How far the meter's clock is from the host's. The grid operator keeps the E450's clock set, and
 * the analytics place energy on it (insights/data-time.ts), so minutes of difference mean the host
 * clock is wrong (no NTP) or the meter's zone is not the host's: said in a log line, and shown in
 * the diagnostics. Seconds are normal: a push is sent a little after its time stamp.
 */
import { localWallMs } from "./meter-clock.js";
import type { ZonedCalendar } from "../time/zoned.js";

/** Beyond this the difference is worth a warning (two minutes: more than any push delay). */
export const CLOCK_OFFSET_WARNING_S = 120;

/** Meter time − receive time in whole seconds; null without a usable meter clock. */
export function clockOffsetSeconds(
  meterTime: string | null,
  receivedAt: number,
  zone: ZonedCalendar,
): number | null {
  const wall = meterTime === null ? null : localWallMs(meterTime);
  return wall === null ? null : Math.round((zone.toUtc(wall) - receivedAt) / 1000);
}
