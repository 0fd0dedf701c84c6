/**
 * `e450 backtest`: replays consumption CSV files through the forecast and the anomaly detectors as
 * they run live (no look-ahead; rolling-origin evaluation as in Hyndman & Athanasopoulos, FPP3 §5.10)
 * and prints their metrics beside the named baselines.
 */
import { readFile, writeFile } from "node:fs/promises";
import {
  renderTable,
  FORECAST_CSV_HEADER,
  forecastCsvRow,
  anomaliesCsv,
} from "../analytics/backtest/report.js";
import { runBacktest } from "../analytics/backtest/run.js";
import { InputError, loadReadings, type CsvSource } from "../analytics/io/load.js";
import { VALUE_KINDS, type ValueKind } from "../analytics/series/types.js";
import { ZonedCalendar } from "../time/zoned.js";
import { type ArgValues, failUsage, parseCommandArgs } from "./args.js";

const USAGE = `usage: e450 backtest --input FILE… --kind KIND [options]

  --input FILE…          CSV files (with or without a header); several files are summed on matching timestamps
  --kind KIND            ${VALUE_KINDS.join(" | ")}
  --column NAME|INDEX    value column(s) to sum (0-based, column 0 is the timestamp); default: the first value column
  --export-column NAME|INDEX  export (feed-in) column(s), for the export-loss detector
  --timezone TZ          IANA zone for local days and timestamps without offset (default: this machine's)
  --forecasts-out PATH   CSV: origin,target,actual_kwh,forecast_kwh,p10_kwh,p90_kwh
  --anomalies-out PATH   CSV: start,end,kind,score,injected
  --inject-faults SEED   also replay a copy with seeded injected faults and score the detectors
  --format json|table    output format (default: table)
`;

const OPTIONS = {
  input: { type: "string", multiple: true },
  kind: { type: "string" },
  column: { type: "string", multiple: true },
  "export-column": { type: "string", multiple: true },
  timezone: { type: "string" },
  "forecasts-out": { type: "string" },
  "anomalies-out": { type: "string" },
  "inject-faults": { type: "string" },
  format: { type: "string", default: "table" },
  help: { type: "boolean", short: "h" },
} as const;

interface Options {
  readonly inputs: string[];
  readonly kind: ValueKind;
  readonly columns: string[];
  readonly exportColumns: string[];
  readonly calendar: ZonedCalendar;
  readonly forecastsOut: string | undefined;
  readonly anomaliesOut: string | undefined;
  readonly seed: number | null;
  readonly format: "json" | "table";
}

export async function main(argv: string[]): Promise<number> {
  // "--input a.csv b.csv": files after the first arrive as positionals.
  const args = parseCommandArgs("e450 backtest", argv, { options: OPTIONS, allowPositionals: true });
  if (!args.ok) return failUsage(args.message, USAGE);
  let options: Options | "help";
  try {
    options = parseOptions(args.values, args.positionals);
  } catch (error) {
    process.stderr.write(`e450 backtest: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    if (error instanceof InputError && error.code === "unknown-column") {
      process.stderr.write(`e450 backtest: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`e450 backtest: ${(error as Error).message}\n`);
    return 1;
  }
}

function parseOptions(values: ArgValues<typeof OPTIONS>, positionals: string[]): Options | "help" {
  if (values.help) return "help";
  const problems: string[] = [];
  const inputs = [...(values.input ?? []), ...positionals];
  if (inputs.length === 0) problems.push("--input: at least one CSV file is required");
  const kind = values.kind as ValueKind | undefined;
  if (kind === undefined || !VALUE_KINDS.includes(kind))
    problems.push(`--kind: expected one of ${VALUE_KINDS.join(", ")}`);
  let calendar: ZonedCalendar | null = null;
  try {
    calendar = new ZonedCalendar(values.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  } catch {
    problems.push(`--timezone: "${values.timezone}" is not an IANA time zone`);
  }
  const seedText = values["inject-faults"];
  if (seedText !== undefined && !/^\d+$/.test(seedText))
    problems.push("--inject-faults: expected a non-negative integer seed");
  if (values.format !== "json" && values.format !== "table")
    problems.push("--format: expected json or table");
  if (problems.length > 0 || kind === undefined || calendar === null) throw new Error(problems.join("\n"));
  return {
    inputs,
    kind,
    columns: values.column ?? [],
    exportColumns: values["export-column"] ?? [],
    calendar,
    forecastsOut: values["forecasts-out"],
    anomaliesOut: values["anomalies-out"],
    seed: seedText === undefined ? null : Number(seedText),
    format: values.format as "json" | "table",
  };
}

async function run(options: Options): Promise<number> {
  const sources: CsvSource[] = await Promise.all(
    options.inputs.map(async (name) => ({ name, text: await readFile(name, "utf8") })),
  );
  const { calendar } = options;
  const imported = loadReadings(sources, options.columns, calendar);
  const exported =
    options.exportColumns.length > 0 ? loadReadings(sources, options.exportColumns, calendar) : null;
  for (const warning of [...imported.warnings, ...(exported?.warnings ?? [])]) {
    process.stderr.write(`e450 backtest: ${warning}\n`);
  }
  const forecastRows: string[] = [];
  const result = runBacktest({
    importReadings: imported.readings,
    exportReadings: exported?.readings ?? null,
    kind: options.kind,
    calendar,
    injectSeed: options.seed,
    ...(options.forecastsOut
      ? { onForecastRow: (row) => forecastRows.push(forecastCsvRow(row, calendar)) }
      : {}),
  });
  if (options.forecastsOut)
    await writeFile(options.forecastsOut, FORECAST_CSV_HEADER + forecastRows.join(""));
  if (options.anomaliesOut) {
    const injected = result.anomalies.injected;
    const csv = injected
      ? anomaliesCsv(injected.events, injected.evaluation.matched, calendar)
      : anomaliesCsv(result.anomalies.clean, null, calendar);
    await writeFile(options.anomaliesOut, csv);
  }
  if (options.format === "json") {
    process.stdout.write(`${JSON.stringify(toJson(result, imported.columns, options), null, 2)}\n`);
  } else {
    process.stdout.write(renderTable(result, calendar));
  }
  return 0;
}

function toJson(result: ReturnType<typeof runBacktest>, columns: string[], options: Options) {
  const { calendar } = options;
  const event = (e: { startMs: number; endMs: number }) => ({
    ...e,
    start: calendar.formatIso(e.startMs),
    end: calendar.formatIso(e.endMs),
  });
  const injected = result.anomalies.injected;
  return {
    inputs: options.inputs,
    columns,
    kind: options.kind,
    timezone: calendar.timeZone,
    series: {
      ...result.series,
      start: calendar.formatIso(result.series.startMs),
      end: calendar.formatIso(result.series.endMs),
    },
    forecast: result.forecast,
    anomalies: {
      householdMonths: result.anomalies.months,
      falseAlarmsPerHouseholdMonth: result.anomalies.falseAlarmsPerMonth,
      clean: result.anomalies.clean.map(event),
      injected: injected && {
        seed: injected.seed,
        faults: injected.faults.map(event),
        statistical: injected.evaluation.statistical,
        recallByKind: injected.evaluation.recallByKind,
        deterministic: injected.evaluation.deterministic,
      },
    },
  };
}
