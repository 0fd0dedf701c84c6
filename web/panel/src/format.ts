/**
 * Numbers, energy, money and times for people, in the panel's language (Intl, so "1.234,5 kWh" in
 * German). Pure: the locale comes in as an argument.
 */

const EMPTY = "–";

function number(locale: string, value: number, maxDigits: number, minDigits = 0): string {
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: minDigits,
    maximumFractionDigits: maxDigits,
  }).format(value);
}

/** Watts below 1 kW, kilowatts with two decimals above (as Home Assistant's power cards do). */
export function formatPower(locale: string, watts: number | null): string {
  if (watts === null || !Number.isFinite(watts)) return EMPTY;
  if (Math.abs(watts) < 1000) return `${number(locale, watts, 0)} W`;
  return `${number(locale, watts / 1000, 2, 2)} kW`;
}

export function formatEnergy(locale: string, kwh: number | null): string {
  if (kwh === null || !Number.isFinite(kwh)) return EMPTY;
  const digits = Math.abs(kwh) >= 1000 ? 1 : Math.abs(kwh) >= 10 ? 2 : 3;
  return `${number(locale, kwh, digits)} kWh`;
}

export function formatMoney(locale: string, amount: number | null, currency: string): string {
  if (amount === null || !Number.isFinite(amount)) return EMPTY;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    // Not an ISO 4217 code (a tariff file may say "ct"): the number and the code as written.
    return `${number(locale, amount, 2, 2)} ${currency}`;
  }
}

/** A reading as the meter states it; Wh and varh registers in kilo units, as on the meter's display. */
export function formatReading(locale: string, value: number | string, unit: string | null): string {
  if (typeof value === "string") return unit === null ? value : `${value} ${unit}`;
  switch (unit) {
    case "W":
      return formatPower(locale, value);
    case "Wh":
      return formatEnergy(locale, value / 1000);
    case "kWh":
      return formatEnergy(locale, value);
    case "varh":
    case "VAh":
      return `${number(locale, value / 1000, 3)} k${unit}`;
    case null:
      return number(locale, value, 3);
    default:
      return `${number(locale, value, 3)} ${unit}`;
  }
}

export function formatNumber(locale: string, value: number | null, maxDigits = 2): string {
  if (value === null || !Number.isFinite(value)) return EMPTY;
  return number(locale, value, maxDigits);
}

export function formatPercent(locale: string, percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return EMPTY;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(percent / 100);
}

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

export function formatBytes(locale: string, bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${number(locale, value, unit === 0 ? 0 : 1)} ${BYTE_UNITS[unit]}`;
}

/** Epoch ms or an ISO string with offset; null or unparseable → null. */
export function toEpochMs(time: number | string | null | undefined): number | null {
  if (time === null || time === undefined) return null;
  const ms = typeof time === "number" ? time : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

export function formatDateTime(locale: string, time: number | string | null, timeZone?: string): string {
  const ms = toEpochMs(time);
  if (ms === null) return EMPTY;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium", timeZone }).format(ms);
}

/** "12 s ago" / "vor 12 Sek.": how old something is, in the largest whole unit. */
export function formatAge(locale: string, ageMs: number): string {
  const seconds = Math.max(0, Math.round(ageMs / 1000));
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always", style: "short" });
  if (seconds < 60) return relative.format(-seconds, "second");
  if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), "minute");
  if (seconds < 86_400) return relative.format(-Math.floor(seconds / 3600), "hour");
  return relative.format(-Math.floor(seconds / 86_400), "day");
}

/** "3 d 4 h", "5 h 12 min", "42 s": an uptime, two units at most. */
export function formatDuration(locale: string, totalSeconds: number): string {
  const parts: [number, Intl.NumberFormatOptions["unit"]][] = [
    [Math.floor(totalSeconds / 86_400), "day"],
    [Math.floor((totalSeconds % 86_400) / 3600), "hour"],
    [Math.floor((totalSeconds % 3600) / 60), "minute"],
    [Math.floor(totalSeconds % 60), "second"],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first === -1) return new Intl.NumberFormat(locale, { style: "unit", unit: "second" }).format(0);
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) =>
      new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(amount),
    )
    .join(" ");
}
