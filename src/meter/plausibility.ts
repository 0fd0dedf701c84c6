/**
 * Range checks for instantaneous values. The checksums that guard M-Bus long frames (a sum mod 256,
 * EN 13757-2 §5) and IEC 62056-21 readouts (the XOR block check character, §6.3) pass two errors that
 * cancel out, so a frame that passed them can still carry `Current L1 = 327.68 A` (0x8000 centiamps).
 * A value outside what the installation can physically produce is dropped, counted by kind and
 * reported; the rest of the push goes on. Energy totals are the integrity guard's (integrity-guard.ts).
 *
 * The bounds, and why:
 * - Voltage 0…300 V per phase. EN 50160 §4.2.2 keeps a 230 V supply within +10 %/−15 % (195.5…253 V)
 *   all of the time under normal operation; 300 V leaves ~20 % above that for swells within the
 *   meter's averaging. The Landis+Gyr E350/E450 platform's extended operating range is 80…115 % Un
 *   (E350 Series 2 Technical Data, D000027981), so a meter does not measure far beyond it either.
 *   Not below: a phase that is off, a dip, or the voltage an open conductor picks up is real.
 *   Only a broken neutral can lift a phase towards the 400 V line-to-line voltage; that fault shows as
 *   implausible here, and in the log with the value.
 * - Current |I| ≤ 120 A: a direct-connected E450 is a 5(100) A meter (Iref(Imax) on its nameplate),
 *   and a meter's accuracy is specified up to Imax (IEC 62053-21); 120 A leaves 20 % above that. A
 *   larger `max_power_kw` (a transformer-connected installation) raises the bound to that power on one
 *   phase at 230 V, with the fuse margin below.
 * - Power |P|, |Q|, |S| ≤ 1.6 × max_power_kw, per phase and in total. The configured maximum is the
 *   main fuse's rating; a gG fuse carries up to its conventional fusing current, 1.6 In (IEC 60269-1),
 *   for an hour, so a real load can exceed the nominal power by that much for a while.
 * - Frequency 42.5…57.5 Hz: EN 50160 §4.2.1 allows 50 Hz ± 15 % for systems without synchronous
 *   connection to an interconnected system (islands such as Cyprus); interconnected grids stay
 *   within 47…52 Hz.
 * - Power factor −1…1 (or −100…100 %): it is P / S, and |P| ≤ S (IEC 60050-131, "power factor").
 */
import { type ExactNumber, toNumber } from "../model/exact-number.js";
import type { Reading } from "../model/snapshot.js";
import { type BaseUnit, toBaseUnit } from "../model/units.js";
import { type RegisterInfo, registerInfoFor } from "../obis/registry.js";

type ImplausibleKind = "voltage" | "current" | "power" | "frequency" | "power-factor";

export interface PlausibilityLimits {
  /** The configured max_power_kw, in W. */
  readonly maxPowerW: number;
}

interface ImplausibleReading {
  readonly reading: Reading;
  readonly kind: ImplausibleKind;
  /** A sentence naming the register, the value and the bound. */
  readonly why: string;
}

export interface RangeCheck {
  readonly kept: readonly Reading[];
  readonly rejected: readonly ImplausibleReading[];
}

const MAX_VOLTAGE_V = 300;
const METER_MAX_CURRENT_A = 120;
const NOMINAL_PHASE_VOLTAGE_V = 230;
const FUSE_MARGIN = 1.6;
const MIN_FREQUENCY_HZ = 42.5;
const MAX_FREQUENCY_HZ = 57.5;

interface Bound {
  readonly units: readonly string[];
  readonly min: number;
  readonly max: number;
}

function boundFor(kind: ImplausibleKind, limits: PlausibilityLimits): Bound {
  const maxPowerW = FUSE_MARGIN * limits.maxPowerW;
  switch (kind) {
    case "voltage":
      return { units: ["V"], min: 0, max: MAX_VOLTAGE_V };
    case "current": {
      const max = Math.max(METER_MAX_CURRENT_A, maxPowerW / NOMINAL_PHASE_VOLTAGE_V);
      return { units: ["A"], min: -max, max };
    }
    case "power":
      return { units: ["W", "var", "VA"], min: -maxPowerW, max: maxPowerW };
    case "frequency":
      return { units: ["Hz"], min: MIN_FREQUENCY_HZ, max: MAX_FREQUENCY_HZ };
    case "power-factor":
      return { units: [""], min: -1, max: 1 };
  }
}

const CHECKED: ReadonlySet<RegisterInfo["kind"]> = new Set<ImplausibleKind>([
  "voltage",
  "current",
  "power",
  "frequency",
  "power-factor",
]);

/** The value in the bound's unit; null when it is not a number in a unit this check knows. */
function inBaseUnit(exact: ExactNumber, unit: string | null): { value: number; unit: BaseUnit | "" } | null {
  if (unit === null || unit === "") return { value: toNumber(exact), unit: "" };
  if (unit === "%") return { value: toNumber(exact) / 100, unit: "" };
  const quantity = toBaseUnit(exact, unit);
  return quantity && { value: toNumber(quantity.exact), unit: quantity.unit };
}

function format(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** Splits readings into those within their kind's bounds and those outside; others pass untouched. */
export function checkRanges(readings: readonly Reading[], limits: PlausibilityLimits): RangeCheck {
  const kept: Reading[] = [];
  const rejected: ImplausibleReading[] = [];
  for (const reading of readings) {
    const info = registerInfoFor(reading.obis);
    if (!info || !CHECKED.has(info.kind) || reading.value.kind !== "number") {
      kept.push(reading);
      continue;
    }
    const kind = info.kind as ImplausibleKind;
    const bound = boundFor(kind, limits);
    const quantity = inBaseUnit(reading.value.exact, reading.value.unit ?? info.unit);
    // A unit this check does not know is left to the publisher, which skips what it cannot convert.
    if (!quantity || !bound.units.includes(quantity.unit)) {
      kept.push(reading);
      continue;
    }
    if (quantity.value >= bound.min && quantity.value <= bound.max) {
      kept.push(reading);
      continue;
    }
    const unit = quantity.unit === "" ? "" : ` ${quantity.unit}`;
    const range = `${format(bound.min)}…${format(bound.max)}${unit}`;
    rejected.push({
      reading,
      kind,
      why: `${info.name} (${reading.obis}) = ${format(quantity.value)}${unit} is outside ${range}`,
    });
  }
  return { kept, rejected };
}
