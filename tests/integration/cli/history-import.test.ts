/**
 * `e450 history import` as a user runs it: the built CLI on the real bench files
 * (tests/fixtures/bench-data/SOURCE.md), into a store in a temporary data folder, read back with the
 * store itself. The expected figures were computed from the files independently of this code, with a
 * Python one-off (csv module; sums of the value columns, × 0.5 h for Ausgrid's mean kW; counter
 * differences of T1 + T2 at equal timestamps, split by whether consecutive rows are 900 s apart;
 * gaps from consecutive timestamps), quoted beside each assertion.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { virtualMeterKey } from "../../../src/cli/history-meter.js";
import type { ImportReport } from "../../../src/cli/history-report.js";
import { createLogger } from "../../../src/logging/logger.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { historyFile } from "../../../src/store/location.js";
import type { StoredInterval } from "../../../src/store/types.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const BENCH = fileURLToPath(new URL("../../fixtures/bench-data/", import.meta.url));
const DUTCH = join(BENCH, "nl_dsmr_reader_2024_hourly_pv.csv");
const T1 = join(BENCH, "nl_slimmemeterportal_import_t1_15min_cumulative.csv");
const T2 = join(BENCH, "nl_slimmemeterportal_import_t2_15min_cumulative.csv");
const AUSGRID = join(BENCH, "ausgrid_customer12_2011-2012_30min.csv");
/** Columns 1 + 2: import T1 + T2; 3 + 4: export T1 + T2 (SOURCE.md §2). */
const DUTCH_ARGS = [
  ...["--input", DUTCH, "--kind", "interval-kwh", "--timezone", "Europe/Amsterdam"],
  ...["--column", "1", "--column", "2", "--export-column", "3", "--export-column", "4"],
];
const HOUR = 3_600_000;
const quiet = createLogger(
  "fatal",
  (text) => text,
  () => {},
);

function e450(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), "e450-history-import-"));
}

