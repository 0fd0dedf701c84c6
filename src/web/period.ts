/**
 * The `period` query parameter: a span back from now (24h, 7d, 30d, 1y) or FROM/TO, each an ISO
 * date (a whole local day: TO includes its day) or an ISO date-time with offset.
 */
import { DAY_MS, HOUR_MS, type ZonedCalendar } from "../time/zoned.js";
import { ApiError } from "./errors.js";

export interface Span {
  readonly fromMs: number;
  readonly toMs: number;
}

const BACK: Readonly<Record<string, number>> = {
  "24h": 24 * HOUR_MS,
  "7d": 7 * DAY_MS,
  "30d": 30 * DAY_MS,
  "1y": 365 * DAY_MS,
};

/** Ten years: more than any store holds, few enough that one request cannot make the server read forever. */
const LONGEST_MS = 3653 * DAY_MS;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const PERIOD_SCHEMA = {
  type: "string",
  pattern: "^(?:24h|7d|30d|1y|[0-9T:.+\\-Z]{10,35}/[0-9T:.+\\-Z]{10,35})$",
  description:
    "24h, 7d, 30d or 1y back from now, or FROM/TO: ISO dates (whole local days, TO included) or date-times with offset",
} as const;

/** A period as the answers state it: ISO date-times with the analytics zone's offset. */
export const SPAN_SCHEMA = {
  type: "object",
  required: ["from", "to"],
  properties: { from: { type: "string" }, to: { type: "string" } },
} as const;

export function spanJson(span: Span, zone: ZonedCalendar): { from: string; to: string } {
  return { from: zone.formatIso(span.fromMs), to: zone.formatIso(span.toMs) };
}

export function parsePeriod(text: string, now: number, zone: ZonedCalendar): Span {
  const back = BACK[text];
  if (back !== undefined) return { fromMs: now - back, toMs: now };
  const [fromText = "", toText = ""] = text.split("/");
  const fromMs = instant(fromText, zone, "start");
  const toMs = instant(toText, zone, "end");
  if (!(toMs > fromMs))
    throw new ApiError(400, "invalid-parameter", `period: ${toText} is not after ${fromText}`);
  if (toMs - fromMs > LONGEST_MS)
    throw new ApiError(400, "invalid-parameter", "period: at most ten years at once");
  return { fromMs, toMs };
}

/** A date's start, or for the end of a period the start of the next day; a date-time as written. */
function instant(text: string, zone: ZonedCalendar, side: "start" | "end"): number {
  const date = DATE.exec(text);
  if (date) {
    const wall = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    const day = zone.startOfDay(zone.toUtc(wall));
    if (zone.dateKey(day) === text) return side === "start" ? day : zone.addDays(day, 1);
  } else if (/T.*(?:Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new ApiError(
    400,
    "invalid-parameter",
    `period: "${text}" is neither a date (2026-01-31) nor a date-time with offset (2026-01-31T12:00:00+01:00)`,
  );
}
