import { describe, expect, it } from "vitest";
import { LoadModel, tariffAt } from "../../../src/simulator/load-model.js";
import { centralEuropeanTime, fromCentralEuropeanTime } from "../../../src/simulator/local-time.js";

const local = (year: number, month: number, day: number, hour: number, minute = 0) =>
  fromCentralEuropeanTime({ year, month, day, hour, minute, second: 0 });

const MONDAY_MIDNIGHT = local(2026, 6, 15, 0); // 15 June 2026 is a Monday
const HOUR = 3_600_000;

describe("load model", () => {
  it("gives the same meter for the same seed, however often it is asked", () => {
    const often = new LoadModel({ seed: 7, start: MONDAY_MIDNIGHT });
    for (let t = MONDAY_MIDNIGHT; t <= MONDAY_MIDNIGHT + HOUR; t += 5000) often.advanceTo(t);
    const once = new LoadModel({ seed: 7, start: MONDAY_MIDNIGHT });
    expect(once.advanceTo(MONDAY_MIDNIGHT + HOUR)).toEqual(often.advanceTo(MONDAY_MIDNIGHT + HOUR));
    const otherSeed = new LoadModel({ seed: 8, start: MONDAY_MIDNIGHT });
    expect(otherSeed.advanceTo(MONDAY_MIDNIGHT + HOUR).energy).not.toEqual(
      once.advanceTo(MONDAY_MIDNIGHT + HOUR).energy,
    );
  });

  it("integrates the power it reports into the energy registers", () => {
    const start = local(2026, 6, 15, 10); // within high tariff, one register moves
    const model = new LoadModel({ seed: 3, start });
    const before = model.advanceTo(start).energy.activeImport;
    let wattSeconds = 0;
    for (let second = start / 1000 + 1; second <= start / 1000 + 3600; second++) {
      wattSeconds += model.powerAt(second).activeImport;
    }
    const after = model.advanceTo(start + HOUR).energy.activeImport;
    expect(wattSeconds).toBeGreaterThan(100 * 3600); // the household did draw power
    expect(Math.abs(after.t1 - before.t1 - wattSeconds / 3600)).toBeLessThan(1);
    expect(after.t2).toBe(before.t2);
  });

  it("never lets a register go down, and totals are the sum of the tariffs", () => {
    const model = new LoadModel({ seed: 11, start: MONDAY_MIDNIGHT, photovoltaicPeakWatts: 9000 });
    let previous = model.advanceTo(MONDAY_MIDNIGHT).energy;
    for (let t = MONDAY_MIDNIGHT; t <= MONDAY_MIDNIGHT + 24 * HOUR; t += 10 * 60_000) {
      const energy = model.advanceTo(t).energy;
      for (const name of ["activeImport", "activeExport", "reactiveImport", "reactiveExport"] as const) {
        expect(energy[name].t1).toBeGreaterThanOrEqual(previous[name].t1);
        expect(energy[name].t2).toBeGreaterThanOrEqual(previous[name].t2);
        expect(energy[name].total).toBe(energy[name].t1 + energy[name].t2);
      }
      previous = energy;
    }
  });

  it("produces PV only while the sun is up, more in June than in December", () => {
    const model = new LoadModel({ seed: 5, start: local(2026, 1, 1, 0), photovoltaicPeakWatts: 8000 });
    const pvAt = (epochMs: number) => model.powerAt(epochMs / 1000).photovoltaic;
    for (const hour of [0, 2, 4, 22, 23]) expect(pvAt(local(2026, 6, 21, hour))).toBe(0);
    for (const hour of [0, 6, 18, 21]) expect(pvAt(local(2026, 12, 21, hour))).toBe(0);
    expect(pvAt(local(2026, 6, 21, 13, 30))).toBeGreaterThan(1000);
    const middayEnergy = (month: number) => {
      let sum = 0;
      for (let minute = 0; minute < 24 * 60; minute += 10)
        sum += pvAt(local(2026, month, 21, 0) + minute * 60_000);
      return sum;
    };
    expect(middayEnergy(6)).toBeGreaterThan(2 * middayEnergy(12));
  });

  it("exports only with PV", () => {
    const noon = local(2026, 6, 21, 13);
    const withPv = new LoadModel({ seed: 2, start: noon - HOUR, photovoltaicPeakWatts: 10_000 });
    const exportedBefore = withPv.advanceTo(noon - HOUR).energy.activeExport.total;
    expect(withPv.advanceTo(noon).energy.activeExport.total).toBeGreaterThan(exportedBefore);
    const withoutPv = new LoadModel({ seed: 2, start: noon - HOUR });
    const measured = withoutPv.advanceTo(noon);
    expect(measured.energy.activeExport.total).toBe(0);
    expect(measured.activePowerExport).toBe(0);
  });

  it("follows a household day: base load at night, peaks morning and evening", () => {
    const model = new LoadModel({ seed: 9, start: MONDAY_MIDNIGHT });
    const meanImport = (fromHour: number, toHour: number) => {
      let sum = 0;
      let count = 0;
      for (
        let t = MONDAY_MIDNIGHT + fromHour * HOUR;
        t < MONDAY_MIDNIGHT + toHour * HOUR;
        t += 60_000, count++
      ) {
        sum += model.powerAt(t / 1000).activeImport;
      }
      return sum / count;
    };
    const night = meanImport(2, 5);
    expect(night).toBeGreaterThanOrEqual(150);
    expect(night).toBeLessThan(450);
    expect(meanImport(18, 21)).toBeGreaterThan(night * 1.8);
    expect(meanImport(6.5, 8)).toBeGreaterThan(night * 1.3);
  });

  it("keeps voltages in 228–240 V and currents consistent with the phase power", () => {
    const model = new LoadModel({ seed: 4, start: MONDAY_MIDNIGHT, photovoltaicPeakWatts: 6000 });
    for (let t = MONDAY_MIDNIGHT; t <= MONDAY_MIDNIGHT + 24 * HOUR; t += 7 * 60_000) {
      const m = model.advanceTo(t);
      for (const phase of m.phases) {
        expect(phase.voltage).toBeGreaterThanOrEqual(228);
        expect(phase.voltage).toBeLessThanOrEqual(240);
        // S = U·I ≥ |P|: the current carries at least the active power (rounding allowed)
        expect(
          (phase.currentCentiamps / 100) * phase.voltage + phase.voltage / 200 + 1,
        ).toBeGreaterThanOrEqual(Math.abs(phase.activePower));
      }
      expect(m.powerFactorThousandths).toBeGreaterThan(0);
      expect(m.powerFactorThousandths).toBeLessThanOrEqual(1000);
      expect(m.activePowerImport === 0 || m.activePowerExport === 0).toBe(true);
    }
  });

  it("refuses to run backwards", () => {
    const model = new LoadModel({ seed: 1, start: MONDAY_MIDNIGHT });
    model.advanceTo(MONDAY_MIDNIGHT + 60_000);
    expect(() => model.advanceTo(MONDAY_MIDNIGHT)).toThrow(RangeError);
  });

  it("applies the double tariff: high on working days 07–20 h and Saturday morning", () => {
    const tariff = (epochMs: number) => tariffAt(centralEuropeanTime(epochMs));
    expect(tariff(local(2026, 6, 15, 10))).toBe(1);
    expect(tariff(local(2026, 6, 15, 20))).toBe(2);
    expect(tariff(local(2026, 6, 20, 12))).toBe(1); // Saturday
    expect(tariff(local(2026, 6, 20, 14))).toBe(2);
    expect(tariff(local(2026, 6, 21, 12))).toBe(2); // Sunday
  });
});
