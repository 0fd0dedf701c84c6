/**
 * A register value kept as the integer the meter sent and its decimal scaler (value = raw × 10^scaler),
 * so that 12345678 × 10⁻³ is rendered as 12345.678 and never as 12345.678000000001 (ARCHITECTURE §5).
 */
export interface ExactNumber {
  readonly raw: bigint;
  readonly scaler: number;
}

export function exact(raw: bigint | number, scaler = 0): ExactNumber {
  return { raw: typeof raw === "bigint" ? raw : BigInt(raw), scaler };
}

/** Parses a decimal literal as a meter writes it ("042951.721", "-0.5", "12"); null when it is not one. */
export function parseDecimal(text: string): ExactNumber | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign = "", whole = "", fraction = ""] = match;
  if (whole === "" && fraction === "") return null;
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, "") || "0";
  // "-0" would make {scaler: -0} unequal to {scaler: 0} under Object.is (and in test equality).
  return { raw: BigInt(`${sign}${digits}`), scaler: fraction.length === 0 ? 0 : -fraction.length };
}

/** The exact decimal text, e.g. {raw: 4912257n, scaler: -3} → "4912.257"; {raw: 5n, scaler: 2} → "500". */
export function toDecimalString(value: ExactNumber): string {
  const negative = value.raw < 0n;
  const digits = (negative ? -value.raw : value.raw).toString();
  let text: string;
  if (value.scaler >= 0) {
    text = value.raw === 0n ? "0" : digits + "0".repeat(value.scaler);
  } else {
    const places = -value.scaler;
    const padded = digits.padStart(places + 1, "0");
    const whole = padded.slice(0, padded.length - places);
    const fraction = padded.slice(padded.length - places).replace(/0+$/, "");
    text = fraction ? `${whole}.${fraction}` : whole;
  }
  return negative && text !== "0" ? `-${text}` : text;
}

/** The nearest double to the exact decimal: parsing the decimal text avoids multiplication artifacts. */
export function toNumber(value: ExactNumber): number {
  return Number(toDecimalString(value));
}

/** Rescales to a coarser or finer scaler; used when converting units (kWh → Wh is scaler + 3). */
export function shiftScaler(value: ExactNumber, by: number): ExactNumber {
  return { raw: value.raw, scaler: value.scaler + by };
}

export function compareExact(a: ExactNumber, b: ExactNumber): number {
  const scaler = Math.min(a.scaler, b.scaler);
  const left = a.raw * 10n ** BigInt(a.scaler - scaler);
  const right = b.raw * 10n ** BigInt(b.scaler - scaler);
  return left < right ? -1 : left > right ? 1 : 0;
}
