/**
 * Values a consumer wants that the meter does not state: the signed net active power (import minus
 * export: positive while drawing from the grid, negative while feeding in), in total and per phase.
 * Most E450 push lists carry +P and −P separately; a meter that sends the signed value itself
 * (OBIS 16.7.0, 36/56/76.7.0) is taken at its word. Exact arithmetic, in W only.
 */
import type { ExactNumber } from "../model/exact-number.js";
import type { Reading } from "../model/snapshot.js";
import { subtractExact, toBaseUnit } from "../model/units.js";
import { registerInfoFor } from "../obis/registry.js";

const NET_POWER = [
  { net: "16.7.0", key: "power_net", importKey: "power_import", exportKey: "power_export" },
  { net: "36.7.0", key: "power_net_l1", importKey: "power_import_l1", exportKey: "power_export_l1" },
  { net: "56.7.0", key: "power_net_l2", importKey: "power_import_l2", exportKey: "power_export_l2" },
  { net: "76.7.0", key: "power_net_l3", importKey: "power_import_l3", exportKey: "power_export_l3" },
] as const;

function watts(readings: ReadonlyMap<string, Reading>, key: string): ExactNumber | null {
  const reading = readings.get(key);
  if (reading?.value.kind !== "number") return null;
  const unit = reading.value.unit ?? registerInfoFor(reading.obis)?.unit ?? null;
  const quantity = unit === null ? null : toBaseUnit(reading.value.exact, unit);
  return quantity?.unit === "W" ? quantity.exact : null;
}

export function derivedReadings(readings: readonly Reading[]): Reading[] {
  // By register key, the first stated wins (1-0:1.7.0 and 1-1:1.7.0 share one).
  const byKey = new Map<string, Reading>();
  for (const reading of readings) {
    const key = registerInfoFor(reading.obis)?.key;
    if (key !== undefined && !byKey.has(key)) byKey.set(key, reading);
  }
  const derived: Reading[] = [];
  for (const { net, key, importKey, exportKey } of NET_POWER) {
    if (byKey.has(key)) continue;
    const drawn = watts(byKey, importKey);
    const fed = watts(byKey, exportKey);
    if (!drawn || !fed) continue;
    derived.push({
      obis: `1-0:${net}.255`,
      value: { kind: "number", exact: subtractExact(drawn, fed), unit: "W" },
    });
  }
  return derived;
}
