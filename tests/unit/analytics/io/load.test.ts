import { describe, expect, it } from "vitest";
import { parseCsvRows } from "../../../../src/analytics/io/csv.js";
import { type InputError, loadReadings } from "../../../../src/analytics/io/load.js";
import { parseTimestamp } from "../../../../src/analytics/io/timestamps.js";
import { ZonedCalendar } from "../../../../src/time/zoned.js";

const amsterdam = new ZonedCalendar("Europe/Amsterdam");
const vienna = new ZonedCalendar("Europe/Vienna");

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

describe("day-first dates and separate time columns", () => {
  it("reads dd.mm.yyyy with and without a time, and rejects dates that do not exist", () => {
    const wallAt = (iso: string) => Date.parse(`${iso}Z`);
    expect([parseTimestamp("26.03.2023 01:45"), parseTimestamp("1.5.2024 00:15:30")]).toEqual([
      { kind: "wall", wallMs: wallAt("2023-03-26T01:45:00") },
      { kind: "wall", wallMs: wallAt("2024-05-01T00:15:30") },
    ]);
    expect(parseTimestamp("09.04.2023")).toEqual({
      kind: "wall",
      wallMs: wallAt("2023-04-09T00:00:00"),
      dateOnly: true,
    });
    expect(parseTimestamp("31.02.2024 00:00")).toBeNull();
    expect(parseTimestamp("2024-02-30 00:00")).toBeNull();
    expect(parseTimestamp("01.13.2024")).toBeNull();
    expect(parseTimestamp("01.01.2024 00:60")).toBeNull();
  });

  it("joins a date column and the time column after it; a time alone is not a timestamp", () => {
    const text = "Datum;Zeit von;Zeit bis;kWh\n09.04.2023;00:00;00:15;1\n09.04.2023;00:15;00:30;2\n";
    const loaded = loadReadings([{ name: "f", text }], ["3"], vienna);
    expect(loaded.readings).toEqual([
      { timeMs: Date.parse("2023-04-08T22:00:00Z"), value: 1 },
      { timeMs: Date.parse("2023-04-08T22:15:00Z"), value: 2 },
    ]);
    // Column 1 is the time now: it cannot also be a value column.
    expect(() => loadReadings([{ name: "f", text }], ["1"], vienna)).toThrow(
      'f: no column "1" (columns: Zeit bis, kWh)',
    );
    expect(parseTimestamp("00:15")).toBeNull();
  });
});

describe("values", () => {
  const load = (text: string) => loadReadings([{ name: "f", text }], [], amsterdam);

  it("takes a decimal comma only where the separator is not the comma", () => {
    const semicolon = load("t;v\n2024-01-01 00:00;0,25\n2024-01-01 00:15;-1,5\n2024-01-01 00:30;2.5\n");
    expect(semicolon.readings.map((r) => r.value)).toEqual([0.25, -1.5, 2.5]);
    expect(semicolon.warnings).toEqual([]);
    const comma = load('t,v\n2024-01-01 00:00,"0,25"\n2024-01-01 00:15,1\n');
    expect(comma.readings[0]!.value).toBeNaN();
    expect(comma.warnings).toEqual(['f: 1 values that are not plain numbers (such as "0,25") read as gaps']);
  });

  it("never reads a thousands separator as a decimal one", () => {
    const loaded = load(
      "t;v\n2024-01-01 00:00;1.234,5\n2024-01-01 00:15;1,234.5\n2024-01-01 00:30;1'234\n2024-01-01 00:45;1.234\n",
    );
    expect(loaded.readings.map((r) => r.value)).toEqual([Number.NaN, Number.NaN, Number.NaN, 1.234]);
    expect(loaded.warnings).toEqual([
      'f: 3 values that are not plain numbers (such as "1.234,5") read as gaps',
    ]);
  });
});

describe("files that cannot be read", () => {
  it("says that a file with only a header has no data rows", () => {
    const attempt = () =>
      loadReadings([{ name: "f.csv", text: "Messzeitpunkt;Verbrauch (kWh);\n" }], [], vienna);
    expect(attempt).toThrow("f.csv: the file has a header row but no data rows");
  });
});

describe("end labels", () => {
  it("reads an end label at the first instant of the spring gap as the moment of the change", () => {
    // A portal that adds 15 minutes to the wall-clock start labels the last quarter hour of winter time 02:00.
    const text = "t,v\n2024-03-31 01:45,1\n2024-03-31 02:00,2\n2024-03-31 03:15,3\n2024-03-31 02:15,9\n";
    const loaded = loadReadings([{ name: "f", text }], [], vienna, { column: 0, at: "end" });
    expect(loaded.readings).toEqual([
      { timeMs: Date.parse("2024-03-31T00:30:00Z"), value: 1 },
      { timeMs: Date.parse("2024-03-31T00:45:00Z"), value: 2 },
      { timeMs: Date.parse("2024-03-31T01:00:00Z"), value: 3 },
    ]);
    // 02:15 is inside the gap: no interval ends there.
    expect(loaded.warnings).toEqual([
      "f: 1 rows at local times that do not exist in Europe/Vienna (DST gap) skipped",
    ]);
  });

  it("keeps start labels in the gap skipped, as before", () => {
    const text = "t,v\n2024-03-31 01:45,1\n2024-03-31 02:00,2\n2024-03-31 03:00,3\n";
    const loaded = loadReadings([{ name: "f", text }], [], vienna);
    expect(loaded.readings.map((r) => r.value)).toEqual([1, 3]);
  });
});
