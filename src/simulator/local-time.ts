/**
 * The meter's wall clock. E450s put local time in their pushes: no deviation (0x8000) and the clock's
 * invalid bit set, in every E450 capture (tests/fixtures/real-frames), so readers take it in the zone
 * they are told — e450 in the host's. A served virtual meter (server.ts) therefore keeps the zone of
 * the host it runs on, as a real one keeps the household's: on a host in UTC, a meter on Central
 * European Time is read an hour off (two in summer).
 *
 * Central European Time with EU summer time, where Swiss and Austrian E450s run, is computed here
 * without Intl so that tests stated in it are deterministic on any host time zone database; any other
 * zone goes through the project's zoned calendar (time/zoned.ts).
 */
import { ZonedCalendar } from "../time/zoned.js";

export interface LocalDateTime {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number; // 1–31
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export interface MeterClockReading {
  readonly local: LocalDateTime;
  /** Summer time (CEST) is in force. */
  readonly summerTime: boolean;
  /** ISO weekday, 1 = Monday … 7 = Sunday (COSEM date-time weekday, Blue Book §4.1.6.1). */
  readonly weekday: number;
}

/** What a meter's clock shows at an instant. */
export type MeterClock = (epochMs: number) => MeterClockReading;

const HOUR_MS = 3_600_000;
/** The E450's home zones, on the EU summer-time rule since 1996, computed without Intl. */
const CENTRAL_EUROPEAN_ZONES = new Set(["Europe/Zurich", "Europe/Vienna"]);

/** EU rule (Directive 2000/84/EC): summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
export function isCentralEuropeanSummerTime(epochMs: number): boolean {
  const year = new Date(epochMs).getUTCFullYear();
  return epochMs >= lastSundayOneUtc(year, 2) && epochMs < lastSundayOneUtc(year, 9);
}

function lastSundayOneUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0, 1));
  return lastDay.getTime() - lastDay.getUTCDay() * 24 * HOUR_MS;
}

export function centralEuropeanTime(epochMs: number): MeterClockReading {
  const summerTime = isCentralEuropeanSummerTime(epochMs);
  const shifted = new Date(epochMs + (summerTime ? 2 : 1) * HOUR_MS);
  return {
    local: {
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
      hour: shifted.getUTCHours(),
      minute: shifted.getUTCMinutes(),
      second: shifted.getUTCSeconds(),
    },
    summerTime,
    weekday: ((shifted.getUTCDay() + 6) % 7) + 1,
  };
}

/** The epoch instant of a local CET/CEST wall-clock time (for tests and fixtures stated in local time). */
export function fromCentralEuropeanTime(local: LocalDateTime): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const winterGuess = asUtc - HOUR_MS;
  return isCentralEuropeanSummerTime(winterGuess - HOUR_MS) ? winterGuess - HOUR_MS : winterGuess;
}

/** "2026-05-04T11:39:21", the ISO 8601 local form the decoder reports. */
export function formatLocalIso(local: LocalDateTime): string {
  const two = (value: number) => String(value).padStart(2, "0");
  return `${String(local.year).padStart(4, "0")}-${two(local.month)}-${two(local.day)}T${two(local.hour)}:${two(local.minute)}:${two(local.second)}`;
}

/** Local hour of day as a fraction (13.5 = 13:30), for day curves. */
export function hourOfDay(local: LocalDateTime): number {
  return local.hour + local.minute / 60 + local.second / 3600;
}

/**
 * The clock of a meter kept in `timeZone` (an IANA name; throws RangeError for an unknown one).
 * Summer time is an offset above the year's standard one, which also holds south of the equator.
 */
export function meterClockIn(timeZone: string): MeterClock {
  if (CENTRAL_EUROPEAN_ZONES.has(timeZone)) return centralEuropeanTime;
  const calendar = new ZonedCalendar(timeZone);
  return (epochMs) => {
    const { isoWeekday, ...local } = calendar.parts(epochMs);
    const year = new Date(epochMs).getUTCFullYear();
    const standard = Math.min(
      calendar.offsetMs(Date.UTC(year, 0, 1)),
      calendar.offsetMs(Date.UTC(year, 6, 1)),
    );
    return { local, summerTime: calendar.offsetMs(epochMs) > standard, weekday: isoWeekday };
  };
}
