/**
 * The energy totals a snapshot states, in kWh: active import (1.8.0) and export (2.8.0) and the
 * import tariff registers (1.8.1 … 1.8.4). These are what intervals are made of: differences of the
 * guarded totals, never sums of instantaneous power (a push every 5 s of a value that changes within
 * the second misses energy; the register counts all of it).
 */
import { toNumber } from "../model/exact-number.js";
import type { Reading } from "../model/snapshot.js";
import { isEnergyUnit, toBaseUnit } from "../model/units.js";
import { registerInfoFor } from "../obis/registry.js";

export interface EnergyTotals {
  readonly importKwh: number;
  /** null: the meter states no export register. */
  readonly exportKwh: number | null;
  /** "t1" → kWh, for the import tariff registers the meter sends. */
  readonly tariffs: Readonly<Record<string, number>>;
}

const IMPORT_TARIFF = /^energy_import_(t[1-4])$/;

function kwhOf(reading: Reading, fallbackUnit: string | null): number | null {
  if (reading.value.kind !== "number") return null;
  const unit = reading.value.unit ?? fallbackUnit;
  const quantity = unit === null ? null : toBaseUnit(reading.value.exact, unit);
  if (!quantity || !isEnergyUnit(quantity.unit) || quantity.unit !== "Wh") return null;
  return toNumber(quantity.exact) / 1000;
}

/** null when the snapshot has no active import total (a list without registers, or held back). */
export function energyTotalsOf(readings: readonly Reading[]): EnergyTotals | null {
  let importKwh: number | null = null;
  let exportKwh: number | null = null;
  const tariffs: Record<string, number> = {};
  for (const reading of readings) {
    const info = registerInfoFor(reading.obis);
    if (info?.kind !== "energy") continue;
    const kwh = kwhOf(reading, info.unit);
    if (kwh === null) continue;
    if (info.key === "energy_import") importKwh = kwh;
    else if (info.key === "energy_export") exportKwh = kwh;
    else {
      const tariff = IMPORT_TARIFF.exec(info.key)?.[1];
      if (tariff) tariffs[tariff] = kwh;
    }
  }
  return importKwh === null ? null : { importKwh, exportKwh, tariffs };
}
