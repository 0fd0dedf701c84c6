import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsvInput, readCsvSources, UnreadableInputError } from "../../../src/cli/csv-input.js";

describe("parseCsvInput", () => {
  it("takes files after the first --input as positionals", () => {
    const parsed = parseCsvInput(
      { input: ["a.csv"], kind: "cumulative-kwh", timezone: "Europe/Amsterdam", column: ["1"] },
      ["b.csv"],
      null,
    );
    expect(parsed.ok && parsed.input.inputs).toEqual(["a.csv", "b.csv"]);
    expect(parsed.ok && parsed.input.calendar.timeZone).toBe("Europe/Amsterdam");
  });

  it("reports every problem at once, and requires --timezone when there is no default", () => {
    expect(parseCsvInput({ kind: "kwh" }, [], null)).toEqual({
      ok: false,
      problems: [
        "--input: at least one CSV file is required",
        "--kind: expected one of interval-kwh, interval-wh, mean-kw, mean-w, cumulative-kwh",
        "--timezone: required (the IANA zone of the file's local times, e.g. Europe/Vienna)",
      ],
    });
    expect(parseCsvInput({ input: ["a.csv"], kind: "mean-kw", timezone: "Europe/Viena" }, [], null)).toEqual({
      ok: false,
      problems: ['--timezone: "Europe/Viena" is not an IANA time zone'],
    });
  });

  it("uses the default zone when one is given", () => {
    const parsed = parseCsvInput({ input: ["a.csv"], kind: "mean-kw" }, [], "Australia/Sydney");
    expect(parsed.ok && parsed.input.calendar.timeZone).toBe("Australia/Sydney");
  });
});

describe("parseCsvInput: where the times are", () => {
  const base = { input: ["a.csv"], kind: "interval-kwh", timezone: "Europe/Vienna" };

  it("reads column 0 as interval starts unless told otherwise", () => {
    const plain = parseCsvInput(base, [], null);
    expect(plain.ok && plain.input.timestamps).toEqual({ column: 0, at: "start" });
    const netzNoe = parseCsvInput({ ...base, "timestamp-at": "end", "timestamp-column": "3" }, [], null);
    expect(netzNoe.ok && netzNoe.input.timestamps).toEqual({ column: 3, at: "end" });
  });

  it("names wrong values, and refuses end labels for meter readings", () => {
    expect(parseCsvInput({ ...base, "timestamp-at": "middle", "timestamp-column": "C" }, [], null)).toEqual({
      ok: false,
      problems: [
        "--timestamp-column: expected a 0-based column index",
        "--timestamp-at: expected start or end",
      ],
    });
    expect(parseCsvInput({ ...base, kind: "cumulative-kwh", "timestamp-at": "end" }, [], null)).toEqual({
      ok: false,
      problems: ["--timestamp-at: end applies to interval values; a cumulative-kwh reading is an instant"],
    });
  });
});

describe("readCsvSources", () => {
  const dir = mkdtempSync(join(tmpdir(), "e450-csv-input-"));

  it("names a missing or empty file", async () => {
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, "\n \n");
    await expect(readCsvSources([join(dir, "nope.csv")])).rejects.toThrow(
      new UnreadableInputError(`cannot read ${join(dir, "nope.csv")}: no such file`),
    );
    await expect(readCsvSources([empty])).rejects.toThrow(new UnreadableInputError(`${empty} is empty`));
  });

  it("reads each file's text under its name", async () => {
    const file = join(dir, "a.csv");
    writeFileSync(file, "2024-01-01T00:00:00Z,1\n");
    expect(await readCsvSources([file])).toEqual([{ name: file, text: "2024-01-01T00:00:00Z,1\n" }]);
  });
});
