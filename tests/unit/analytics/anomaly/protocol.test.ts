/** Issue 13's independent protocol: the seeded injection and its scoring rules. */
import { median, quantile } from "simple-statistics";
import { describe, expect, it } from "vitest";
import {
  injectProtocolFaults,
  type ProtocolFault,
} from "../../../../src/analytics/anomaly/inject-protocol.js";
import type { AnomalyEvent, AnomalyKind, HourObservation } from "../../../../src/analytics/anomaly/types.js";
import {
  alarmsByKind,
  falseAlarmsPer30Days,
  scoreProtocol,
} from "../../../../src/analytics/backtest/protocol-score.js";
import { H, household, START } from "./synthetic.js";

const DAY = 24 * H;
const utcHour = (ms: number) => new Date(ms).getUTCHours();

/** The synthetic household with a daytime export column. */
function withExport(hours: readonly HourObservation[]): HourObservation[] {
  return hours.map((h) => ({
    ...h,
    exportKwh: utcHour(h.startMs) >= 10 && utcHour(h.startMs) < 15 ? 0.4 : 0,
  }));
}

/** The same house at a fraction of its consumption, register included. */
function scaled(hours: readonly HourObservation[], factor: number): HourObservation[] {
  return hours.map((h) => ({
    ...h,
    importKwh: h.importKwh * factor,
    importRegisterKwh: h.importRegisterKwh! * factor,
  }));
}

const index = (ms: number) => (ms - START) / H;

function hoursOf(fault: ProtocolFault): number[] {
  return Array.from({ length: (fault.endMs - fault.startMs) / H }, (_, k) => index(fault.startMs) + k);
}

