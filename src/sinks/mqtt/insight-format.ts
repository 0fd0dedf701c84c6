/**
 * Numbers of the live analytics as Home Assistant reads them. The analytics compute in floating
 * point; states and attributes are rounded here, at the edge (ARCHITECTURE §5), so 0.1 + 0.2 is
 * published as 0.3 and an unchanged value keeps an unchanged payload (the publish gate then sends
 * nothing).
 */
import { PAYLOAD_UNKNOWN } from "./entity.js";

/**
 * Decimals kept per quantity: Wh (W) resolution for kWh (kW) and for a reading in its own unit, a
 * hundredth of a cent, a thousandth of a cent per kWh.
 */
export const PLACES = { kwh: 3, kw: 3, reading: 3, money: 4, price: 5, percent: 1, score: 2 } as const;

/** Rounded half away from zero; null stays null, and so does a value that is not finite. */
export function rounded(value: number | null, places: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** places;
  // n / 10^p is the double nearest the decimal, so JSON and String() print it short.
  const result = (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
  return result === 0 ? 0 : result; // never "-0"
}

/** A plain state payload; HA's "unknown" for a value that is missing. */
export function statePayload(value: number | null, places: number): string {
  const result = rounded(value, places);
  return result === null ? PAYLOAD_UNKNOWN : String(result);
}
