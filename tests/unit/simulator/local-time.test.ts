import { describe, expect, it } from "vitest";
import {
  centralEuropeanTime,
  formatLocalIso,
  fromCentralEuropeanTime,
  isCentralEuropeanSummerTime,
  meterClockIn,
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

describe("meter clock in any zone", () => {
  it("keeps UTC without summer time, and New York and Sydney with theirs", () => {
    const july = Date.UTC(2026, 6, 1, 10, 0, 0);
    const january = Date.UTC(2026, 0, 15, 10, 0, 0);
    const utc = meterClockIn("UTC")(july);
    expect(formatLocalIso(utc.local)).toBe("2026-07-01T10:00:00");
    expect(utc.summerTime).toBe(false);
    expect(utc.weekday).toBe(3);
    const newYork = meterClockIn("America/New_York");
    expect(formatLocalIso(newYork(july).local)).toBe("2026-07-01T06:00:00");
    expect([newYork(july).summerTime, newYork(january).summerTime]).toEqual([true, false]);
    // South of the equator summer time is in January.
    const sydney = meterClockIn("Australia/Sydney");
    expect(formatLocalIso(sydney(january).local)).toBe("2026-01-15T21:00:00");
    expect([sydney(january).summerTime, sydney(july).summerTime]).toEqual([true, false]);
  });

  it("agrees with the zone database for the E450's home zones", () => {
    const generic = (epochMs: number) => {
      const parts = new Intl.DateTimeFormat("en-CA", {
        timeZone: "Europe/Zurich",
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      }).formatToParts(epochMs);
      const get = (type: string) => parts.find((part) => part.type === type)?.value;
      return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
    };
    const zurich = meterClockIn("Europe/Zurich");
    for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2027, 0, 1); at += 7 * 3_600_000 + 1_234_000) {
      expect(formatLocalIso(zurich(at).local)).toBe(generic(at));
    }
  });

  it("refuses a zone that does not exist", () => {
    expect(() => meterClockIn("Europe/Atlantis")).toThrow(RangeError);
  });
});
