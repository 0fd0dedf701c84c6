import { describe, expect, it } from "vitest";
import { clockOffsetSeconds } from "../../../src/meter/clock-offset.js";
import { ZonedCalendar } from "../../../src/time/zoned.js";

const VIENNA = new ZonedCalendar("Europe/Vienna");

describe("clockOffsetSeconds", () => {
  it("is the meter's local time, read in its zone, minus the receive time", () => {
    const received = Date.UTC(2026, 11, 2, 9, 0, 2);
    expect(clockOffsetSeconds("2026-12-02T10:00:00", received, VIENNA)).toBe(-2);
    // A meter five minutes fast, in summer time.
    expect(clockOffsetSeconds("2026-07-01T12:05:00", Date.UTC(2026, 6, 1, 10, 0), VIENNA)).toBe(300);
  });

  it("is null without a usable clock", () => {
    expect(clockOffsetSeconds(null, 0, VIENNA)).toBeNull();
    expect(clockOffsetSeconds("31.12.2026 10:00", 0, VIENNA)).toBeNull();
  });
});
