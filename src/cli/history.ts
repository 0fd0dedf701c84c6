/**
 * `e450 history`: the history store from the command line. `import` fills it with the 15-minute or
 * hourly consumption a grid operator's portal or another tool exports, so that the forecast and
 * anomaly baselines are warm on the first day of live reading.
 */
import { InputError, loadReadings } from "../analytics/io/load.js";
import { loadOptions } from "../config/load.js";
import { formatProblem } from "../config/problems.js";
import { createLogger } from "../logging/logger.js";
import { HistoryStore } from "../store/history-store.js";
import { HISTORY_FILE_NAME, historyFile } from "../store/location.js";
import { DAY_MS } from "../time/zoned.js";
import { failUsage, nearest, parseCommandArgs } from "./args.js";
import { partitionByExisting } from "./history-existing.js";
import {
  CSV_INPUT_OPTIONS,
  CSV_INPUT_USAGE,
  type CsvInput,
  parseCsvInput,
  readCsvSources,
  UnreadableInputError,
} from "./csv-input.js";
import { toImportedIntervals, UnsupportedStepError } from "./history-intervals.js";
import { chooseMeter } from "./history-meter.js";
import { importReport, renderImportTable } from "./history-report.js";

const USAGE = `usage: e450 history <subcommand> [options]

subcommands:
  import     read 15-minute or hourly consumption CSV files into the history store

Run e450 history import --help for its options.
`;

const IMPORT_USAGE = `usage: e450 history import --input FILE… --kind KIND --timezone TZ [options]

Reads consumption CSV files (the shapes e450 backtest reads) into the history store
(DIR/${HISTORY_FILE_NAME}), so that forecasts and anomaly baselines start from the past. Importing the
same file again changes nothing; data the meter itself delivered is never replaced.

${CSV_INPUT_USAGE}  --timezone TZ          IANA zone of the file's local times, e.g. Europe/Vienna (required)
  --meter SERIAL         the meter the data belongs to (default: the only meter in the store; with none,
                         the virtual meter)
  --data-dir DIR         the folder \`e450 run\` keeps its data in (default: /data in the add-on, ./.data otherwise)
  --format json|table    output format (default: table)
`;

const IMPORT_OPTIONS = {
  ...CSV_INPUT_OPTIONS,
  meter: { type: "string" },
  "data-dir": { type: "string" },
  format: { type: "string", default: "table" },
  help: { type: "boolean", short: "h" },
} as const;

const SUBCOMMANDS = ["import"];

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "import") return importMain(rest);
  if (name !== undefined && !name.startsWith("-")) {
    const guess = nearest(name, SUBCOMMANDS);
    return failUsage(
      `e450 history: unknown subcommand "${name}"${guess ? ` (did you mean ${guess}?)` : ""}`,
      USAGE,
    );
  }
  const args = parseCommandArgs("e450 history", argv, { options: { help: { type: "boolean", short: "h" } } });
  if (!args.ok) return failUsage(args.message, USAGE);
  process.stdout.write(USAGE);
  return args.values.help ? 0 : 2;
}

interface ImportOptions extends CsvInput {
  readonly meter: string | undefined;
  readonly dataDir: string | undefined;
  readonly format: "json" | "table";
}

const COMMAND = "e450 history import";

async function importMain(argv: string[]): Promise<number> {
  // "--input a.csv b.csv": the files after the first arrive as positionals.
  const args = parseCommandArgs(COMMAND, argv, { options: IMPORT_OPTIONS, allowPositionals: true });
  if (!args.ok) return failUsage(args.message, IMPORT_USAGE);
  const { values } = args;
  if (values.help) {
    process.stdout.write(IMPORT_USAGE);
    return 0;
  }
  const parsed = parseCsvInput(values, args.positionals, null);
  const problems = parsed.ok ? [] : [...parsed.problems];
  if (values.format !== "json" && values.format !== "table")
    problems.push("--format: expected json or table");
  if (!parsed.ok || problems.length > 0) return misuse(problems);
  const options: ImportOptions = {
    ...parsed.input,
    meter: values.meter,
    dataDir: values["data-dir"],
    format: values.format as "json" | "table",
  };
  try {
    return await runImport(options);
  } catch (error) {
    if (
      error instanceof UnreadableInputError ||
      error instanceof InputError ||
      error instanceof UnsupportedStepError ||
      error instanceof UsageError
    ) {
      return misuse([error.message]);
    }
    throw error;
  }
}

/** Misuse or an input that cannot be imported: one line each, exit 2. */
function misuse(problems: readonly string[]): number {
  const lines = problems.map((problem) => `${COMMAND}: ${problem}\n`).join("");
  process.stderr.write(`${lines}(${COMMAND} --help shows the options)\n`);
  return 2;
}

class UsageError extends Error {}

async function runImport(options: ImportOptions): Promise<number> {
  const { calendar } = options;
  const sources = await readCsvSources(options.inputs);
  const imported = loadReadings(sources, options.columns, calendar, options.timestamps);
  const exported =
    options.exportColumns.length > 0
      ? loadReadings(sources, options.exportColumns, calendar, options.timestamps)
      : null;
  const converted = toImportedIntervals(imported, exported, options.kind);
  const first = converted.intervals[0];
  const last = converted.intervals.at(-1);
  if (first === undefined || last === undefined)
    throw new UsageError(`${options.inputs.join(", ")}: no row with a value to import`);

  const storeFile = historyFile(await dataDirOf(options));
  // Warnings and errors only: what the store says about a damaged file it moved aside must be seen.
  const logger = createLogger(
    "warning",
    (text) => text,
    (line) => process.stderr.write(line),
  );
  const store = HistoryStore.open(storeFile, logger);
  try {
    const meter = chooseMeter(options.meter, store.meters());
    if (!meter.ok) throw new UsageError(meter.message);
    if (meter.note !== null) process.stderr.write(`${COMMAND}: ${meter.note}\n`);
    // A stored interval is at most a day long (the store refuses longer ones), so one starting a day
    // before the first imported row is the earliest that can overlap it.
    const existing = store.intervals(meter.key, first.startMs - DAY_MS, last.endMs);
    const partition = partitionByExisting(converted.intervals, existing);
    const { written } = store.writeIntervals(meter.key, partition.toWrite);
    const report = importReport(
      {
        inputs: options.inputs,
        columns: imported.columns,
        exportColumns: exported?.columns ?? null,
        kind: options.kind,
        meter: meter.key,
        storeFile,
        rowsRead: imported.readings.length,
        converted,
        partition,
        written,
        warnings: [...imported.warnings, ...(exported?.warnings ?? [])],
      },
      calendar,
    );
    process.stdout.write(
      options.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderImportTable(report),
    );
    return 0;
  } finally {
    store.close();
  }
}

/** `--data-dir`, else the folder `e450 run` would use here (config/load.ts decides, as for `run`). */
async function dataDirOf(options: ImportOptions): Promise<string> {
  if (options.dataDir !== undefined) return options.dataDir;
  const loaded = await loadOptions();
  if (loaded.ok) return loaded.options.dataDir;
  const first = loaded.problems[0];
  throw new UsageError(
    `cannot tell the data folder e450 run uses: ${first ? formatProblem(first) : "its options are invalid"}; name it with --data-dir`,
  );
}
