/**
 * Snapshot → the meter device's sensors and their states: a pure function of the register table
 * (obis/registry.ts) and the readings, so discovery announces exactly what the meter sends.
 */
import { type ExactNumber, toDecimalString } from "../../model/exact-number.js";
import { type RegisterInfo, registerInfoFor } from "../../obis/registry.js";
import type { Reading, Snapshot } from "../../model/snapshot.js";
import { type BaseUnit, isEnergyUnit, toBaseUnit, toKiloEnergy } from "../../model/units.js";
import type { EntityState, SensorEntity } from "./entity.js";
import { localToOffsetIso } from "./local-time.js";

export interface MeterEntities {
  readonly entities: readonly SensorEntity[];
  readonly states: readonly EntityState[];
  /** Readings with a registered meaning that could not be published, and why (for a debug log). */
  readonly skipped: readonly { readonly obis: string; readonly why: string }[];
}

/**
 * kWh keeps the meter's Wh resolution visible: 3 decimals, always written out (12345.600, not
 * 12345.6), as DOCS promises; Home Assistant parses the state as a number either way, and the
 * display precision announced with it shows the same 3.
 */
const KILO_ENERGY_PRECISION = 3;

/**
 * The decimal text with exactly `places` decimals: zeros added, or finer digits rounded half away
 * from zero. Rounding never reverses the order of two totals, so a total that grows never shrinks.
 */
function toFixedDecimals(value: ExactNumber, places: number): string {
  const shift = value.scaler + places;
  let raw: bigint;
  if (shift >= 0) raw = value.raw * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const half = divisor / 2n;
    raw = (value.raw < 0n ? value.raw - half : value.raw + half) / divisor;
  }
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(places + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** Units each register kind may arrive in, after normalisation; others are skipped, not guessed. */
const KIND_UNITS: Readonly<Partial<Record<RegisterInfo["kind"], readonly BaseUnit[]>>> = {
  power: ["W", "var", "VA"],
  voltage: ["V"],
  current: ["A"],
  frequency: ["Hz"],
};

type Converted = { entity: SensorEntity; payload: string } | { why: string };

function numberOf(reading: Reading): { exact: ExactNumber; unit: string | null } | null {
  return reading.value.kind === "number" ? { exact: reading.value.exact, unit: reading.value.unit } : null;
}

function convertEnergy(info: RegisterInfo, reading: Reading): Converted {
  const number = numberOf(reading);
  const unit = number?.unit ?? info.unit;
  const quantity = number && unit !== null ? toBaseUnit(number.exact, unit) : null;
  if (!quantity || !isEnergyUnit(quantity.unit)) return { why: `not an energy value (${unit ?? "no unit"})` };
  const kilo = toKiloEnergy({ exact: quantity.exact, unit: quantity.unit });
  const entity: SensorEntity = {
    platform: "sensor",
    id: info.key,
    name: info.name,
    // Apparent energy (VAh) has no HA device class; it stays a plain total in kVAh.
    ...(info.deviceClass ? { deviceClass: info.deviceClass } : {}),
    stateClass: "total_increasing",
    unit: kilo.unit,
    displayPrecision: KILO_ENERGY_PRECISION,
    cadence: "total",
  };
  return { entity, payload: toFixedDecimals(kilo.exact, KILO_ENERGY_PRECISION) };
}

function convertMeasurement(info: RegisterInfo, reading: Reading): Converted {
  const number = numberOf(reading);
  if (!number) return { why: "not a number" };
  const base: SensorEntity = {
    platform: "sensor",
    id: info.key,
    name: info.name,
    ...(info.deviceClass ? { deviceClass: info.deviceClass } : {}),
    stateClass: "measurement",
    displayPrecision: info.precision,
    cadence: "fast",
  };
  if (info.kind === "power-factor") return { entity: base, payload: toDecimalString(number.exact) };
  const unit = number.unit ?? info.unit;
  const quantity = unit === null ? null : toBaseUnit(number.exact, unit);
  if (!quantity || !KIND_UNITS[info.kind]?.includes(quantity.unit)) {
    return { why: `unexpected unit ${unit ?? "(none)"} for ${info.kind}` };
  }
  return { entity: { ...base, unit: quantity.unit }, payload: toDecimalString(quantity.exact) };
}

function convertClock(info: RegisterInfo, local: string, timeZone: string): Converted {
  const iso = localToOffsetIso(local, timeZone);
  if (!iso) return { why: `not a local date-time: ${local}` };
  return {
    entity: {
      platform: "sensor",
      id: info.key,
      name: info.name,
      deviceClass: "timestamp",
      diagnostic: true,
      cadence: "fast",
    },
    payload: iso,
  };
}

function textPayload(reading: Reading): string | null {
  const value = reading.value;
  if (value.kind === "text") return value.text.trim();
  if (value.kind === "number") return toDecimalString(value.exact);
  return value.local;
}

/**
 * Tariff and status registers become plain text sensors. An enum sensor would need every possible
 * state listed at discovery, and HA rejects a state outside `options` (sensor docs); operators
 * number their tariffs differently, so the set is not known in advance.
 */
function convertText(info: RegisterInfo, reading: Reading): Converted {
  const payload = textPayload(reading);
  if (!payload) return { why: "empty" };
  return {
    entity: {
      platform: "sensor",
      id: info.key,
      name: info.name,
      diagnostic: info.kind === "status",
      cadence: "on-change",
    },
    payload,
  };
}

function convert(info: RegisterInfo, reading: Reading, timeZone: string): Converted | null {
  switch (info.kind) {
    case "energy":
      return convertEnergy(info, reading);
    case "power":
    case "voltage":
    case "current":
    case "frequency":
    case "power-factor":
      return convertMeasurement(info, reading);
    case "clock":
      return reading.value.kind === "datetime"
        ? convertClock(info, reading.value.local, timeZone)
        : { why: "not a date-time" };
    case "tariff":
    case "status":
      return convertText(info, reading);
    case "identity":
      return null; // goes into the device info, not into an entity
  }
}

const CLOCK_INFO = registerInfoFor("0-0:1.0.0");
/**
 * `derived` are values the meter runtime computed from the snapshot (signed net power); they are
 * announced after what the meter stated.
 */
export function meterEntitiesOf(
  snapshot: Snapshot,
  derived: readonly Reading[],
  timeZone: string,
): MeterEntities {
  const entities = new Map<string, SensorEntity>();
  const states = new Map<string, EntityState>();
  const skipped: { obis: string; why: string }[] = [];
  const add = (converted: Converted) => {
    // 1-0:1.8.0 and 1-1:1.8.0 would share a key: the first one stated wins.
    if ("why" in converted || entities.has(converted.entity.id)) return;
    entities.set(converted.entity.id, converted.entity);
    states.set(converted.entity.id, { entityId: converted.entity.id, payload: converted.payload });
  };
  const addReadings = (readings: readonly Reading[]) => {
    for (const reading of readings) {
      const info = registerInfoFor(reading.obis);
      const converted = info && convert(info, reading, timeZone);
      if (!converted) continue;
      if ("why" in converted) skipped.push({ obis: reading.obis, why: converted.why });
      else add(converted);
    }
  };
  addReadings(snapshot.readings);
  if (CLOCK_INFO && snapshot.meterTime) add(convertClock(CLOCK_INFO, snapshot.meterTime, timeZone));
  addReadings(derived);
  return { entities: [...entities.values()], states: [...states.values()], skipped };
}
