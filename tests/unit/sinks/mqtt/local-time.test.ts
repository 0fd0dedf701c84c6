import { describe, expect, it } from "vitest";
import { localToOffsetIso } from "../../../../src/sinks/mqtt/local-time.js";

describe("localToOffsetIso", () => {
  it.each([
    ["2026-01-15T08:30:00", "Europe/Vienna", "2026-01-15T08:30:00+01:00"],
    ["2026-07-15T08:30:00", "Europe/Vienna", "2026-07-15T08:30:00+02:00"],
    ["2026-07-15T08:30", "America/New_York", "2026-07-15T08:30:00-04:00"],
    ["2026-07-15T08:30:00.250", "UTC", "2026-07-15T08:30:00.250+00:00"],
    // Autumn change in Vienna: 02:30 happens twice; the later (standard time) one is chosen.
    ["2026-10-25T02:30:00", "Europe/Vienna", "2026-10-25T02:30:00+01:00"],
    // Spring change: 02:30 does not exist; a clock set to it shows 03:30 summer time.
    ["2026-03-29T02:30:00", "Europe/Vienna", "2026-03-29T03:30:00+02:00"],
  ])("%s in %s → %s", (local, zone, expected) => {
    expect(localToOffsetIso(local, zone)).toBe(expected);
  });

  it("rejects text that is not a local date-time", () => {
    expect(localToOffsetIso("2026-07-15 08:30", "UTC")).toBeNull();
    expect(localToOffsetIso("2026-07-15T08:30:00Z", "UTC")).toBeNull();
  });
});
