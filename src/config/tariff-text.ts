/**
 * The text forms the add-on UI takes for time-of-use windows, because a list of numbers inside a list
 * entry renders as one number box there (home-assistant/frontend supervisor-app-config.ts converts an
 * `int` that is `multiple` into a single number selector): weekdays "mon-fri" or "1-5", months
 * "nov-feb" or "11-2", hours "07-20" or "06:30-21:30". Ranges may wrap ("fri-mon", "22-06").
 * Each parser returns null for text it cannot read; the patterns in tariff-schema.ts name the form.
 */
import type { TimeWindow } from "../analytics/cost/types.js";

const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** One item: a number within 1…count or an English three-letter name. */
function itemNumber(text: string, names: readonly string[]): number | null {
  const lower = text.trim().toLowerCase();
  const named = names.indexOf(lower);
  if (named >= 0) return named + 1;
  if (!/^\d{1,2}$/.test(lower)) return null;
  const value = Number(lower);
  return value >= 1 && value <= names.length ? value : null;
}

/** "1-5,7" → [1, 2, 3, 4, 5, 7]; a range whose end comes before its start wraps around. */
function parseCycleList(text: string, names: readonly string[]): number[] | null {
  const chosen = new Set<number>();
  for (const part of text.split(",")) {
    const [first, last, ...rest] = part.split("-");
    if (first === undefined || rest.length > 0) return null;
    const from = itemNumber(first, names);
    const to = last === undefined ? from : itemNumber(last, names);
    if (from === null || to === null) return null;
    for (let value = from; ; value = (value % names.length) + 1) {
      chosen.add(value);
      if (value === to) break;
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

/** ISO weekdays (1 = Monday). */
export function parseWeekdays(text: string): number[] | null {
  return parseCycleList(text, WEEKDAY_NAMES);
}

export function parseMonths(text: string): number[] | null {
  return parseCycleList(text, MONTH_NAMES);
}

export interface HourRange {
  readonly fromHour: number;
  readonly toHour: number;
}

export type HoursResult =
  | { readonly ok: true; readonly ranges: HourRange[] }
  | { readonly ok: false; readonly why: string };

/** "07-12, 13:30-20" → [{7, 12}, {13.5, 20}]; 24 only as an end, and a range must not be empty. */
export function parseHours(text: string): HoursResult {
  const ranges: HourRange[] = [];
  for (const part of text.split(",")) {
    const match = /^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$/.exec(part);
    if (match === null)
      return { ok: false, why: `"${part.trim()}" is not written like 07-20 or 06:30-21:30` };
    const fromHour = Number(match[1]) + Number(match[2] ?? 0) / 60;
    const toHour = Number(match[3]) + Number(match[4] ?? 0) / 60;
    if (Number(match[2] ?? 0) > 59 || Number(match[4] ?? 0) > 59)
      return { ok: false, why: `"${part.trim()}" has minutes beyond 59` };
    if (fromHour >= 24)
      return { ok: false, why: `"${part.trim()}" starts at 24:00 or later; a day starts at 00` };
    if (toHour > 24) return { ok: false, why: `"${part.trim()}" ends after 24:00` };
    if (fromHour === toHour)
      return { ok: false, why: `"${part.trim()}" starts where it ends; write 00-24 for the whole day` };
    ranges.push({ fromHour, toHour });
  }
  return { ok: true, ranges };
}

/** The windows of one rate: every hour range on the same weekdays and months. */
export function windowsOf(
  ranges: readonly HourRange[],
  weekdays: readonly number[] | null,
  months: readonly number[] | null,
): TimeWindow[] {
  return ranges.map(({ fromHour, toHour }) => ({
    fromHour,
    toHour,
    ...(weekdays === null ? {} : { weekdays }),
    ...(months === null ? {} : { months }),
  }));
}
