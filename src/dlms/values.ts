/**
 * Turns raw registers into readings with exact scaled values. Scaler precedence: the user's
 * per-register override, then the scaler_unit the meter sent, then — for Landis+Gyr pushes, which
 * never send one (no public E450 capture carries a scaler_unit) — the E450 register defaults from the
 * OBIS registry (current ×0.01 A, power factor ×0.001, as scs/smartmeter-datacollector cosem.py
 * DEFAULT_REGISTER_MAP has them). Other meters' unscaled values stay raw, without a unit.
 *
 * Volts: the E450 sends integer volts, the E360 0.1 V, and neither says so (scs/smartmeter-datacollector
 * lge360.py scales E360 volts by 0.1; UtilitechAS/amsreader-firmware#949 shows an E450's 234 V as
 * 23.4 V). Mains voltage lies between 100 and 500 V, so a raw phase voltage above 1000 can only be
 * decivolts; the whole push then uses scaler −1.
 */
import { exact } from "../model/exact-number.js";
import { type ObisCode, formatObis } from "../obis/obis.js";
import { registerInfo } from "../obis/registry.js";
import type { Reading, ReadingValue } from "../model/snapshot.js";
import { parseCosemDateTime } from "./datetime.js";
import type { RawRegister } from "./layouts/register.js";
import { isPrintable } from "./layouts/obis-shape.js";
import { cosemUnit } from "./units.js";

export interface ScalingPolicy {
  /** Apply the E450 defaults to unscaled registers (Landis+Gyr meters and E450 layouts). */
  readonly e450Defaults: boolean;
  /** Scaler overrides by full OBIS ("1-0:31.7.0.255") or C.D.E ("31.7.0"). */
  readonly overrides?: ReadonlyMap<string, number>;
}

const DECIVOLT_THRESHOLD = 1000n;

export function toReadings(registers: readonly RawRegister[], policy: ScalingPolicy): Reading[] {
  const voltageScaler = policy.e450Defaults ? inferVoltageScaler(registers) : 0;
  const readings: Reading[] = [];
  for (const register of registers) {
    const obis =
      register.label.kind === "obis" ? formatObis(register.label.code) : `#${register.label.index}`;
    const code = register.label.kind === "obis" ? register.label.code : null;
    const value = toValue(register, code, policy, voltageScaler);
    if (value) readings.push({ obis, value });
  }
  return readings;
}

function isVoltage(code: ObisCode | null): boolean {
  return code !== null && code.a === 1 && code.d === 7 && [32, 52, 72].includes(code.c);
}

function inferVoltageScaler(registers: readonly RawRegister[]): number {
  const decivolts = registers.some(
    (register) =>
      register.label.kind === "obis" &&
      isVoltage(register.label.code) &&
      !register.scalerUnit &&
      register.data.type === "integer" &&
      register.data.value > DECIVOLT_THRESHOLD,
  );
  return decivolts ? -1 : 0;
}

function overrideFor(code: ObisCode | null, policy: ScalingPolicy): number | undefined {
  if (!code || !policy.overrides) return undefined;
  return policy.overrides.get(formatObis(code)) ?? policy.overrides.get(`${code.c}.${code.d}.${code.e}`);
}

function toValue(
  register: RawRegister,
  code: ObisCode | null,
  policy: ScalingPolicy,
  voltageScaler: number,
): ReadingValue | null {
  const { data } = register;
  switch (data.type) {
    case "integer": {
      const info = code ? registerInfo(code) : undefined;
      const override = overrideFor(code, policy);
      if (register.scalerUnit) {
        return {
          kind: "number",
          exact: exact(data.value, override ?? register.scalerUnit.scaler),
          unit: cosemUnit(register.scalerUnit.unit),
        };
      }
      if (override !== undefined)
        return { kind: "number", exact: exact(data.value, override), unit: info?.unit ?? null };
      if (!policy.e450Defaults) return { kind: "number", exact: exact(data.value), unit: null };
      const scaler = isVoltage(code) ? voltageScaler : (info?.defaultScaler ?? 0);
      return { kind: "number", exact: exact(data.value, scaler), unit: info?.unit ?? null };
    }
    case "enum":
      return { kind: "number", exact: exact(data.value), unit: null };
    case "boolean":
      return { kind: "number", exact: exact(data.value ? 1 : 0), unit: null };
    case "float":
      return {
        kind: "number",
        exact: exact(BigInt(Math.round(data.value * 1e6)), -6),
        unit: register.scalerUnit ? cosemUnit(register.scalerUnit.unit) : null,
      };
    case "octet-string": {
      const time = data.bytes.length === 12 ? parseCosemDateTime(data.bytes) : null;
      if (time) return { kind: "datetime", local: time.local };
      if (isPrintable(data.bytes))
        return { kind: "text", text: Buffer.from(data.bytes).toString("latin1").replace(/\0+$/, "") };
      return { kind: "text", text: Buffer.from(data.bytes).toString("hex").toUpperCase() };
    }
    case "visible-string":
    case "utf8-string":
      // Fixed-width fields come NUL-padded (ZMF100 serial: "40799390" + 8 × 00).
      return { kind: "text", text: data.text.replace(/\0+$/, "") };
    case "date-time": {
      const time = parseCosemDateTime(data.bytes);
      return time ? { kind: "datetime", local: time.local } : null;
    }
    case "bcd":
      return { kind: "number", exact: exact(data.value), unit: null };
    default:
      return null; // structures, arrays, null: not a register value
  }
}