describe("protocol injection", () => {
  it("is reproducible from the seed and leaves the input untouched", () => {
    const hours = household(200);
    const copy = structuredClone(hours);
    const a = injectProtocolFaults(hours, 42, utcHour);
    expect(injectProtocolFaults(hours, 42, utcHour)).toEqual(a);
    expect(injectProtocolFaults(hours, 43, utcHour).faults).not.toEqual(a.faults);
    expect(hours).toEqual(copy);
  });

  it.each([1, 2, 3, 4, 5])("seed %i: 3 spikes, 2 base-load rises, 2 stalls, 1 zero day, apart", (seed) => {
    const hours = household(200);
    const { faults } = injectProtocolFaults(hours, seed, utcHour);
    const count = (kind: ProtocolFault["kind"]) => faults.filter((f) => f.kind === kind).length;
    expect([count("spike"), count("base-load-rise"), count("stall"), count("zero-day")]).toEqual([
      3, 2, 2, 1,
    ]);
    expect(faults[0]!.startMs).toBeGreaterThanOrEqual(START + 42 * DAY);
    for (let i = 1; i < faults.length; i++) {
      expect(faults[i]!.startMs - faults[i - 1]!.endMs).toBeGreaterThanOrEqual(4 * DAY);
    }
    expect(START + hours.length * H - faults[faults.length - 1]!.endMs).toBeGreaterThanOrEqual(4 * DAY);
  });

  it("sizes spikes at 5 × the 99th-percentile hour and base-load rises at the night median", () => {
    const hours = household(200);
    const { hours: out, faults } = injectProtocolFaults(hours, 7, utcHour);
    const p99 = quantile(
      hours.map((h) => h.importKwh),
      0.99,
    );
    const night = median(hours.filter((h) => utcHour(h.startMs) < 5).map((h) => h.importKwh));
    expect(night).toBeGreaterThan(0.15);
    const changed = new Set<number>();
    for (const f of faults.filter((f) => f.kind === "spike" || f.kind === "base-load-rise")) {
      const size = f.kind === "spike" ? 5 * p99 : night;
      expect(f.kwhPerHour).toBeCloseTo(size, 12);
      const span = hoursOf(f);
      if (f.kind === "spike") expect([1, 2]).toContain(span.length);
      else expect(span.length).toBe(240);
      for (const i of span) {
        expect(out[i]!.importKwh - hours[i]!.importKwh).toBeCloseTo(size, 12);
        changed.add(i);
      }
    }
    for (const f of faults.filter((f) => f.kind === "stall" || f.kind === "zero-day")) {
      for (const i of hoursOf(f)) changed.add(i);
    }
    hours.forEach((h, i) => {
      if (!changed.has(i)) expect(out[i]!.importKwh).toBe(h.importKwh);
    });
  });

  it("floors the base-load rise at 0.15 kWh for a house with near-zero nights", () => {
    const hours = scaled(household(200), 0.3);
    const { hours: out, faults } = injectProtocolFaults(hours, 3, utcHour);
    for (const f of faults.filter((f) => f.kind === "base-load-rise")) {
      expect(f.kwhPerHour).toBe(0.15);
      const i = index(f.startMs);
      expect(out[i]!.importKwh - hours[i]!.importKwh).toBeCloseTo(0.15, 12);
    }
  });

  it("makes a zero day 24 h of exact zeros with a flat register, and a stall 12 h without data", () => {
    const hours = withExport(household(200));
    const { hours: out, faults } = injectProtocolFaults(hours, 11, utcHour);
    const zero = faults.find((f) => f.kind === "zero-day")!;
    const day = hoursOf(zero);
    expect(day.length).toBe(24);
    const flat = out[day[0]! - 1]!.importRegisterKwh;
    for (const i of day) {
      expect(out[i]).toMatchObject({ importKwh: 0, exportKwh: 0, importRegisterKwh: flat });
    }
    for (const stall of faults.filter((f) => f.kind === "stall")) {
      const span = hoursOf(stall);
      expect(span.length).toBe(12);
      for (const i of span) {
        expect(out[i]!.importKwh).toBeNaN();
        expect(out[i]!.exportKwh).toBeNaN();
      }
      expect(out[span[0]! - 1]!.importKwh).not.toBeNaN();
      expect(out[span[11]! + 1]!.importKwh).not.toBeNaN();
    }
  });

  it("keeps the register's hourly differences equal to the import wherever both are known", () => {
    const { hours: out } = injectProtocolFaults(household(200), 5, utcHour);
    for (let i = 1; i < out.length; i++) {
      const [a, b] = [out[i - 1]!.importRegisterKwh!, out[i]!.importRegisterKwh!];
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      expect(b - a).toBeCloseTo(out[i]!.importKwh, 9);
    }
  });

  it("never places a fault over hours already missing", () => {
    // A 6-hour gap every 17 days, staggered through the day: room for a 10-day rise between two.
    const hours = household(300).map((h, i) =>
      i % (17 * 24 + 7) < 6 ? { ...h, importKwh: Number.NaN, importRegisterKwh: Number.NaN } : h,
    );
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const f of injectProtocolFaults(hours, seed, utcHour).faults) {
        for (const i of hoursOf(f)) expect(hours[i]!.importKwh).not.toBeNaN();
      }
    }
  });

  it("refuses a series too short for the eight faults", () => {
    expect(() => injectProtocolFaults(household(70), 1, utcHour)).toThrow(/no room/);
  });
});

