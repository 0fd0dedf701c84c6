/** Elapsed time on the meter's local clock, with the hour an EU autumn change hides. */
import { describe, expect, it } from "vitest";
import { isLocalDateTime, meterClockElapsedMs } from "../../../src/meter/meter-clock.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("meterClockElapsedMs", () => {
  it("subtracts two local date-times, whatever the zone", () => {
    expect(meterClockElapsedMs("2026-11-28T13:00:00", "2026-11-28T13:10:05")).toBe(10 * MINUTE + 5_000);
    expect(meterClockElapsedMs("2026-12-31T23:59:00", "2027-01-01T00:01:00")).toBe(2 * MINUTE);
  });

  it("is unknown without both clocks, for text that is not a date-time, and when the clock went back", () => {
    expect(meterClockElapsedMs(undefined, "2026-11-28T13:00:00")).toBeNull();
    expect(meterClockElapsedMs("2026-11-28T13:00:00", null)).toBeNull();
    expect(meterClockElapsedMs("2026-04-31T13:00:00", "2026-05-02T13:00:00")).toBeNull();
    expect(meterClockElapsedMs("2026-11-28T13:10:00", "2026-11-28T13:00:00")).toBeNull();
  });

  it("adds the hour that the end of summer time hides (last Sunday of October), not at the start", () => {
    // 25 October 2026: 03:00 summer time becomes 02:00; 01:30 → 03:30 local is 3 h, not 2 h.
    expect(meterClockElapsedMs("2026-10-25T01:30:00", "2026-10-25T03:30:00")).toBe(3 * HOUR);
    expect(meterClockElapsedMs("2026-10-24T12:00:00", "2026-10-26T12:00:00")).toBe(49 * HOUR);
    // 29 March 2026: local time skips an hour, so the local difference already overstates it.
    expect(meterClockElapsedMs("2026-03-29T01:30:00", "2026-03-29T03:30:00")).toBe(2 * HOUR);
    expect(meterClockElapsedMs("2026-10-26T00:00:00", "2026-10-26T01:00:00")).toBe(HOUR);
  });

  it("recognises the local date-times a state file may hold", () => {
    expect(isLocalDateTime("2026-11-28T13:00:05")).toBe(true);
    expect(isLocalDateTime("2026-11-28T13:00:05Z")).toBe(false);
    expect(isLocalDateTime("yesterday")).toBe(false);
  });
});
