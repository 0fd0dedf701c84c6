/**
 * Real household series on disk → the hour observations the detectors see, as `e450 backtest`
 * builds them. Two sets: the households index (a households.json of
 * {file, zone, export, features, description, licence}, each file hourly kWh with the header
 * `timestamp_utc,import_kwh,export_kwh`) and the three bench files of tests/fixtures/bench-data
 * (provenance in its SOURCE.md), read as their targets test reads them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { HourObservation } from "../anomaly/types.js";
import { loadReadings } from "../io/load.js";
import type { ValueKind } from "../series/types.js";
import { ZonedCalendar } from "../../time/zoned.js";
import { buildHourlyInput } from "./hourly-input.js";

/** One household: where its files are and how to read them. */
export interface HouseholdSource {
  readonly name: string;
  /** Files summed into one series (two tariff registers make one import). */
  readonly paths: readonly string[];
  readonly kind: ValueKind;
  /** Import value columns; empty means the first numeric column. */
  readonly columns: readonly string[];
  /** Export value columns; empty means the house has no export register. */
  readonly exportColumns: readonly string[];
  readonly zone: string;
  readonly features: string;
}

interface IndexEntry {
  readonly file: string;
  readonly zone: string;
  readonly export: boolean;
  readonly features: string | readonly string[];
  /** Added after the detectors were tuned, to measure them on houses they were not tuned on. */
  readonly holdout?: boolean;
}

/** The households listed in `dir`/households.json. */
export function householdIndex(dir: string): HouseholdSource[] {
  const entries = JSON.parse(readFileSync(join(dir, "households.json"), "utf8")) as IndexEntry[];
  return entries.map((e) => ({
    name: e.file.replace(/\.csv$/, ""),
    paths: [join(dir, e.file)],
    kind: "interval-kwh",
    columns: ["import_kwh"],
    exportColumns: e.export ? ["export_kwh"] : [],
    zone: e.zone,
    features: `${e.holdout ? "hold-out: " : ""}${typeof e.features === "string" ? e.features : e.features.join(", ")}`,
  }));
}

/** The three bench files in `dir` (tests/fixtures/bench-data). */
export function benchDataHouseholds(dir: string): HouseholdSource[] {
  return [
    {
      name: "ausgrid_customer12",
      paths: [join(dir, "ausgrid_customer12_2011-2012_30min.csv")],
      kind: "mean-kw",
      columns: ["GC"],
      exportColumns: [],
      zone: "Australia/Sydney",
      features: "bench; gross-metered PV (consumption only), 30 min",
    },
    {
      name: "nl_dsmr_reader_2024_hourly_pv",
      paths: [join(dir, "nl_dsmr_reader_2024_hourly_pv.csv")],
      kind: "interval-kwh",
      columns: ["1", "2"],
      exportColumns: ["3", "4"],
      zone: "Europe/Amsterdam",
      features: "bench; PV with export, hourly",
    },
    {
      name: "nl_slimmemeterportal",
      paths: [
        join(dir, "nl_slimmemeterportal_import_t1_15min_cumulative.csv"),
        join(dir, "nl_slimmemeterportal_import_t2_15min_cumulative.csv"),
      ],
      kind: "cumulative-kwh",
      columns: [],
      exportColumns: [],
      zone: "Europe/Amsterdam",
      features: "bench; import registers T1 + T2, 15 min",
    },
  ];
}

export interface LoadedHousehold {
  readonly hours: HourObservation[];
  readonly calendar: ZonedCalendar;
}

export function loadHousehold(source: HouseholdSource): LoadedHousehold {
  const calendar = new ZonedCalendar(source.zone);
  const files = source.paths.map((path) => ({ name: path, text: readFileSync(path, "utf8") }));
  const imported = loadReadings(files, source.columns, calendar);
  const exported =
    source.exportColumns.length > 0 ? loadReadings(files, source.exportColumns, calendar) : null;
  const input = buildHourlyInput(imported.readings, exported?.readings ?? null, source.kind, calendar);
  return { hours: input.hours, calendar };
}
