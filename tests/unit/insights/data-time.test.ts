import { describe, expect, it } from "vitest";
import { DataClock } from "../../../src/insights/data-time.js";
import { ZonedCalendar } from "../../../src/time/zoned.js";

const VIENNA = new ZonedCalendar("Europe/Vienna");
const HOST_NOW = Date.UTC(2026, 9, 25, 1, 30);

describe("DataClock", () => {
  it("reads the meter clock in the meter's zone", () => {
    const clock = new DataClock(VIENNA);
    expect(clock.timeOf("2026-06-01T12:00:00", HOST_NOW, null)).toEqual({
      kind: "meter",
      ms: Date.UTC(2026, 5, 1, 10, 0),
    });
  });

  it("takes the second 02:30 at the end of summer time once the first has passed", () => {
    const clock = new DataClock(VIENNA);
    const first = clock.timeOf("2026-10-25T02:30:00", HOST_NOW, null);
    expect(first).toEqual({ kind: "meter", ms: Date.UTC(2026, 9, 25, 0, 30) });
    const after = clock.timeOf("2026-10-25T02:10:00", HOST_NOW, Date.UTC(2026, 9, 25, 0, 59));
    expect(after).toEqual({ kind: "meter", ms: Date.UTC(2026, 9, 25, 1, 10) });
  });

  it("falls back to the receive time for a meter without a clock or with an unset one", () => {
    const clock = new DataClock(VIENNA);
    expect(clock.timeOf(null, HOST_NOW, null)).toEqual({ kind: "received", ms: HOST_NOW });
    expect(clock.timeOf("2000-01-01T00:00:00", HOST_NOW, null)).toEqual({ kind: "received", ms: HOST_NOW });
    expect(clock.timeOf("2126-01-01T00:00:00", HOST_NOW, null)).toEqual({ kind: "received", ms: HOST_NOW });
  });

  it("skips a push without a clock from a meter that has one, rather than mixing two clocks", () => {
    const clock = new DataClock(VIENNA);
    clock.timeOf("2026-06-01T12:00:00", HOST_NOW, null);
    expect(clock.timeOf(null, HOST_NOW, null)).toEqual({ kind: "skip" });
  });
});