describe("protocol scoring", () => {
  const fault = (kind: ProtocolFault["kind"], startH: number, hours: number): ProtocolFault => ({
    kind,
    startMs: START + startH * H,
    endMs: START + (startH + hours) * H,
    kwhPerHour: 1,
    description: "",
  });
  /** The kind as a string: "zero-import" is matched by name. */
  const event = (kind: string, startH: number, endH: number): AnomalyEvent => ({
    kind: kind as AnomalyKind,
    startMs: START + startH * H,
    endMs: START + endH * H,
    expected: 0,
    observed: 0,
    unit: "kWh",
    score: 0,
    message: "",
  });
  const found = (f: ProtocolFault, ...events: AnomalyEvent[]) => scoreProtocol(events, [f]).found === 1;

  it("finds a stall only by a data-stall event within 3 h", () => {
    const stall = fault("stall", 1000, 12);
    expect(found(stall, event("data-stall", 1000, 1012))).toBe(true);
    expect(found(stall, event("data-stall", 1014, 1020))).toBe(true);
    expect(found(stall, event("data-stall", 1015, 1020))).toBe(false);
    expect(found(stall, event("data-stall", 990, 997))).toBe(false);
    expect(found(stall, event("zero-import", 1000, 1012))).toBe(false);
    expect(found(stall, event("spike", 1000, 1001))).toBe(false);
  });

  it("finds a zero day by a data-stall or zero-import event within 3 h", () => {
    const zero = fault("zero-day", 1000, 24);
    expect(found(zero, event("zero-import", 1010, 1024))).toBe(true);
    expect(found(zero, event("data-stall", 1026, 1027))).toBe(true);
    expect(found(zero, event("zero-import", 1027, 1030))).toBe(false);
    expect(found(zero, event("unusual-consumption", 1000, 1024))).toBe(false);
    expect(found(zero, event("export-loss", 1000, 1024))).toBe(false);
  });

  it("finds a spike by any statistical event within 3 h, never by a fact about the data", () => {
    const spike = fault("spike", 1000, 2);
    expect(found(spike, event("spike", 1001, 1002))).toBe(true);
    expect(found(spike, event("unusual-consumption", 1004, 1005))).toBe(true);
    expect(found(spike, event("base-load-shift", 900, 998))).toBe(true);
    expect(found(spike, event("spike", 1005, 1006))).toBe(false);
    for (const kind of ["data-stall", "zero-import", "total-backwards", "export-loss"]) {
      expect(found(spike, event(kind, 1000, 1002))).toBe(false);
    }
  });

  it("finds a base-load rise only by a statistical event on it reported within 3 days", () => {
    const rise = fault("base-load-rise", 1000, 240);
    expect(found(rise, event("base-load-shift", 1000, 1072))).toBe(true);
    expect(found(rise, event("unusual-consumption", 1030, 1031))).toBe(true);
    expect(found(rise, event("base-load-shift", 1000, 1073))).toBe(false);
    expect(found(rise, event("spike", 997, 1000))).toBe(false);
    expect(found(rise, event("data-stall", 1010, 1020))).toBe(false);
  });

  it("reports recall per kind and whether every stall and zero day was found", () => {
    const faults = [
      fault("spike", 1000, 1),
      fault("stall", 1200, 12),
      fault("zero-day", 1400, 24),
      fault("base-load-rise", 1600, 240),
    ];
    const some = scoreProtocol([event("spike", 1000, 1001), event("data-stall", 1200, 1212)], faults);
    expect(some.byKind).toEqual({
      spike: { injected: 1, found: 1 },
      "base-load-rise": { injected: 1, found: 0 },
      stall: { injected: 1, found: 1 },
      "zero-day": { injected: 1, found: 0 },
    });
    expect(some.recall).toBe(0.5);
    expect(some.everyStallAndZeroDayFound).toBe(false);
    const all = scoreProtocol(
      [event("spike", 1000, 1001), event("data-stall", 1200, 1212), event("zero-import", 1400, 1424)],
      faults,
    );
    expect(all.everyStallAndZeroDayFound).toBe(true);
    expect(all.recall).toBe(0.75);
  });

  it("counts every clean alarm, of any kind, per 30 days", () => {
    const clean = [event("data-stall", 0, 5), event("spike", 10, 11), event("data-stall", 50, 60)];
    expect(falseAlarmsPer30Days(clean, 45 * DAY)).toBe(2);
    expect(falseAlarmsPer30Days([], 45 * DAY)).toBe(0);
    expect(alarmsByKind(clean)).toEqual([
      ["data-stall", 2],
      ["spike", 1],
    ]);
  });
});
