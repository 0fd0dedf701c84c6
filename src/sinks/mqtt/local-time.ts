/**
 * E450 clocks (0-0:1.0.0 and the push header date-time) arrive as local wall time without an offset,
 * but Home Assistant's `timestamp` device class needs an offset-aware ISO 8601 string (sensor docs:
 * "timestamp: ISO 8601 with timezone"). The offset comes from the configured IANA time zone, through
 * the project's one zoned calendar (time/zoned.ts).
 */
import { ZonedCalendar } from "../../time/zoned.js";

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

const calendars = new Map<string, ZonedCalendar>();

function calendarFor(timeZone: string): ZonedCalendar {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    calendar = new ZonedCalendar(timeZone);
    calendars.set(timeZone, calendar);
  }
  return calendar;
}

/**
 * "2026-01-15T08:30:00" in Europe/Vienna → "2026-01-15T08:30:00+01:00"; null when the text is not a
 * local date-time. A wall time that occurs twice (the autumn DST change) resolves to the later, standard
 * time occurrence; one that does not exist (the spring gap) moves forward by the gap, as a clock set to it would.
 */
export function localToOffsetIso(local: string, timeZone: string): string | null {
  const match = LOCAL_PATTERN.exec(local.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "0", millis] = match;
  const wallMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (Number.isNaN(wallMs)) return null;
  const calendar = calendarFor(timeZone);
  const iso = calendar.formatIso(calendar.toUtc(wallMs, "later"));
  // formatIso gives whole seconds; keep the meter's fraction where it sent one.
  return millis === undefined ? iso : `${iso.slice(0, 19)}.${millis.padEnd(3, "0")}${iso.slice(19)}`;
}

/** An instant as ISO 8601 with the zone's offset then, e.g. "2026-03-29T03:00:00+02:00". */
export function utcToOffsetIso(utcMs: number, timeZone: string): string {
  return calendarFor(timeZone).formatIso(utcMs);
}
