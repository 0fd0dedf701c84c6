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

/** Periods a bill covers: whole local months and years, the current one until today, or a span back. */
export const BILLING_PERIODS = ["month", "lastMonth", "year", "lastYear", "30d"] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

/** "2026-12-02": a local calendar date, as the API's FROM/TO takes whole days. */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The period as the API's parameter: whole days FROM/TO with TO included, which the server reads in
 * the tariff's zone (the zone a bill's days are in); "30d" as it is.
 */
export function billingPeriod(period: BillingPeriod, now: Date): string {
  const year = now.getFullYear();
  const month = now.getMonth();
  switch (period) {
    case "month":
      return `${localDate(new Date(year, month, 1))}/${localDate(now)}`;
    case "lastMonth":
      // Day 0 of a month is the last day of the one before.
      return `${localDate(new Date(year, month - 1, 1))}/${localDate(new Date(year, month, 0))}`;
    case "year":
      return `${year}-01-01/${localDate(now)}`;
    case "lastYear":
      return `${year - 1}-01-01/${year - 1}-12-31`;
    case "30d":
      return "30d";
  }
}
