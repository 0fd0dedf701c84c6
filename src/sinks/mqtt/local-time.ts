/**
 * E450 clocks (0-0:1.0.0 and the push header date-time) arrive as local wall time without an offset,
 * but Home Assistant's `timestamp` device class needs an offset-aware ISO 8601 string (sensor docs:
 * "timestamp: ISO 8601 with timezone"). The offset comes from the configured IANA time zone.
 */
const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Minutes east of UTC that `timeZone` observes at the instant `utcMs`. */
export function offsetMinutesAt(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(utcMs)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts["year"] ?? 0,
    (parts["month"] ?? 1) - 1,
    parts["day"] ?? 1,
    parts["hour"] ?? 0,
    parts["minute"] ?? 0,
    parts["second"] ?? 0,
  );
  const wholeSecond = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return Math.round((wall - wholeSecond) / 60_000);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const magnitude = Math.abs(minutes);
  return `${sign}${pad(Math.floor(magnitude / 60))}:${pad(magnitude % 60)}`;
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
  const fraction = millis === undefined ? 0 : Number(millis.padEnd(3, "0"));
  const wallAsUtc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    fraction,
  );
  if (Number.isNaN(wallAsUtc)) return null;
  const firstGuess = wallAsUtc - offsetMinutesAt(wallAsUtc, timeZone) * 60_000;
  const offset = offsetMinutesAt(firstGuess, timeZone);
  const instant = wallAsUtc - offset * 60_000;
  const finalOffset = offsetMinutesAt(instant, timeZone);
  const wall = new Date(instant + finalOffset * 60_000);
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  const ms = millis === undefined ? "" : `.${pad(wall.getUTCMilliseconds(), 3)}`;
  return `${date}T${time}${ms}${formatOffset(finalOffset)}`;
}

/** The host's zone (the Supervisor passes TZ into the add-on container). */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
