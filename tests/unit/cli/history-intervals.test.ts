import { describe, expect, it } from "vitest";
import type { LoadedReadings } from "../../../src/analytics/io/load.js";
import type { TimedValue } from "../../../src/analytics/series/types.js";
import { findGaps, toImportedIntervals, UnsupportedStepError } from "../../../src/cli/history-intervals.js";
import type { StoredInterval } from "../../../src/store/types.js";

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const QUARTER = 15 * MIN;

function loaded(values: number[], stepMs = QUARTER): LoadedReadings {
  const readings: TimedValue[] = values.map((value, i) => ({ timeMs: T0 + i * stepMs, value }));
  return { readings, columns: ["f.csv:kWh"], warnings: [] };
}

describe("toImportedIntervals", () => {
  it("writes one imported interval per 15-minute interval-kWh row, labelled by its start", () => {
    const result = toImportedIntervals(loaded([0.1, 0.2, 0.3]), null, "interval-kwh");
    expect(result.stepMs).toBe(QUARTER);
    expect(result.intervals).toEqual([
      { startMs: T0, endMs: T0 + QUARTER, importKwh: 0.1, exportKwh: null, source: "imported" },
      { startMs: T0 + QUARTER, endMs: T0 + 2 * QUARTER, importKwh: 0.2, exportKwh: null, source: "imported" },
      {
        startMs: T0 + 2 * QUARTER,
        endMs: T0 + 3 * QUARTER,
        importKwh: 0.3,
        exportKwh: null,
        source: "imported",
      },
    ]);
  });

  it("turns mean power into energy over the row's duration", () => {
    // 2 kW for half an hour is 1 kWh; 500 W for an hour is 0.5 kWh.
    expect(toImportedIntervals(loaded([2, 2], 30 * MIN), null, "mean-kw").intervals[0]?.importKwh).toBe(1);
    expect(toImportedIntervals(loaded([500, 500], 60 * MIN), null, "mean-w").intervals[0]?.importKwh).toBe(
      0.5,
    );
    expect(toImportedIntervals(loaded([250, 250]), null, "interval-wh").intervals[0]?.importKwh).toBe(0.25);
  });

  it("turns counter readings into differences, each ending at the next reading", () => {
    const result = toImportedIntervals(loaded([10, 10.5, 11.25]), null, "cumulative-kwh");
    expect(result.intervals.map((iv) => [iv.startMs - T0, iv.endMs - T0, iv.importKwh])).toEqual([
      [0, QUARTER, 0.5],
      [QUARTER, 2 * QUARTER, 0.75],
    ]);
  });

  it("leaves a blank row as a gap, not a zero", () => {
    const result = toImportedIntervals(loaded([0.1, Number.NaN, 0.3, 0.4]), null, "interval-kwh");
    expect(result.blankRows).toBe(1);
    expect(result.intervals.map((iv) => (iv.startMs - T0) / QUARTER)).toEqual([0, 2, 3]);
    expect(findGaps(result.intervals)).toEqual({
      count: 1,
      longest: { startMs: T0 + QUARTER, endMs: T0 + 2 * QUARTER },
    });
  });

  it("does not spread a counter difference across a blank: it is counted, not written", () => {
    // 10 → (blank) → 11 → 11.5: the 1 kWh over the two quarters around the blank is known only as a whole.
    const result = toImportedIntervals(loaded([10, Number.NaN, 11, 11.5]), null, "cumulative-kwh");
    expect(result.intervals.map((iv) => [(iv.startMs - T0) / QUARTER, iv.importKwh])).toEqual([[2, 0.5]]);
    expect(result.acrossGaps).toEqual({ count: 1, kwh: 1 });
  });

  it("counts a counter that goes down and writes nothing for that step", () => {
    const result = toImportedIntervals(loaded([10, 11, 3, 4]), null, "cumulative-kwh");
    expect(result.counterDecreases).toBe(1);
    expect(result.intervals.map((iv) => iv.importKwh)).toEqual([1, 1]);
  });

  it("pairs the export column with the import interval of the same start; a blank export is null", () => {
    const result = toImportedIntervals(
      loaded([0.1, 0.2, 0.3]),
      loaded([0, Number.NaN, 0.05]),
      "interval-kwh",
    );
    expect(result.intervals.map((iv) => iv.exportKwh)).toEqual([0, null, 0.05]);
  });

  it("refuses steps that do not divide the hour, naming the step", () => {
    expect(() => toImportedIntervals(loaded([1, 2, 3], 24 * 60 * MIN), null, "interval-kwh")).toThrow(
      new UnsupportedStepError(
        "the rows are 24 h apart; history import takes data at 15, 30 or 60 minutes (any step that divides the hour)",
      ),
    );
    expect(() => toImportedIntervals(loaded([1, 2, 3], 45 * MIN), null, "interval-kwh")).toThrow(
      /45 min apart/,
    );
  });
});

describe("findGaps", () => {
  const at = (quarter: number): StoredInterval => ({
    startMs: T0 + quarter * QUARTER,
    endMs: T0 + (quarter + 1) * QUARTER,
    importKwh: 1,
    exportKwh: null,
    source: "imported",
  });

  it("counts the stretches between intervals and names the longest", () => {
    expect(findGaps([at(0), at(2), at(3), at(7), at(8)])).toEqual({
      count: 2,
      longest: { startMs: T0 + 4 * QUARTER, endMs: T0 + 7 * QUARTER },
    });
  });

  it("finds none in contiguous data or a single interval", () => {
    expect(findGaps([at(0), at(1), at(2)])).toEqual({ count: 0, longest: null });
    expect(findGaps([at(5)])).toEqual({ count: 0, longest: null });
  });
});
