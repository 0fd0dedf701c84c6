/**
 * Calendar periods as the API's `FROM/TO` parameter: from the local start of today, this month or
 * this year until now, as ISO times with the browser's offset ("2026-12-01T00:00:00+01:00/…").
 */

export const CALENDAR_PERIODS = ["today", "month", "year"] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];

const pad = (value: number) => String(value).padStart(2, "0");

/** An ISO 8601 time with the local offset, to the second. */
export function isoWithOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`
  );
}

export function calendarPeriod(period: CalendarPeriod, now: Date): string {
  const start = new Date(
    now.getFullYear(),
    period === "year" ? 0 : now.getMonth(),
    period === "today" ? now.getDate() : 1,
  );
  return `${isoWithOffset(start)}/${isoWithOffset(now)}`;
}
