/**
 * Checks for values a pattern admits but the world may not have: a day that exists, a currency
 * code in use, a time zone the tz database knows. Node's ICU answers the last two, the same data
 * the cost engine's calendar (time/zoned.ts, Temporal) uses.
 */

/** YYYY-MM-DD that names a real day (the pattern admits 2026-02-30). */
export function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

let currencies: ReadonlySet<string> | undefined;

/** An ISO 4217 code of a currency in use (ICU's list: CHF, EUR, NOK …; not XYZ). */
export function isCurrencyCode(text: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf("currency"));
  return currencies.has(text);
}

/** An IANA zone name (Europe/Zurich) or an alias ICU resolves (UTC). */
export function isTimeZone(text: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: text });
    return true;
  } catch {
    return false;
  }
}
