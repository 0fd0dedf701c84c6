/**
 * What the decoder must report for a simulated push: the readings implied by the values the simulator
 * encoded (its PushContext), written from the formats' documented layouts (research note §2), not
 * from the simulator's encoders, so that the round trip checks both sides.
 */
import { expect } from "vitest";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { compareExact, type ExactNumber, exact } from "../../../src/model/exact-number.js";
import type { FormatName, PushContext } from "../../../src/simulator/index.js";
import { formatLocalIso } from "../../../src/simulator/local-time.js";

type ExpectedValue =
  | { readonly kind: "number"; readonly exact: ExactNumber; readonly unit: string }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "datetime"; readonly local: string };

export interface ExpectedSnapshot {
  readonly meterTime: string | null;
  readonly readings: ReadonlyMap<string, ExpectedValue>;
}

const number = (raw: number, unit: string, scaler = 0): ExpectedValue => ({
  kind: "number",
  exact: exact(raw, scaler),
  unit,
});

export function expectedSnapshot(format: FormatName, context: PushContext): ExpectedSnapshot {
  const m = context.measurements;
  const e = m.energy;
  const time = formatLocalIso(m.clock.local);
  const [l1, l2, l3] = m.phases;
  const phaseReadings = (b: number): [string, ExpectedValue][] => [
    [`1-${b}:32.7.0.255`, number(l1.voltage, "V")],
    [`1-${b}:52.7.0.255`, number(l2.voltage, "V")],
    [`1-${b}:72.7.0.255`, number(l3.voltage, "V")],
    [`1-${b}:31.7.0.255`, number(l1.currentCentiamps, "A", -2)],
    [`1-${b}:51.7.0.255`, number(l2.currentCentiamps, "A", -2)],
    [`1-${b}:71.7.0.255`, number(l3.currentCentiamps, "A", -2)],
  ];
  switch (format) {
    case "swiss":
      return {
        meterTime: time,
        readings: new Map<string, ExpectedValue>([
          ["0-0:42.0.0.255", { kind: "text", text: context.identity.logicalDeviceName }],
          ["0-0:96.1.1.255", { kind: "text", text: context.identity.serialNumber }],
          ["0-0:1.0.0.255", { kind: "datetime", local: time }],
          ["1-1:1.8.0.255", number(e.activeImport.total, "Wh")],
          ["1-1:2.8.0.255", number(e.activeExport.total, "Wh")],
          ["1-1:3.8.0.255", number(e.reactiveImport.total, "varh")],
          ["1-1:4.8.0.255", number(e.reactiveExport.total, "varh")],
          ["1-0:1.7.0.255", number(m.activePowerImport, "W")],
          ["1-0:2.7.0.255", number(m.activePowerExport, "W")],
          ...phaseReadings(0),
        ]),
      };
    case "steiermark":
      return {
        meterTime: time,
        readings: new Map<string, ExpectedValue>(
          (
            [
              [1, e.activeImport, m.activePowerImport, "Wh", "W"],
              [2, e.activeExport, m.activePowerExport, "Wh", "W"],
              [3, e.reactiveImport, m.reactivePowerImport, "varh", "var"],
              [4, e.reactiveExport, m.reactivePowerExport, "varh", "var"],
            ] as const
          ).flatMap(([c, register, power, energyUnit, powerUnit]): [string, ExpectedValue][] => [
            [`1-0:${c}.8.0.255`, number(register.total, energyUnit)],
            [`1-0:${c}.8.1.255`, number(register.t1, energyUnit)],
            [`1-0:${c}.8.2.255`, number(register.t2, energyUnit)],
            [`1-0:${c}.7.0.255`, number(power, powerUnit)],
          ]),
        ),
      };
    case "burgenland":
      return {
        meterTime: time,
        readings: new Map<string, ExpectedValue>([
          ...phaseReadings(0),
          ["1-0:1.7.0.255", number(m.activePowerImport, "W")],
          ["1-0:2.7.0.255", number(m.activePowerExport, "W")],
          ["1-0:1.8.0.255", number(e.activeImport.total, "Wh")],
          ["1-0:2.8.0.255", number(e.activeExport.total, "Wh")],
          ["0-0:96.1.0.255", { kind: "text", text: context.identity.serialNumber }],
        ]),
      };
    case "wiener-netze":
      return {
        meterTime: time,
        readings: new Map<string, ExpectedValue>([
          ["1-0:1.8.0.255", number(e.activeImport.total, "Wh")],
          ["1-0:2.8.0.255", number(e.activeExport.total, "Wh")],
          ["1-0:3.8.0.255", number(e.reactiveImport.total, "varh")],
          ["1-0:4.8.0.255", number(e.reactiveExport.total, "varh")],
          ["1-0:1.7.0.255", number(m.activePowerImport, "W")],
          ["1-0:2.7.0.255", number(m.activePowerExport, "W")],
          ["1-0:3.7.0.255", number(m.reactivePowerImport, "var")],
          ["1-0:4.7.0.255", number(m.reactivePowerExport, "var")],
        ]),
      };
    case "iec62056-21":
      return {
        meterTime: null,
        readings: new Map<string, ExpectedValue>([
          ["C.1.0", { kind: "text", text: context.identity.serialNumber }],
          ["1.8.0", number(e.activeImport.total, "kWh", -3)],
          ["1.8.1", number(e.activeImport.t1, "kWh", -3)],
          ["1.8.2", number(e.activeImport.t2, "kWh", -3)],
          ["2.8.0", number(e.activeExport.total, "kWh", -3)],
          ["2.8.1", number(e.activeExport.t1, "kWh", -3)],
          ["2.8.2", number(e.activeExport.t2, "kWh", -3)],
          ["32.7", number(l1.voltage, "V")],
          ["52.7", number(l2.voltage, "V")],
          ["72.7", number(l3.voltage, "V")],
          ["31.7", number(l1.currentCentiamps, "A", -2)],
          ["51.7", number(l2.currentCentiamps, "A", -2)],
          ["71.7", number(l3.currentCentiamps, "A", -2)],
        ]),
      };
  }
}

/** Every expected reading is present with an equal value (numbers compared exactly, whatever the scaler). */
export function expectSnapshotMatches(actual: Snapshot, expected: ExpectedSnapshot): void {
  if (expected.meterTime !== null) expect(actual.meterTime).toBe(expected.meterTime);
  for (const [obis, value] of expected.readings) {
    const reading = actual.readings.find((candidate) => candidate.obis === obis);
    expect(reading, `reading ${obis}`).toBeDefined();
    const got = reading!.value;
    expect(got.kind, `kind of ${obis}`).toBe(value.kind);
    if (got.kind === "number" && value.kind === "number") {
      expect(got.unit, `unit of ${obis}`).toBe(value.unit);
      expect(compareExact(got.exact, value.exact), `${obis}: ${got.exact.raw}e${got.exact.scaler}`).toBe(0);
    } else {
      expect(got).toEqual(value);
    }
  }
}

/** True when the snapshot equals the expectation (for "nothing wrong is ever emitted" checks). */
export function snapshotMatches(actual: Snapshot, expected: ExpectedSnapshot): boolean {
  try {
    expectSnapshotMatches(actual, expected);
    return true;
  } catch {
    return false;
  }
}
