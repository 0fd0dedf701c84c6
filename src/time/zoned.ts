/**
 * Local calendar arithmetic for one IANA time zone. Time-zone rules (offsets, transitions, resolving
 * local times that occur twice or not at all) come from Temporal, through the `temporal-polyfill`
 * implementation of the TC39 proposal, which reads the tz database that Node's ICU ships.
 *
 * All instants are UTC epoch milliseconds. "Wall" values are the local date-time encoded as if it were
 * UTC (so `new Date(wall).getUTCHours()` is the local hour); they never leave this module's callers
 * without going through `toUtc`, which is where 23- and 25-hour days are decided.
 *
 * The analytics call this on every hour they replay, and the polyfill costs tens of microseconds per
 * query, so offsets are cached as the intervals between transitions (a DST zone has two a year): a
 * query inside the last interval used is two comparisons, and Temporal is asked only for a new
 * interval or for a local time within two days of a transition.
 */
import { Temporal } from "temporal-polyfill";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * How to resolve a local time that occurs twice (autumn) or not at all (spring). In a gap both
 * "earlier" and "later" move forward by the gap (Temporal's "compatible" and "later" respectively,
 * which is what a clock set to that time would show); in a fold they pick the first or second occurrence.
 */
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

class NonexistentLocalTimeError extends Error {}
class AmbiguousLocalTimeError extends Error {}

/** A half-open interval of instants over which the zone's UTC offset is constant. */
interface OffsetSpan {
  readonly startMs: number;
  readonly endMs: number;
  readonly offsetMs: number;
}

/**
 * Larger than the difference between any two offsets a zone has used (the extremes in the tz database
 * are about −15:56 and +15:14; Pacific/Apia jumped a whole day in 2011), so a wall time whose instant
 * lies this far inside a constant-offset interval cannot have a second reading in a neighbouring one.
 */
const UNIQUE_MARGIN_MS = 2 * DAY_MS;

const SPAN_CACHE_LIMIT = 4096;
const DAY_START_CACHE_LIMIT = 20_000;
const EMPTY_SPAN: OffsetSpan = { startMs: 0, endMs: 0, offsetMs: 0 };

export class ZonedCalendar {
  readonly timeZone: string;
  /** Sorted by start and disjoint; each is a subset of one interval between two transitions. */
  private spans: OffsetSpan[] = [];
  private lastSpan = EMPTY_SPAN;
  private readonly dayStartMemo = new Map<number, number>();

