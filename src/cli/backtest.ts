/**
 * `e450 backtest`: replays consumption CSV files through the forecast and the anomaly detectors as
 * they run live (no look-ahead; rolling-origin evaluation as in Hyndman & Athanasopoulos, FPP3 §5.10)
 * and prints their metrics beside the named baselines.
 */
import { writeFile } from "node:fs/promises";
import {
  renderTable,
  FORECAST_CSV_HEADER,
  forecastCsvRow,
  anomaliesCsv,
} from "../analytics/backtest/report.js";
import { runBacktest } from "../analytics/backtest/run.js";
import { InputError, loadReadings } from "../analytics/io/load.js";
import { hostTimeZone } from "../time/zoned.js";
import { type ArgValues, failUsage, parseCommandArgs } from "./args.js";
import {
  CSV_INPUT_OPTIONS,
  CSV_INPUT_USAGE,
  type CsvInput,
  parseCsvInput,
  readCsvSources,
} from "./csv-input.js";

const USAGE = `usage: e450 backtest --input FILE… --kind KIND [options]

${CSV_INPUT_USAGE}  --timezone TZ          IANA zone for local days and timestamps without offset (default: this machine's)
  --forecasts-out PATH   CSV: origin,target,actual_kwh,forecast_kwh,p10_kwh,p90_kwh
  --anomalies-out PATH   CSV: start,end,kind,score,injected
  --inject-faults SEED   also replay a copy with seeded injected faults and score the detectors
  --format json|table    output format (default: table)
`;

const OPTIONS = {
  ...CSV_INPUT_OPTIONS,
  "forecasts-out": { type: "string" },
  "anomalies-out": { type: "string" },
  "inject-faults": { type: "string" },
  format: { type: "string", default: "table" },
  help: { type: "boolean", short: "h" },
} as const;

interface Options extends CsvInput {
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
  const parsed = parseCsvInput(values, positionals, hostTimeZone());
  const problems = parsed.ok ? [] : [...parsed.problems];
  const seedText = values["inject-faults"];
  if (seedText !== undefined && !/^\d+$/.test(seedText))
    problems.push("--inject-faults: expected a non-negative integer seed");
  if (values.format !== "json" && values.format !== "table")
    problems.push("--format: expected json or table");
  if (!parsed.ok || problems.length > 0) throw new Error(problems.join("\n"));
  return {
    ...parsed.input,
    forecastsOut: values["forecasts-out"],
    anomaliesOut: values["anomalies-out"],
    seed: seedText === undefined ? null : Number(seedText),
    format: values.format as "json" | "table",
  };
}

async function run(options: Options): Promise<number> {
  const sources = await readCsvSources(options.inputs);
  const { calendar, timestamps } = options;
  const imported = loadReadings(sources, options.columns, calendar, timestamps);
  const exported =
    options.exportColumns.length > 0
      ? loadReadings(sources, options.exportColumns, calendar, timestamps)
      : null;
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
