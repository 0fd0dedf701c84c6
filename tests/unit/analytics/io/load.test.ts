import { describe, expect, it } from "vitest";
import { parseCsvRows } from "../../../../src/analytics/io/csv.js";
import { type InputError, loadReadings } from "../../../../src/analytics/io/load.js";
import { parseTimestamp } from "../../../../src/analytics/io/timestamps.js";
import { ZonedCalendar } from "../../../../src/time/zoned.js";

const amsterdam = new ZonedCalendar("Europe/Amsterdam");

describe("parseTimestamp", () => {
  it("reads ISO with and without offset, Z and epoch seconds", () => {
    expect(parseTimestamp("2024-06-15T13:00:00+02:00")).toEqual({
      kind: "instant",
      utcMs: Date.parse("2024-06-15T11:00:00Z"),
    });
    expect(parseTimestamp("2024-06-15 13:00:00")).toEqual({
      kind: "wall",
      wallMs: Date.parse("2024-06-15T13:00:00Z"),
    });
    expect(parseTimestamp("2024-06-15T13:00Z")).toEqual({
      kind: "instant",
      utcMs: Date.parse("2024-06-15T13:00:00Z"),
    });
    expect(parseTimestamp("1672528500")).toEqual({ kind: "instant", utcMs: 1672528500_000 });
    expect(parseTimestamp("GC")).toBeNull();
  });
});

describe("parseCsvRows", () => {
  it("handles quotes, doubled quotes and CRLF", () => {
    expect(parseCsvRows('a,"b,c"\r\n"x ""y""",2\n')).toEqual([
      ["a", "b,c"],
      ['x "y"', "2"],
    ]);
  });
});

describe("loadReadings", () => {
  it("sums the chosen columns by name or index, after a header", () => {
    const text =
      "Hour Start,T1,T2,E1\n2024-01-01T00:00:00+01:00,0.1,0.2,9\n2024-01-01T01:00:00+01:00,0.3,0.4,9\n";
    const byName = loadReadings([{ name: "f", text }], ["t1", "T2"], amsterdam);
    const byIndex = loadReadings([{ name: "f", text }], ["1", "2"], amsterdam);
    expect(byName.readings.map((r) => r.value)).toEqual([0.1 + 0.2, 0.3 + 0.4]);
    expect(byIndex.readings).toEqual(byName.readings);
  });

  it("sums files on matching timestamps and drops the rest", () => {
    const a = "1704067200,1\n1704068100,2\n1704069000,3\n";
    const b = "1704067200,10\n1704069000,30\n";
    const loaded = loadReadings(
      [
        { name: "a", text: a },
        { name: "b", text: b },
      ],
      [],
      amsterdam,
    );
    expect(loaded.readings).toEqual([
      { timeMs: 1704067200_000, value: 11 },
      { timeMs: 1704069000_000, value: 33 },
    ]);
    expect(loaded.warnings).toContain("1 timestamps not present in every input file skipped");
  });

  it("skips local times inside the spring DST gap and keeps both copies of the repeated hour", () => {
    const text = [
      ",v",
      "2024-03-31 01:00:00,1",
      "2024-03-31 02:00:00,0",
      "2024-03-31 03:00:00,1",
      "2024-10-27 02:00:00,2",
      "2024-10-27 02:00:00,3",
    ].join("\n");
    const loaded = loadReadings([{ name: "f", text }], [], amsterdam);
    expect(loaded.readings.map((r) => new Date(r.timeMs).toISOString())).toEqual([
      "2024-03-31T00:00:00.000Z",
      "2024-03-31T01:00:00.000Z",
      "2024-10-27T00:00:00.000Z",
      "2024-10-27T01:00:00.000Z",
    ]);
    expect(loaded.warnings[0]).toMatch(/1 rows at local times that do not exist/);
  });

  it("names the available columns when one is unknown", () => {
    const text = "t,GC,GG\n2024-01-01 00:00:00,1,2\n2024-01-01 00:30:00,1,2\n";
    expect(() => loadReadings([{ name: "f", text }], ["XX"], amsterdam)).toThrow(/columns: GC, GG/);
    try {
      loadReadings([{ name: "f", text }], ["0"], amsterdam);
    } catch (error) {
      expect((error as InputError).code).toBe("unknown-column");
    }
  });

  it("treats a blank cell as a missing row, not as zero", () => {
    const text = "1704067200,1,\n1704070800,1,2\n";
    const loaded = loadReadings([{ name: "f", text }], ["1", "2"], amsterdam);
    expect(Number.isNaN(loaded.readings[0]!.value)).toBe(true);
    expect(loaded.readings[1]!.value).toBe(3);
  });
});