  constructor(timeZone: string) {
    // Throws RangeError for an unknown zone: callers validate configuration with this constructor.
    const probe = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone);
    // Temporal also accepts fixed offsets such as "+01:00"; a meter's local time needs a zone with rules.
    if (/^[+-]/.test(probe.timeZoneId)) {
      throw new RangeError(`${timeZone} is a fixed UTC offset, not an IANA time zone`);
    }
    this.timeZone = probe.timeZoneId;
  }

  /** Local time minus UTC, in milliseconds, at the instant `utcMs`. */
  offsetMs(utcMs: number): number {
    const span = this.lastSpan;
    if (utcMs >= span.startMs && utcMs < span.endMs) return span.offsetMs;
    return this.spanAt(utcMs).offsetMs;
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
   * The UTC instant of a local wall time. Spring-forward gaps resolve forward ("earlier" and "later")
   * or throw ("reject"); autumn repeats pick the first or second occurrence.
   */
  toUtc(wallMs: number, disambiguation: Disambiguation = "earlier"): number {
    return this.uniqueUtc(wallMs) ?? this.resolveNearTransition(wallMs, disambiguation);
  }

  /** Whether the wall time exists exactly once (false in spring gaps and autumn repeats). */
  isUnambiguous(wallMs: number): boolean {
    if (this.uniqueUtc(wallMs) !== undefined) return true;
    try {
      this.resolveNearTransition(wallMs, "reject");
      return true;
    } catch {
      return false;
    }
  }

  startOfDay(utcMs: number): number {
    return this.startOfLocalDay(Math.floor(this.toWall(utcMs) / DAY_MS));
  }

  /** The start of the local day `days` calendar days after the day containing `utcMs`. */
  addDays(utcMs: number, days: number): number {
    return this.startOfLocalDay(Math.floor(this.toWall(utcMs) / DAY_MS) + days);
  }

  startOfMonth(utcMs: number): number {
    const p = this.parts(utcMs);
    return this.startOfLocalDay(Date.UTC(p.year, p.month - 1, 1) / DAY_MS);
  }

  startOfNextMonth(utcMs: number): number {
    const p = this.parts(utcMs);
    return this.startOfLocalDay(Date.UTC(p.year, p.month, 1) / DAY_MS);
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

  /** Local hour of day, 0-23; arithmetic only, for hot loops. */
  hourOfDay(utcMs: number): number {
    return Math.floor(mod(this.toWall(utcMs), DAY_MS) / HOUR_MS);
  }

  /** 0 = Monday 00:00 … 167 = Sunday 23:00, in local time. */
  hourOfWeek(utcMs: number): number {
    const wall = this.toWall(utcMs);
    return mod(Math.floor(wall / DAY_MS) + 3, 7) * 24 + Math.floor(mod(wall, DAY_MS) / HOUR_MS);
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

  /** The first instant of local day `day` (days since 1970-01-01), which is not midnight if midnight was skipped. */
  private startOfLocalDay(day: number): number {
    const memo = this.dayStartMemo.get(day);
    if (memo !== undefined) return memo;
    const wall = day * DAY_MS;
    let start = this.uniqueUtc(wall);
    if (start === undefined) {
      const d = new Date(wall);
      const date = new Temporal.PlainDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      start = date.toZonedDateTime(this.timeZone).epochMilliseconds;
    }
    if (this.dayStartMemo.size > DAY_START_CACHE_LIMIT) this.dayStartMemo.clear();
    this.dayStartMemo.set(day, start);
    return start;
  }

  /**
   * The instant of `wallMs` when it is provably the only one: its instant lies deeper inside a
   * constant-offset interval than any offset change could reach. Undefined near a transition.
   */
  private uniqueUtc(wallMs: number): number | undefined {
    this.offsetMs(wallMs - this.offsetMs(wallMs));
    const span = this.lastSpan;
    const utc = wallMs - span.offsetMs;
    return utc - span.startMs >= UNIQUE_MARGIN_MS && span.endMs - utc > UNIQUE_MARGIN_MS ? utc : undefined;
  }

  private resolveNearTransition(wallMs: number, disambiguation: Disambiguation): number {
    const d = new Date(wallMs);
    const local = new Temporal.PlainDateTime(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    );
    if (disambiguation !== "reject") {
      const option = disambiguation === "earlier" ? "compatible" : "later";
      return local.toZonedDateTime(this.timeZone, { disambiguation: option }).epochMilliseconds;
    }
    const first = local.toZonedDateTime(this.timeZone, { disambiguation: "earlier" });
    const second = local.toZonedDateTime(this.timeZone, { disambiguation: "later" });
    if (first.epochMilliseconds === second.epochMilliseconds) return first.epochMilliseconds;
    // In a gap Temporal moves the time off `local`; in a fold both occurrences read back as `local`.
    if (!first.toPlainDateTime().equals(local)) {
      throw new NonexistentLocalTimeError(`${isoWall(wallMs)} does not exist in ${this.timeZone}`);
    }
    throw new AmbiguousLocalTimeError(`${isoWall(wallMs)} occurs twice in ${this.timeZone}`);
  }

  /** The cached interval containing `utcMs`, asking Temporal for it on a miss; becomes `lastSpan`. */
  private spanAt(utcMs: number): OffsetSpan {
    const spans = this.spans;
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.startMs <= utcMs) lo = mid + 1;
      else hi = mid;
    }
    const before = spans[lo - 1];
    if (before !== undefined && utcMs < before.endMs) {
      this.lastSpan = before;
      return before;
    }
    const found = this.transitionsAround(utcMs);
    // Clip to the cached neighbours so the list stays disjoint; every piece is still constant-offset.
    const span: OffsetSpan = {
      startMs: Math.max(found.startMs, before?.endMs ?? Number.NEGATIVE_INFINITY),
      endMs: Math.min(found.endMs, spans[lo]?.startMs ?? Number.POSITIVE_INFINITY),
      offsetMs: found.offsetMs,
    };
    if (spans.length >= SPAN_CACHE_LIMIT) {
      this.spans = [span];
    } else {
      spans.splice(lo, 0, span);
    }
    this.lastSpan = span;
    return span;
  }

  /** The whole interval between the transitions either side of `utcMs`, from Temporal. */
  private transitionsAround(utcMs: number): OffsetSpan {
    // Throws RangeError for NaN or an instant outside Temporal's range, as Date does.
    const at = Temporal.Instant.fromEpochMilliseconds(Math.floor(utcMs)).toZonedDateTimeISO(this.timeZone);
    const next = at.getTimeZoneTransition("next");
    const previous = at.getTimeZoneTransition("previous");
    // "previous" is strictly before `at`: when `at` is itself a transition, the interval starts at `at`.
    let startMs = Number.NEGATIVE_INFINITY;
    if (previous !== null) {
      startMs =
        previous.offsetNanoseconds === at.offsetNanoseconds ? previous.epochMilliseconds : Math.floor(utcMs);
    }
    return {
      startMs,
      endMs: next === null ? Number.POSITIVE_INFINITY : next.epochMilliseconds,
      offsetMs: at.offsetNanoseconds / 1e6,
    };
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function isoWall(wallMs: number): string {
  return new Date(wallMs).toISOString();
}

/**
 * ±HH:MM, plus :SS for the historic local-mean-time offsets that are not whole minutes (Monrovia's
 * −00:44:30 until 1972), written the way Temporal's `offset` property writes them.
 */
function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const hhmm = `${sign}${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}`;
  return seconds % 60 === 0 ? hhmm : `${hhmm}:${two(seconds % 60)}`;
}

/** Days in a Gregorian month (month 1-12). */
/** The host's zone (TZ; the Supervisor passes Home Assistant's into the add-on); UTC when it has none. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
