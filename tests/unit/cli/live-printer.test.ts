/**
 * `e450 run` without a broker prints one line per snapshot beside UTC log lines: its time must carry
 * an offset (or say what it is), never a bare local time that reads like another UTC time.
 */
import { describe, expect, it } from "vitest";
import { formatLiveLine } from "../../../src/cli/live-printer.js";
import { exact } from "../../../src/model/exact-number.js";
import type { Snapshot } from "../../../src/model/snapshot.js";

function snapshot(meterTime: string | null): Snapshot {
  return {
    source: "dlms-push",
    meterId: "30137181",
    meterTime,
    readings: [{ obis: "1-0:1.8.0.255", value: { kind: "number", exact: exact(31358606n), unit: "Wh" } }],
  };
}

/** 2026-01-15T07:30:00Z and 2026-07-15T06:30:00Z: winter and summer time in Vienna. */
const WINTER = Date.UTC(2026, 0, 15, 7, 30);
const SUMMER = Date.UTC(2026, 6, 15, 6, 30);

describe("formatLiveLine", () => {
  it.each([
    ["2026-01-15T08:30:00", WINTER, "2026-01-15T08:30:00+01:00  meter 30137181"],
    ["2026-07-15T08:30:00", SUMMER, "2026-07-15T08:30:00+02:00  meter 30137181"],
  ])("prints the meter's time %s with the offset of the zone it is read in", (meterTime, now, start) => {
    const line = formatLiveLine(snapshot(meterTime), { timeZone: "Europe/Vienna", now });
    expect(line.startsWith(start), line).toBe(true);
  });

  it("prints the time of receipt, with its offset and so marked, when the push carries no time", () => {
    const line = formatLiveLine(snapshot(null), { timeZone: "Europe/Vienna", now: WINTER });
    expect(line.startsWith("2026-01-15T08:30:00+01:00 (received)  meter 30137181"), line).toBe(true);
  });

  it("reads the same meter time in UTC as +00:00, not as a bare time", () => {
    const line = formatLiveLine(snapshot("2026-01-15T08:30:00"), { timeZone: "UTC", now: WINTER });
    expect(line.startsWith("2026-01-15T08:30:00+00:00  "), line).toBe(true);
  });

  it("labels a meter time it cannot read as the meter's local time", () => {
    const line = formatLiveLine(snapshot("15.01.26 08:30"), { timeZone: "Europe/Vienna", now: WINTER });
    expect(line.startsWith("15.01.26 08:30 (meter's local time)  "), line).toBe(true);
  });

  it("keeps the readings", () => {
    const line = formatLiveLine(snapshot("2026-01-15T08:30:00"), { timeZone: "Europe/Vienna", now: WINTER });
    expect(line).toContain("import 31358.606 kWh");
    expect(line).toMatch(/\(1 registers\)$/);
  });
});
