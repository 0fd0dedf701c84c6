import { describe, expect, it } from "vitest";
import {
  centralEuropeanTime,
  formatLocalIso,
  fromCentralEuropeanTime,
  isCentralEuropeanSummerTime,
} from "../../../src/simulator/local-time.js";

describe("meter clock (CET/CEST)", () => {
  it("switches to summer time at 01:00 UTC on the last Sunday of March and back in October", () => {
    expect(isCentralEuropeanSummerTime(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe(false);
    expect(isCentralEuropeanSummerTime(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe(true);
    expect(isCentralEuropeanSummerTime(Date.UTC(2026, 9, 25, 0, 59, 59))).toBe(true);
    expect(isCentralEuropeanSummerTime(Date.UTC(2026, 9, 25, 1, 0, 0))).toBe(false);
  });

  it("gives local wall-clock time and ISO weekday", () => {
    const summer = centralEuropeanTime(Date.UTC(2026, 4, 4, 9, 39, 21));
    expect(formatLocalIso(summer.local)).toBe("2026-05-04T11:39:21");
    expect(summer.weekday).toBe(1);
    expect(summer.summerTime).toBe(true);
    const winter = centralEuropeanTime(Date.UTC(2022, 1, 21, 16, 37, 30));
    expect(formatLocalIso(winter.local)).toBe("2022-02-21T17:37:30");
    expect(winter.summerTime).toBe(false);
    expect(centralEuropeanTime(Date.UTC(2026, 5, 21, 10)).weekday).toBe(7);
  });

  it("inverts local time back to the instant", () => {
    for (const local of [
      { year: 2026, month: 5, day: 4, hour: 11, minute: 39, second: 21 },
      { year: 2022, month: 2, day: 21, hour: 17, minute: 37, second: 30 },
    ]) {
      expect(centralEuropeanTime(fromCentralEuropeanTime(local)).local).toEqual(local);
    }
  });
});
