/**
 * Timestamp parsing for meter exports: ISO 8601 with an offset (DSMR-reader), local ISO without one
 * (Ausgrid), Unix epoch seconds (SlimmeMeterPortal converter output), and the Austrian portals'
 * `dd.mm.yyyy HH:MM[:SS]`, either in one column (Netz NÖ, Energienetze Steiermark) or as a date
 * column followed by a time column (Wiener Netze's `Datum;Zeit von;…`).
 */
import type { ZonedCalendar } from "../../time/zoned.js";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** Day first, as the Austrian portals write it; never month first (that would read 03.04. as 4 March). */
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

export type ParsedTimestamp =
  | { readonly kind: "instant"; readonly utcMs: number }
  /** A local wall time (encoded as if UTC), still to be placed in a zone. */
  | { readonly kind: "wall"; readonly wallMs: number; readonly dateOnly?: true };

export function parseTimestamp(text: string): ParsedTimestamp | null {
  const s = text.trim();
  if (EPOCH.test(s)) {
    const n = Number(s);
    // 13 digits are epoch milliseconds; 9-11 digits are seconds (1973 … 5138).
    return { kind: "instant", utcMs: s.split(".")[0]!.length >= 13 ? n : Math.round(n * 1000) };
  }
  const dotted = DOTTED.exec(s);
  if (dotted) {
    const [, d, mo, y, hh, mi, ss] = dotted;
    const wallMs = wallTime(
      Number(y),
      Number(mo),
      Number(d),
      Number(hh ?? 0),
      Number(mi ?? 0),
      Number(ss ?? 0),
    );
    return wallMs === null ? null : wall(wallMs, hh === undefined);
  }
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const seconds = Number(ss ?? 0) + (frac ? Number(`0.${frac}`) : 0);
  const wallMs = wallTime(Number(y), Number(mo), Number(d), Number(hh ?? 0), Number(mi ?? 0), seconds);
  if (wallMs === null) return null;
  if (zone === undefined) return wall(wallMs, hh === undefined);
  if (zone.toUpperCase() === "Z") return { kind: "instant", utcMs: wallMs };
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return { kind: "instant", utcMs: wallMs - sign * offsetMin * 60_000 };
}

function wall(wallMs: number, dateOnly: boolean): ParsedTimestamp {
  return dateOnly ? { kind: "wall", wallMs, dateOnly } : { kind: "wall", wallMs };
}

/** `HH:MM` or `HH:MM:SS` as milliseconds after midnight; 24:00 is the end of the day. */
export function parseTimeOfDay(text: string): number | null {
  const m = TIME_OF_DAY.exec(text.trim());
  if (!m) return null;
  const [hh, mi, ss] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hh > 24 || mi > 59 || ss > 59 || (hh === 24 && mi + ss > 0)) return null;
  return ((hh * 60 + mi) * 60 + ss) * 1000;
}

/** A calendar date and time of day, checked (no 31 February), as a wall time encoded as if UTC. */
function wallTime(y: number, mo: number, d: number, hh: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  if (hh > 24 || mi > 59 || s >= 60) return null;
  return Date.UTC(y, mo - 1, d, hh, mi) + Math.round(s * 1000);
}

/** Which columns hold a row's time: one column, or a date column followed by a time-of-day column. */
export interface TimestampLayout {
  readonly column: number;
  readonly timeColumn: number | null;
}

/**
 * The layout of a data row whose timestamp (or date) stands in `column`, or null when that cell is no
 * timestamp. A date alone followed by a time of day is read as one local time: Wiener Netze's
 * `Datum;Zeit von;Zeit bis` rows take the first time after the date.
 */
export function timestampLayout(row: readonly string[], column: number): TimestampLayout | null {
  const parsed = parseTimestamp(row[column] ?? "");
  if (parsed === null) return null;
  const dateOnly = parsed.kind === "wall" && parsed.dateOnly === true;
  return {
    column,
    timeColumn: dateOnly && parseTimeOfDay(row[column + 1] ?? "") !== null ? column + 1 : null,
  };
}

export function rowTimestamp(row: readonly string[], layout: TimestampLayout): ParsedTimestamp | null {
  const parsed = parseTimestamp(row[layout.column] ?? "");
  if (parsed === null || layout.timeColumn === null) return parsed;
  const timeMs = parseTimeOfDay(row[layout.timeColumn] ?? "");
  if (parsed.kind !== "wall" || !parsed.dateOnly || timeMs === null) return null;
  return { kind: "wall", wallMs: parsed.wallMs + timeMs };
}

/** Whether a row's time labels the start or the end of the interval its value covers. */
export type TimestampAt = "start" | "end";

export type ResolvedTime = { readonly utcMs: number } | { readonly skipped: "nonexistent-local-time" };

/**
 * Places timestamps on the time line in file order. A local time repeated at the autumn change is
 * read as its first occurrence, then as the second once the first has been seen, so an export that
 * lists both copies of the repeated hour keeps both (Wiener Netze lists 02:00–02:45 twice; Netz NÖ's
 * end labels run 02:45, 02:00 … 02:45, 03:00).
 */
export class TimestampResolver {
  private lastUtc = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly calendar: ZonedCalendar,
    private readonly at: TimestampAt = "start",
  ) {}

  resolve(parsed: ParsedTimestamp): ResolvedTime {
    if (parsed.kind === "instant") return this.accept(parsed.utcMs);
    const earlier = this.calendar.toUtc(parsed.wallMs, "earlier");
    if (this.calendar.toWall(earlier) !== parsed.wallMs) {
      // In a spring-forward gap. No interval starts there (Ausgrid fills it with zeros), but the first
      // instant of the gap, 02:00 in Europe, is where the last interval before the change ends: as an
      // end label it is the moment of the change, which toUtc resolves forward to.
      if (this.at === "end" && this.existsAsWallTime(parsed.wallMs - 1)) return this.accept(earlier);
      return { skipped: "nonexistent-local-time" };
    }
    const later = this.calendar.toUtc(parsed.wallMs, "later");
    return this.accept(earlier <= this.lastUtc && later > this.lastUtc ? later : earlier);
  }

  private existsAsWallTime(wallMs: number): boolean {
    return this.calendar.toWall(this.calendar.toUtc(wallMs, "earlier")) === wallMs;
  }

  private accept(utcMs: number): ResolvedTime {
    this.lastUtc = Math.max(this.lastUtc, utcMs);
    return { utcMs };
  }
}
