import { describe, expect, it } from "vitest";
import { nominalStepMs, toEnergyIntervals, toHourly } from "../../../../src/analytics/series/resample.js";
import type { TimedValue } from "../../../../src/analytics/series/types.js";
import { ZonedCalendar } from "../../../../src/time/zoned.js";

const utcCalendar = new ZonedCalendar("UTC");
const T0 = Date.parse("2024-01-01T00:00:00Z");
const Q = 15 * 60_000;
const readings = (values: number[], step = Q): TimedValue[] =>
  values.map((value, i) => ({ timeMs: T0 + i * step, value }));

describe("resampling to hourly energy", () => {
  it.each([
    ["interval-kwh", [0.25, 0.25, 0.25, 0.25], 1],
    ["interval-wh", [250, 250, 250, 250], 1],
    ["mean-kw", [2, 2, 2, 2], 2],
    ["mean-w", [400, 400, 400, 400], 0.4],
  ] as const)("%s", (kind, values, expected) => {
    const r = readings([...values]);
    const hourly = toHourly(toEnergyIntervals(r, kind, nominalStepMs(r)).intervals, utcCalendar);
    expect(hourly.kwh.length).toBe(1);
    expect(hourly.kwh[0]).toBeCloseTo(expected, 12);
  });

  it("differences a cumulative counter and reports decreases instead of negative energy", () => {
    const r = readings([10, 10.5, 11, 9, 9.5]);
    const { intervals, decreases } = toEnergyIntervals(r, "cumulative-kwh", Q);
    expect(intervals.map((iv) => iv.kwh)).toEqual([0.5, 0.5, 0.5]);
    expect(decreases).toEqual([{ timeMs: T0 + 3 * Q, dropKwh: 2 }]);
  });

  it("keeps an hour whose gap lies inside it, but never splits a difference across hours", () => {
    // 00:00 → 00:45 is one 45-minute difference inside hour 0: the hour total is still exact.
    const inside: TimedValue[] = [T0, T0 + 3 * Q, T0 + 4 * Q].map((timeMs, i) => ({ timeMs, value: i }));
    expect(
      Array.from(toHourly(toEnergyIntervals(inside, "cumulative-kwh", Q).intervals, utcCalendar).kwh),
    ).toEqual([2]);
    // 00:45 → 01:30 spans the boundary: both hours are unknown.
    const across: TimedValue[] = [0, 1, 2, 3, 6, 7, 8].map((q, i) => ({ timeMs: T0 + q * Q, value: i }));
    const hourly = toHourly(toEnergyIntervals(across, "cumulative-kwh", Q).intervals, utcCalendar);
    expect(Array.from(hourly.kwh).map(Number.isNaN)).toEqual([true, true]);
  });

  it("marks incomplete hours missing", () => {
    const r = readings([0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    const hourly = toHourly(toEnergyIntervals(r, "interval-kwh", Q).intervals, utcCalendar);
    expect(hourly.kwh[0]).toBeCloseTo(0.4, 12);
    expect(Number.isNaN(hourly.kwh[1]!)).toBe(true);
  });
});
