/**
 * Exact unit normalisation for the quantities a meter reports. DLMS pushes state Wh and W with a
 * scaler, IEC 62056-21 readouts write "kWh" and "kW" in the text: comparing or publishing them needs
 * one unit, and converting by shifting the decimal scaler keeps the value exact (ARCHITECTURE §5).
 */
import { type ExactNumber, shiftScaler } from "./exact-number.js";

export type BaseUnit = "Wh" | "varh" | "VAh" | "W" | "var" | "VA" | "V" | "A" | "Hz";
export type EnergyBaseUnit = "Wh" | "varh" | "VAh";

/** Longest first, so "kVA" is read as k + VA and not as kV + A. */
const BASE_UNITS: readonly BaseUnit[] = ["varh", "VAh", "var", "Wh", "VA", "Hz", "W", "V", "A"];
const PREFIX_EXPONENTS: Readonly<Record<string, number>> = { "": 0, k: 3, M: 6, m: -3 };
const ENERGY_UNITS: ReadonlySet<string> = new Set<EnergyBaseUnit>(["Wh", "varh", "VAh"]);

export interface Quantity<U extends string = BaseUnit> {
  readonly exact: ExactNumber;
  readonly unit: U;
}

/** "kWh" → {Wh, 3}; null for a unit outside the table (the caller then leaves the value alone). */
function parseUnit(unit: string): { base: BaseUnit; exponent: number } | null {
  for (const base of BASE_UNITS) {
    if (!unit.endsWith(base)) continue;
    const exponent = PREFIX_EXPONENTS[unit.slice(0, unit.length - base.length)];
    if (exponent !== undefined) return { base, exponent };
  }
  return null;
}

/** 12.345 kWh → 12345 Wh, exactly. */
export function toBaseUnit(exact: ExactNumber, unit: string): Quantity | null {
  const parsed = parseUnit(unit);
  return parsed && { exact: shiftScaler(exact, parsed.exponent), unit: parsed.base };
}

export function isEnergyUnit(unit: BaseUnit): unit is EnergyBaseUnit {
  return ENERGY_UNITS.has(unit);
}

/**
 * Wh → kWh, varh → kvarh, VAh → kVAh. The Energy dashboard accepts any UnitOfEnergy, but kWh is what
 * users compare with their bill and what tariffs are priced in (HA sensor_device_classes.json: energy
 * allows Wh and kWh, reactive_energy varh and kvarh).
 */
export function toKiloEnergy(quantity: Quantity<EnergyBaseUnit>): Quantity<`k${EnergyBaseUnit}`> {
  return { exact: shiftScaler(quantity.exact, -3), unit: `k${quantity.unit}` };
}

/** a − b, exactly, at the finer of the two scalers. */
export function subtractExact(a: ExactNumber, b: ExactNumber): ExactNumber {
  const scaler = Math.min(a.scaler, b.scaler);
  const left = a.raw * 10n ** BigInt(a.scaler - scaler);
  const right = b.raw * 10n ** BigInt(b.scaler - scaler);
  return { raw: left - right, scaler };
}