function importJson(args: string[], dataDir: string): ImportReport {
  const result = e450(["history", "import", ...args, "--data-dir", dataDir, "--format", "json"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ImportReport;
}

function withStore<T>(dataDir: string, read: (store: HistoryStore) => T): T {
  const store = HistoryStore.open(historyFile(dataDir), quiet);
  try {
    return read(store);
  } finally {
    store.close();
  }
}

const total = (intervals: readonly StoredInterval[], pick: (iv: StoredInterval) => number) =>
  intervals.reduce((sum, iv) => sum + pick(iv), 0);

describe("e450 history import", () => {
  it("imports the Dutch hourly file with its export, for the virtual meter of an empty store", () => {
    const dataDir = freshDataDir();
    const report = importJson(DUTCH_ARGS, dataDir);
    // Python: 8,754 rows; import 3,743.131 kWh, export 2,128.383 kWh (SOURCE.md: 3,743 and 2,128).
    expect(report).toMatchObject({
      meter: virtualMeterKey(),
      rowsRead: 8754,
      blankRows: 0,
      stepMinutes: 60,
      intervals: 8754,
      written: 8754,
      keptIdentical: 0,
      keptLiveData: 0,
      importKwh: 3743.131,
      exportKwh: 2128.383,
      timezone: "Europe/Amsterdam",
      span: { start: "2024-01-01T00:00:00+01:00", end: "2025-01-01T00:00:00+01:00", hours: 8784 },
      warnings: [],
    });
    // Python: rows 2024-03-16 12:00 then 2024-03-17 18:00 (29 hours missing), and 06:00 on 2024-03-21.
    expect(report.gaps).toEqual({
      count: 2,
      longest: { start: "2024-03-16T13:00:00+01:00", end: "2024-03-17T18:00:00+01:00", hours: 29 },
    });

    const stored = withStore(dataDir, (store) => {
      expect(store.meters()).toEqual([virtualMeterKey()]);
      return store.intervals(virtualMeterKey(), 0, Date.UTC(2030, 0));
    });
    expect(stored).toHaveLength(8754);
    expect(stored.every((iv) => iv.source === "imported" && iv.endMs - iv.startMs === HOUR)).toBe(true);
    expect(total(stored, (iv) => iv.importKwh)).toBeCloseTo(3743.131, 6);
    expect(total(stored, (iv) => iv.exportKwh ?? Number.NaN)).toBeCloseTo(2128.383, 6);
    // The first row, 2024-01-01T00:00:00+01:00: 0.196 + 0 kWh in, 0 + 0 out.
    expect(stored[0]).toMatchObject({ startMs: Date.UTC(2023, 11, 31, 23), importKwh: 0.196, exportKwh: 0 });

    // The same file again changes nothing.
    const again = importJson(DUTCH_ARGS, dataDir);
    expect(again).toMatchObject({ intervals: 8754, written: 0, keptIdentical: 8754, keptLiveData: 0 });
    expect(withStore(dataDir, (store) => store.intervals(virtualMeterKey(), 0, Date.UTC(2030, 0)))).toEqual(
      stored,
    );
  });

  it("keeps live data where it overlaps, and imports for the only meter in the store", () => {
    const dataDir = freshDataDir();
    const meter = "4c475a67cd397d94";
    // Live quarter-hours inside the hours starting 2024-06-01 10:00 and 11:00 Amsterdam time (08:00, 09:00 UTC).
    const live: StoredInterval[] = [Date.UTC(2024, 5, 1, 8, 15), Date.UTC(2024, 5, 1, 9, 45)].map(
      (startMs) => ({
        startMs,
        endMs: startMs + HOUR / 4,
        importKwh: 0.25,
        exportKwh: 0,
        source: "live",
      }),
    );
    withStore(dataDir, (store) => store.writeIntervals(meter, live));

    const report = importJson(DUTCH_ARGS, dataDir);
    expect(report).toMatchObject({ meter, intervals: 8754, written: 8752, keptLiveData: 2 });
    const around = withStore(dataDir, (store) =>
      store.intervals(meter, Date.UTC(2024, 5, 1, 7), Date.UTC(2024, 5, 1, 11)),
    );
    expect(around.map((iv) => [iv.startMs, iv.source])).toEqual([
      [Date.UTC(2024, 5, 1, 7), "imported"],
      [live[0]!.startMs, "live"],
      [live[1]!.startMs, "live"],
      [Date.UTC(2024, 5, 1, 10), "imported"],
    ]);
  });

  it("imports two 15-minute counter files as their summed differences, leaving counter steps across gaps out", () => {
    const dataDir = freshDataDir();
    const report = importJson(
      ["--input", T1, T2, "--kind", "cumulative-kwh", "--timezone", "Europe/Amsterdam"],
      dataDir,
    );
    // Python: 58,640 timestamps in both files; 58,635 steps of 900 s holding 13,885.75 kWh; 4 longer
    // steps (2,700 s twice, 9,000 s, 260,100 s) holding 0.47 kWh; no counter decrease.
    expect(report).toMatchObject({
      rowsRead: 58640,
      stepMinutes: 15,
      intervals: 58635,
      written: 58635,
      importKwh: 13885.75,
      exportKwh: null,
      counterAcrossGaps: { count: 4, kwh: 0.47 },
      counterDecreases: 0,
      span: { start: "2023-01-01T00:15:00+01:00", end: "2024-09-06T00:15:00+02:00" },
    });
    expect(report.gaps.count).toBe(4);
    expect(report.gaps.longest?.hours).toBe(72.25); // 260,100 s
  });

  it("reports the rows in Sydney's spring-forward gap as skipped, as a table", () => {
    const dataDir = freshDataDir();
    const args = [
      "--input",
      AUSGRID,
      "--kind",
      "mean-kw",
      "--column",
      "GC",
      "--timezone",
      "Australia/Sydney",
    ];
    const result = e450(["history", "import", ...args, "--data-dir", dataDir]);
    expect(result.code).toBe(0);
    // Python: 17,568 rows, Σ GC × 0.5 h = 5,938.369 kWh; the two rows at 02:00 and 02:30 on 2011-10-02
    // do not exist in Sydney (both 0.0); 2012-04-01 lists 02:00–02:30 once, so the repeated hour is missing.
    const lines = result.stdout.split("\n");
    expect(lines).toContain(`  rows read        17,566`);
    expect(lines).toContain(`  intervals        17,566 of 30 min`);
    expect(lines).toContain(`  import           5,938.369 kWh`);
    expect(lines).toContain(
      `  span             2011-07-01 00:00 +10:00 – 2012-07-01 00:00 +10:00 Australia/Sydney`,
    );
    expect(lines).toContain(`  gaps             1, longest 1 h from 2012-04-01 02:00 +10:00`);
    expect(lines).toContain(
      `  skipped          ${AUSGRID}: 2 rows at local times that do not exist in Australia/Sydney (DST gap) skipped`,
    );
  });

  it("refuses to guess among several meters", () => {
    const dataDir = freshDataDir();
    const one: StoredInterval = { startMs: 0, endMs: HOUR, importKwh: 1, exportKwh: null, source: "live" };
    withStore(dataDir, (store) => {
      store.writeIntervals("11111111", [one]);
      store.writeIntervals("22222222", [one]);
    });
    const result = e450(["history", "import", ...DUTCH_ARGS, "--data-dir", dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n", 1)[0]).toBe(
      "e450 history import: --meter: the store holds several meters (11111111, 22222222); name one",
    );
  });
});

describe("e450 history import of portal exports as downloaded", () => {
  // Shapes of the real exports in awattar-backtesting/awattar-backtesting.github.io @92c412a8
  // samples/ (DOCS.md, "Importing history from your grid operator's portal"), a few rows each.
  function portalFile(name: string, rows: string[]): string {
    const file = join(freshDataDir(), name);
    writeFileSync(file, `\uFEFF${rows.join("\r\n")}\r\n`);
    return file;
  }
  const starts = (dataDir: string) =>
    withStore(dataDir, (store) => store.intervals(virtualMeterKey(), 0, Date.UTC(2030, 0))).map((iv) => [
      new Date(iv.startMs).toISOString().slice(0, 16),
      iv.importKwh,
    ]);

  it("Wiener Netze: date and start time in two columns, through the autumn change", () => {
    // samples/wienernetze-fullyear.csv, 29.10.2023: 02:00–02:45 listed twice.
    const file = portalFile("wienernetze.csv", [
      "Datum;Zeit von;Zeit bis;Haus - AT0010000000000000001000000000000 - Verbrauch [kWh];;",
      "29.10.2023;02:30:00;02:45:00;0,061;;",
      "29.10.2023;02:45:00;02:00:00;0,062;;",
      "29.10.2023;02:00:00;02:15:00;0,063;;",
      "29.10.2023;02:15:00;02:30:00;0,064;;",
    ]);
    const dataDir = freshDataDir();
    const report = importJson(
      ["--input", file, "--kind", "interval-kwh", "--column", "3", "--timezone", "Europe/Vienna"],
      dataDir,
    );
    expect(report).toMatchObject({ rowsRead: 4, stepMinutes: 15, written: 4, importKwh: 0.25, warnings: [] });
    expect(starts(dataDir)).toEqual([
      ["2023-10-29T00:30", 0.061],
      ["2023-10-29T00:45", 0.062],
      ["2023-10-29T01:00", 0.063],
      ["2023-10-29T01:15", 0.064],
    ]);
  });

  it("Netz NÖ: rows labelled by the end of their quarter hour, through the spring change", () => {
    // samples/NetzNOE.csv, 26.03.2023: 01:45 is followed by 03:00.
    const file = portalFile("Jahresverbrauch-2023.csv", [
      "Messzeitpunkt;Verbrauch (kWh);Qualität;",
      "26.03.2023 01:30;1,018000;G;",
      "26.03.2023 01:45;1,010000;G;",
      "26.03.2023 03:00;1,008000;G;",
      "26.03.2023 03:15;1,015000;G;",
    ]);
    const dataDir = freshDataDir();
    const args = ["--input", file, "--kind", "interval-kwh", "--column", "1", "--timezone", "Europe/Vienna"];
    const report = importJson([...args, "--timestamp-at", "end"], dataDir);
    expect(report).toMatchObject({ rowsRead: 4, written: 4, importKwh: 4.051, warnings: [] });
    expect(report.span).toMatchObject({
      start: "2023-03-26T01:15:00+01:00",
      end: "2023-03-26T03:15:00+02:00",
    });
    expect(starts(dataDir)).toEqual([
      ["2023-03-26T00:15", 1.018],
      ["2023-03-26T00:30", 1.01],
      ["2023-03-26T00:45", 1.008],
      ["2023-03-26T01:00", 1.015],
    ]);
  });

  it("Energienetze Steiermark: the start time in column 3, after Excel's sep=; line", () => {
    // samples/EnergienetzeSteiermark.csv
    const file = portalFile("export_AT0080000000000000000000000000000.csv", [
      "sep=;",
      "Anlagennummer;Zaehlpunkt;Tarif;Verbrauchszeitraum Beginn;Verbrauchszeitraum Ende;Verbrauch;Einheit;Messwert: VAL...gemessen, EST...rechnerisch ermittelt",
      "12345678;AT0080000000000000000000000000000;;28.04.2022 00:00;28.04.2022 00:15;0,013;KWH;VAL",
      "12345678;AT0080000000000000000000000000000;;28.04.2022 00:15;28.04.2022 00:30;0,008;KWH;VAL",
    ]);
    const dataDir = freshDataDir();
    importJson(
      [
        ...["--input", file, "--kind", "interval-kwh", "--timestamp-column", "3", "--column", "5"],
        ...["--timezone", "Europe/Vienna"],
      ],
      dataDir,
    );
    expect(starts(dataDir)).toEqual([
      ["2022-04-27T22:00", 0.013],
      ["2022-04-27T22:15", 0.008],
    ]);
  });
});

describe("e450 history import on misuse", () => {
  const dataDir = freshDataDir();
  const empty = join(dataDir, "empty.csv");
  writeFileSync(empty, "");
  const noTimes = join(dataDir, "no-times.csv");
  writeFileSync(noTimes, "meter,kWh\nmain,1.5\n");
  const headerOnly = join(dataDir, "header-only.csv");
  writeFileSync(headerOnly, "Messzeitpunkt;Verbrauch (kWh);Qualität;\n");
  const base = ["--input", DUTCH, "--kind", "interval-kwh", "--timezone", "Europe/Amsterdam"];

  it.each([
    [["--input", DUTCH, "--kind", "interval-kwh"], "--timezone: required"],
    [["--input", DUTCH, "--kind", "kwh", "--timezone", "UTC"], "--kind: expected one of interval-kwh"],
    [["--kind", "interval-kwh", "--timezone", "UTC"], "--input: at least one CSV file is required"],
    [
      ["--input", DUTCH, "--kind", "interval-kwh", "--timezone", "Europe/Amsterdan"],
      '--timezone: "Europe/Amsterdan" is not',
    ],
    [[...base, "--column", "Electricity 3"], `${DUTCH}: no column "Electricity 3" (columns: Electricity 1`],
    [[...base, "--timezon", "UTC"], "unknown option --timezon (did you mean --timezone?)"],
    [[...base, "--format", "csv"], "--format: expected json or table"],
    [
      ["--input", join(dataDir, "missing.csv"), "--kind", "interval-kwh", "--timezone", "UTC"],
      `cannot read ${join(dataDir, "missing.csv")}: no such file`,
    ],
    [["--input", empty, "--kind", "interval-kwh", "--timezone", "UTC"], `${empty} is empty`],
    [
      ["--input", noTimes, "--kind", "interval-kwh", "--timezone", "UTC"],
      `${noTimes}: no row starts with a timestamp`,
    ],
    [
      ["--input", headerOnly, "--kind", "interval-kwh", "--timezone", "UTC"],
      `${headerOnly}: the file has a header row but no data rows`,
    ],
    [[...base, "--timestamp-at", "middle"], "--timestamp-at: expected start or end"],
  ])("%j exits 2 naming the problem on its first line", (args, message) => {
    const result = e450(["history", "import", ...args, "--data-dir", dataDir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n", 1)[0]).toContain(`e450 history import: ${message}`);
  });

  it("shows its help, and the subcommands'", () => {
    for (const args of [
      ["history", "import", "--help"],
      ["help", "history"],
      ["history", "--help"],
    ]) {
      const result = e450(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^usage: e450 history/);
    }
    expect(e450(["history", "import", "--help"]).stdout).toContain("--timezone TZ");
  });

  it("names the nearest subcommand for a typo", () => {
    const result = e450(["history", "imprt"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n", 1)[0]).toBe(
      'e450 history: unknown subcommand "imprt" (did you mean import?)',
    );
  });
});
