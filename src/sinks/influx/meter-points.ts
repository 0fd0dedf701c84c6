/**
 * A guarded push → InfluxDB points, as a pure function of the register table (obis/registry.ts): the
 * `registers` measurement keeps every numeric value as stated, the others regroup the known ones into
 * wide rows a dashboard queries in one go (energy per tariff, power and phase values per phase).
 */
import { type ExactNumber, toDecimalString } from "../../model/exact-number.js";
import type { Reading } from "../../model/snapshot.js";
import { type BaseUnit, isEnergyUnit, toBaseUnit, toKiloEnergy } from "../../model/units.js";
import { registerInfoFor } from "../../obis/registry.js";
import type { FieldValue } from "./line-protocol.js";
import type { Cadence, Measurement } from "./schema.js";

/** A point before its time and meter tag are known: the plugin adds both. */
export interface MeterRow {
  readonly measurement: Measurement;
  readonly cadence: Cadence;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Record<string, FieldValue>;
}

/** energy_import_t1 → quantity "import", tariff "t1"; only the four quantities a bill or a grid has. */
const ENERGY_KEY = /^energy_(import|export|reactive_import|reactive_export)(?:_(t[1-4]))?$/;
/** power_net_l2 → quantity "net", phase "l2". */
const POWER_KEY = /^power_(import|export|net|reactive_import|reactive_export)(?:_(l[1-3]))?$/;
const PHASE_KEY = /^(voltage|current|power_factor)_(l[1-3])$/;

const FIELD_UNIT: Readonly<Partial<Record<BaseUnit | `k${BaseUnit}`, string>>> = {
  kWh: "kwh",
  kvarh: "kvarh",
  W: "w",
  var: "var",
  V: "v",
  A: "a",
  Hz: "hz",
};

const exactField = (exact: ExactNumber): FieldValue => ({ float: toDecimalString(exact) });

/** The reading in its base unit (kWh for energies), or null when its unit is unknown or absent. */
function normalized(reading: Reading, fallbackUnit: string | null) {
  if (reading.value.kind !== "number") return null;
  const unit = reading.value.unit ?? fallbackUnit;
  const quantity = unit === null ? null : toBaseUnit(reading.value.exact, unit);
  if (!quantity) return null;
  return isEnergyUnit(quantity.unit)
    ? toKiloEnergy({ exact: quantity.exact, unit: quantity.unit })
    : quantity;
}

/** Rows keyed by measurement and tags, so that the values of one phase land in one point. */
class RowSet {
  private readonly rows = new Map<string, MeterRow>();

  add(
    measurement: Measurement,
    cadence: Cadence,
    tags: Record<string, string>,
    field: string,
    value: FieldValue,
  ) {
    const key = `${measurement}|${Object.values(tags).join("|")}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { measurement, cadence, tags, fields: {} };
      this.rows.set(key, row);
    }
    row.fields[field] = value;
  }

  list(): MeterRow[] {
    return [...this.rows.values()];
  }
}

export function meterRows(readings: readonly Reading[]): MeterRow[] {
  const rows = new RowSet();
  for (const reading of readings) {
    if (reading.value.kind !== "number") continue;
    const info = registerInfoFor(reading.obis);
    const cadence: Cadence = info?.kind === "energy" ? "totals" : "fast";
    rows.add(
      "registers",
      cadence,
      { obis: reading.obis, unit: reading.value.unit ?? info?.unit ?? "" },
      "value",
      exactField(reading.value.exact),
    );
    if (!info) continue;
    if (info.kind === "power-factor") {
      const phase = PHASE_KEY.exec(info.key)?.[2];
      if (phase) rows.add("phase", "fast", { phase }, "power_factor", exactField(reading.value.exact));
      else rows.add("grid", "fast", {}, "power_factor", exactField(reading.value.exact));
      continue;
    }
    const quantity = normalized(reading, info.unit);
    const unit = quantity && FIELD_UNIT[quantity.unit];
    if (!quantity || !unit) continue;
    const value = exactField(quantity.exact);
    const energy = ENERGY_KEY.exec(info.key);
    const power = POWER_KEY.exec(info.key);
    const phase = PHASE_KEY.exec(info.key);
    if (energy && info.kind === "energy") {
      rows.add("energy", "totals", { tariff: energy[2] ?? "total" }, `${energy[1]}_${unit}`, value);
    } else if (power && info.kind === "power") {
      rows.add("power", "fast", { phase: power[2] ?? "total" }, `${power[1]}_${unit}`, value);
    } else if (phase) {
      rows.add("phase", "fast", { phase: phase[2]! }, `${phase[1]}_${unit}`, value);
    } else if (info.key === "current_neutral") {
      rows.add("phase", "fast", { phase: "n" }, `current_${unit}`, value);
    } else if (info.key === "frequency") {
      rows.add("grid", "fast", {}, `frequency_${unit}`, value);
    }
  }
  return rows.list();
}
