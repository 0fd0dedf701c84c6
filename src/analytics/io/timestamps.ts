/**
 * Timestamp parsing for meter exports: ISO 8601 with an offset (DSMR-reader), local ISO without one
 * (Ausgrid), or Unix epoch seconds (SlimmeMeterPortal converter output).
 */
import type { ZonedCalendar } from "../../time/zoned.js";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

export type ParsedTimestamp =
  | { readonly kind: "instant"; readonly utcMs: number }
  /** A local wall time (encoded as if UTC), still to be placed in a zone. */
  | { readonly kind: "wall"; readonly wallMs: number };

export function parseTimestamp(text: string): ParsedTimestamp | null {
  const s = text.trim();
  if (EPOCH.test(s)) {
    const n = Number(s);
    // 13 digits are epoch milliseconds; 9-11 digits are seconds (1973 … 5138).
    return { kind: "instant", utcMs: s.split(".")[0]!.length >= 13 ? n : Math.round(n * 1000) };
  }
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const wallMs = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(hh ?? 0),
    Number(mi ?? 0),
    Number(ss ?? 0),
    ms,
  );
  if (Number.isNaN(wallMs) || Number(mo) > 12 || Number(d) > 31 || Number(hh ?? 0) > 24) return null;
  if (zone === undefined) return { kind: "wall", wallMs };
  if (zone.toUpperCase() === "Z") return { kind: "instant", utcMs: wallMs };
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return { kind: "instant", utcMs: wallMs - sign * offsetMin * 60_000 };
}

export function looksLikeTimestamp(text: string): boolean {
  return parseTimestamp(text) !== null;
}

export type ResolvedTime = { readonly utcMs: number } | { readonly skipped: "nonexistent-local-time" };

/**
 * Places timestamps on the time line in file order. A local time repeated at the autumn change is
 * read as its first occurrence, then as the second once the first has been seen, so an export that
 * lists both copies of the repeated hour keeps both.
 */
export class TimestampResolver {
  private lastUtc = Number.NEGATIVE_INFINITY;

  constructor(private readonly calendar: ZonedCalendar) {}

  resolve(parsed: ParsedTimestamp): ResolvedTime {
    if (parsed.kind === "instant") return this.accept(parsed.utcMs);
    const earlier = this.calendar.toUtc(parsed.wallMs, "earlier");
    if (this.calendar.toWall(earlier) !== parsed.wallMs) {
      // In a spring-forward gap: the row cannot be an interval start (Ausgrid fills it with zeros).
      return { skipped: "nonexistent-local-time" };
    }
    const later = this.calendar.toUtc(parsed.wallMs, "later");
    return this.accept(earlier <= this.lastUtc && later > this.lastUtc ? later : earlier);
  }

  private accept(utcMs: number): ResolvedTime {
    this.lastUtc = Math.max(this.lastUtc, utcMs);
    return { utcMs };
  }
}
