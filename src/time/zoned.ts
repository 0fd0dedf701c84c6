/**
 * Local calendar arithmetic for one IANA time zone, built on Intl.DateTimeFormat (Node ships full ICU).
 *
 * All instants are UTC epoch milliseconds. "Wall" values are the local date-time encoded as if it were
 * UTC (so `new Date(wall).getUTCHours()` is the local hour); they never leave this module's callers
 * without going through `toUtc`, which is where 23- and 25-hour days are decided.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** How to resolve a local time that occurs twice (autumn) or not at all (spring). */
export type Disambiguation = "earlier" | "later" | "reject";

export interface LocalParts {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number; // 1-31
  readonly hour: number; // 0-23
  readonly minute: number;
  readonly second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly isoWeekday: number;
}

export class NonexistentLocalTimeError extends Error {}
export class AmbiguousLocalTimeError extends Error {}

/** Offsets change at most at quarter hours in every zone in the tz database, so this memo is exact. */
const OFFSET_MEMO_STEP = 15 * MINUTE_MS;

export class ZonedCalendar {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly offsetMemo = new Map<number, number>();
  private readonly dayStartMemo = new Map<number, number>();

  constructor(timeZone: string) {
    // Throws RangeError for an unknown zone: callers validate configuration with this constructor.
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    this.timeZone = this.format.resolvedOptions().timeZone;
  }

  /** Local time minus UTC, in milliseconds, at the instant `utcMs`. */
  offsetMs(utcMs: number): number {
    const key = Math.floor(utcMs / OFFSET_MEMO_STEP);
    const memo = this.offsetMemo.get(key);
    if (memo !== undefined) return memo;
    const offset = this.computeOffset(key * OFFSET_MEMO_STEP);
    if (this.offsetMemo.size > 200_000) this.offsetMemo.clear();
    this.offsetMemo.set(key, offset);
    return offset;
  }

  toWall(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  parts(utcMs: number): LocalParts {
    const wall = new Date(this.toWall(utcMs));
    const weekday = wall.getUTCDay();
    return {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
      isoWeekday: weekday === 0 ? 7 : weekday,
    };
  }

  /**
   * The UTC instant of a local wall time. Spring-forward gaps resolve forward ("earlier") or throw
   * ("reject"); autumn repeats pick the first or second occurrence.
   */
  toUtc(wallMs: number, disambiguation: Disambiguation = "earlier"): number {
    // Offsets a day either side bracket any transition near this wall time.
    const before = this.offsetMs(wallMs - DAY_MS);
    const after = this.offsetMs(wallMs + DAY_MS);
    const candidates = [...new Set([before, after])]
      .map((offset) => wallMs - offset)
      .filter((utc) => this.toWall(utc) === wallMs)
      .sort((a, b) => a - b);
    const [first, second] = candidates;
    if (first === undefined) {
      if (disambiguation === "reject") {
        throw new NonexistentLocalTimeError(`${isoWall(wallMs)} does not exist in ${this.timeZone}`);
      }
      // Inside a spring-forward gap: shift by the gap, as RFC 5545 and Temporal's "compatible" do.
      return wallMs - before;
    }
    if (second !== undefined) {
      if (disambiguation === "reject") {
        throw new AmbiguousLocalTimeError(`${isoWall(wallMs)} occurs twice in ${this.timeZone}`);
      }
      return disambiguation === "earlier" ? first : second;
    }
    return first;
  }

  /** Whether the wall time exists exactly once (false in spring gaps and autumn repeats). */
  isUnambiguous(wallMs: number): boolean {
    try {
      this.toUtc(wallMs, "reject");
      return true;
    } catch {
      return false;
    }
  }

  startOfDay(utcMs: number): number {
    const day = Math.floor(this.toWall(utcMs) / DAY_MS);
    const memo = this.dayStartMemo.get(day);
    if (memo !== undefined) return memo;
    const start = this.toUtc(day * DAY_MS);
    if (this.dayStartMemo.size > 20_000) this.dayStartMemo.clear();
    this.dayStartMemo.set(day, start);
    return start;
  }

  /** The start of the local day `days` calendar days after the day containing `utcMs`. */
  addDays(utcMs: number, days: number): number {
    const wall = this.toWall(utcMs);
    return this.toUtc(wall - mod(wall, DAY_MS) + days * DAY_MS);
  }

  startOfMonth(utcMs: number): number {
    const p = this.parts(utcMs);
    return this.toUtc(Date.UTC(p.year, p.month - 1, 1));
  }

  startOfNextMonth(utcMs: number): number {
    const p = this.parts(utcMs);
    return this.toUtc(Date.UTC(p.year, p.month, 1));
  }

  /** Start of the local hour containing `utcMs` (differs from UTC hours in half-hour zones). */
  startOfHour(utcMs: number): number {
    return utcMs - mod(this.toWall(utcMs), HOUR_MS);
  }

  /** ISO weekday (1 = Monday) of the local date; arithmetic only, for hot loops. */
  isoWeekday(utcMs: number): number {
    // Day 0 of the epoch, 1970-01-01, was a Thursday (ISO 4).
    return mod(Math.floor(this.toWall(utcMs) / DAY_MS) + 3, 7) + 1;
  }

  /** 0 = Monday 00:00 … 167 = Sunday 23:00, in local time. */
  hourOfWeek(utcMs: number): number {
    const p = this.parts(utcMs);
    return (p.isoWeekday - 1) * 24 + p.hour;
  }

  /** Local calendar date as YYYY-MM-DD. */
  dateKey(utcMs: number): string {
    return isoWall(this.toWall(utcMs)).slice(0, 10);
  }

  /** ISO 8601 with the local offset, e.g. 2024-03-31T03:00:00+02:00. */
  formatIso(utcMs: number): string {
    const offset = this.offsetMs(utcMs);
    return isoWall(utcMs + offset).slice(0, 19) + formatOffset(offset);
  }

  private computeOffset(utcMs: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(utcMs))) {
      if (part.type !== "literal") fields[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      fields["year"] ?? 1970,
      (fields["month"] ?? 1) - 1,
      fields["day"] ?? 1,
      fields["hour"] ?? 0,
      fields["minute"] ?? 0,
      fields["second"] ?? 0,
    );
    return wall - (utcMs - mod(utcMs, 1000));
  }
}

export function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function isoWall(wallMs: number): string {
  return new Date(wallMs).toISOString();
}

export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const minutes = Math.abs(offsetMs) / MINUTE_MS;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${sign}${hh}:${mm}`;
}

/** Days in a Gregorian month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
