/**
 * Time elapsed on the meter's own clock, for the integrity guard when the host clock cannot say: the
 * host clock is behind the time the last good totals were stored (corrected after an NTP failure, a
 * Raspberry Pi without a real-time clock booting with an old time, a restored backup).
 *
 * Snapshot.meterTime is the meter's local date-time without offset (COSEM date-time, Blue Book
 * §4.1.6.1, read as local time; IEC 62056-21 readouts 0.9.1/0.9.2). Two of them are subtracted as if
 * both were UTC: the zone cancels out, except across a daylight-saving change. The EU rule
 * (Directive 2000/84/EC, Art. 2 and 3: summer time from 01:00 UTC on the last Sunday of March to 01:00
 * UTC on the last Sunday of October; Switzerland and the EEA follow it) makes a local difference
 * across the October night an hour shorter than the time that really passed, so such a span gets an
 * hour of allowance; across the March night it is an hour longer, which only widens the bound.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** A local date-time as milliseconds on a zone-less time line; null when it is not one. */
export function localWallMs(local: string): number | null {
  const match = LOCAL_DATE_TIME.exec(local);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  // Date.UTC rolls 31 April over into May; a date that does not round-trip is not a date.
  return new Date(ms).getUTCDate() === day ? ms : null;
}

export function isLocalDateTime(text: string): boolean {
  return localWallMs(text) !== null;
}

/** The local day on which summer time ends in `year`: the last Sunday of October. */
function summerTimeEnds(year: number): number {
  const lastOfOctober = Date.UTC(year, 9, 31);
  return lastOfOctober - new Date(lastOfOctober).getUTCDay() * DAY_MS;
}

function spansSummerTimeEnd(from: number, to: number): boolean {
  const first = new Date(from).getUTCFullYear();
  const last = new Date(to).getUTCFullYear();
  for (let year = first; year <= last; year++) {
    const day = summerTimeEnds(year);
    if (from < day + DAY_MS && to >= day) return true;
  }
  return false;
}

/**
 * The most time that can have passed between two readings by the meter's clock, in ms; null when
 * either has no clock, or the clock did not move forward (a meter clock that was reset or set back
 * says nothing about the time that passed).
 */
export function meterClockElapsedMs(from: string | null | undefined, to: string | null): number | null {
  if (!from || !to) return null;
  const start = localWallMs(from);
  const end = localWallMs(to);
  if (start === null || end === null || end < start) return null;
  return end - start + (spansSummerTimeEnd(start, end) ? HOUR_MS : 0);
}
