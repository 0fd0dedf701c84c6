/**
 * The CSV input options `e450 backtest` and `e450 history import` share: the same files, value kinds,
 * columns, zone and timestamp labels mean the same series in both.
 */
import { readFile } from "node:fs/promises";
import type { CsvSource, TimestampOptions } from "../analytics/io/load.js";
import { VALUE_KINDS, type ValueKind } from "../analytics/series/types.js";
import { ZonedCalendar } from "../time/zoned.js";
import { fileErrorReason } from "../util/file-error.js";

export const CSV_INPUT_OPTIONS = {
  input: { type: "string", multiple: true },
  kind: { type: "string" },
  column: { type: "string", multiple: true },
  "export-column": { type: "string", multiple: true },
  timezone: { type: "string" },
  "timestamp-column": { type: "string" },
  "timestamp-at": { type: "string" },
} as const;

export const CSV_INPUT_USAGE = `  --input FILE…          CSV files (with or without a header); several files are summed on matching timestamps
  --kind KIND            ${VALUE_KINDS.join(" | ")}
  --column NAME|INDEX    value column(s) to sum (0-based); default: the first column after the timestamp
                         that holds a number
  --export-column NAME|INDEX  export (feed-in) column(s)
  --timestamp-column INDEX  the column with the time (0-based; default 0); a date column followed by a
                         time column (Datum;Zeit von;…) is read as one time
  --timestamp-at start|end  whether a row's time is the start or the end of its interval (default: start)
`;

type CsvInputValues = {
  readonly [Name in "input" | "column" | "export-column"]?: string[] | undefined;
} & {
  readonly [Name in "kind" | "timezone" | "timestamp-column" | "timestamp-at"]?: string | undefined;
};

export interface CsvInput {
  readonly inputs: string[];
  readonly kind: ValueKind;
  readonly columns: string[];
  readonly exportColumns: string[];
  readonly calendar: ZonedCalendar;
  readonly timestamps: TimestampOptions;
}

/**
 * The options as one CsvInput, or every problem with them at once. "--input a.csv b.csv": the files
 * after the first arrive as positionals. Without a `defaultTimeZone`, --timezone is required.
 */
export function parseCsvInput(
  values: CsvInputValues,
  positionals: readonly string[],
  defaultTimeZone: string | null,
): { readonly ok: true; readonly input: CsvInput } | { readonly ok: false; readonly problems: string[] } {
  const problems: string[] = [];
  const inputs = [...(values.input ?? []), ...positionals];
  if (inputs.length === 0) problems.push("--input: at least one CSV file is required");
  const kind = values.kind as ValueKind | undefined;
  if (kind === undefined || !VALUE_KINDS.includes(kind))
    problems.push(`--kind: expected one of ${VALUE_KINDS.join(", ")}`);
  let calendar: ZonedCalendar | null = null;
  const zone = values.timezone ?? defaultTimeZone;
  if (zone === null)
    problems.push("--timezone: required (the IANA zone of the file's local times, e.g. Europe/Vienna)");
  else {
    try {
      calendar = new ZonedCalendar(zone);
    } catch {
      problems.push(`--timezone: "${zone}" is not an IANA time zone`);
    }
  }
  const column = values["timestamp-column"] ?? "0";
  if (!/^\d+$/.test(column)) problems.push("--timestamp-column: expected a 0-based column index");
  const at = values["timestamp-at"] ?? "start";
  if (at !== "start" && at !== "end") problems.push("--timestamp-at: expected start or end");
  // A meter reading is taken at an instant; only a value over an interval has a start and an end.
  else if (at === "end" && kind === "cumulative-kwh")
    problems.push("--timestamp-at: end applies to interval values; a cumulative-kwh reading is an instant");
  if (problems.length > 0 || kind === undefined || calendar === null) return { ok: false, problems };
  return {
    ok: true,
    input: {
      inputs,
      kind,
      columns: values.column ?? [],
      exportColumns: values["export-column"] ?? [],
      calendar,
      timestamps: { column: Number(column), at: at as TimestampOptions["at"] },
    },
  };
}

/** Thrown for a file that cannot be read or holds nothing; the message names the file. */
export class UnreadableInputError extends Error {}

export async function readCsvSources(inputs: readonly string[]): Promise<CsvSource[]> {
  return Promise.all(
    inputs.map(async (name) => {
      let text: string;
      try {
        text = await readFile(name, "utf8");
      } catch (error) {
        throw new UnreadableInputError(`cannot read ${name}: ${fileErrorReason(error)}`);
      }
      if (text.trim() === "") throw new UnreadableInputError(`${name} is empty`);
      return { name, text };
    }),
  );
}
