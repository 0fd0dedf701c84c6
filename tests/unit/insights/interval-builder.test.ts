import { describe, expect, it } from "vitest";
import { IntervalBuilder, INTERVAL_MS } from "../../../src/insights/interval-builder.js";

const T0 = Date.UTC(2026, 2, 10, 10, 0, 0);
const MIN = 60_000;
const totals = (importKwh: number, exportKwh: number | null = 0, tariffs: Record<string, number> = {}) => ({
  importKwh,
  exportKwh,
  tariffs,
});

describe("IntervalBuilder", () => {
  it("closes a quarter hour at the boundary, splitting the pair that straddles it by time", () => {
    const builder = new IntervalBuilder();
    builder.add(T0, totals(99.9));
    builder.add(T0 + 1 * MIN, totals(100));
    expect(builder.add(T0 + 14 * MIN, totals(101.3)).closed).toEqual([]);
    // 14 → 16 min: 1.0 kWh, half of it before the boundary.
    const { closed, resumeFrom } = builder.add(T0 + 16 * MIN, totals(102.3));
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ startMs: T0, endMs: T0 + INTERVAL_MS, estimated: false });
    expect(closed[0]!.importKwh).toBeCloseTo(1.9, 12);
    expect(resumeFrom).toMatchObject({ timeMs: T0 + INTERVAL_MS });
    expect(resumeFrom!.importKwh).toBeCloseTo(101.8, 12);
  });

  it("leaves out the interval a first run starts in, which holds only part of its energy", () => {
    const builder = new IntervalBuilder();
    builder.add(T0 + 7 * MIN, totals(10));
    expect(builder.add(T0 + 16 * MIN, totals(11)).closed).toEqual([]);
    expect(builder.add(T0 + 31 * MIN, totals(12)).closed.map((c) => c.startMs)).toEqual([T0 + INTERVAL_MS]);
  });

  it("shares an outage's energy over the intervals it spans and marks them estimated, losing nothing", () => {
    const builder = new IntervalBuilder();
    builder.add(T0, totals(10, 5));
    builder.add(T0 + 1 * MIN, totals(10.1, 5));
    // An hour without pushes: 4 kWh more.
    const { closed } = builder.add(T0 + 61 * MIN, totals(14.1, 5.6));
    expect(closed.map((c) => c.startMs)).toEqual([0, 1, 2, 3].map((i) => T0 + i * INTERVAL_MS));
    expect(closed.every((c) => c.estimated)).toBe(true);
    expect(closed[1]!.importKwh).toBeCloseTo(1, 12);
    const sum = closed.reduce((s, c) => s + c.importKwh, 0);
    expect(sum).toBeCloseTo(4.1 - 4 / 60, 12); // the last minute belongs to the open interval
    expect(closed[3]!.exportKwh).toBeCloseTo(0.15, 12);
  });

  it("continues from a stored boundary state after a restart", () => {
    const first = new IntervalBuilder();
    first.add(T0, totals(1));
    const { resumeFrom } = first.add(T0 + 20 * MIN, totals(3));
    const second = new IntervalBuilder(resumeFrom);
    const { closed } = second.add(T0 + 30 * MIN, totals(4));
    expect(closed).toHaveLength(1);
    // 15 → 30 min: 0.5 kWh interpolated before the restart, 1 kWh after.
    expect(closed[0]!.importKwh).toBeCloseTo(1.5, 12);
  });

  it("ignores repeated and older pushes, and a register that went down adds nothing", () => {
    const builder = new IntervalBuilder();
    builder.add(T0, totals(5));
    expect(builder.add(T0, totals(6)).closed).toEqual([]);
    expect(builder.add(T0 - MIN, totals(7)).closed).toEqual([]);
    const result = builder.add(T0 + 15 * MIN, totals(4));
    expect(result.notes).toEqual([{ kind: "went-down", register: "import", dropKwh: 1 }]);
    expect(result.closed[0]!.importKwh).toBe(0);
  });

  it("keeps tariff registers per interval and export null for a meter without one", () => {
    const builder = new IntervalBuilder();
    builder.add(T0, totals(10, null, { t1: 4, t2: 6 }));
    const { closed } = builder.add(T0 + 15 * MIN, totals(11, null, { t1: 4.25, t2: 6.75 }));
    expect(closed[0]).toMatchObject({ exportKwh: null, tariffs: { t1: 0.25, t2: 0.75 } });
  });

  it("does not spread a gap of months", () => {
    const builder = new IntervalBuilder();
    builder.add(T0, totals(1));
    builder.add(T0 + 5 * MIN, totals(1.5));
    const result = builder.add(T0 + 90 * 86_400_000, totals(900));
    // The interval open before the gap closes with what it had; the gap's energy is in no interval.
    expect(result.closed).toHaveLength(1);
    expect(result.closed[0]!.importKwh).toBeCloseTo(0.5, 12);
    expect(result.notes[0]).toMatchObject({ kind: "gap-not-spread" });
  });
});
