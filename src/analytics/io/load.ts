/**
 * CSV text → one merged reading series. Several value columns of a row, and several files on
 * matching timestamps, are summed (two tariff registers T1 + T2 make one import series).
 * Pure: the caller reads the files.
 */
import type { TimedValue } from "../series/types.js";
import { nominalStepMs } from "../series/resample.js";
import type { ZonedCalendar } from "../../time/zoned.js";
import { type CsvTable, parseCsvTable } from "./csv.js";
import { parseCellNumber } from "./numbers.js";
import {
  parseTimeOfDay,
  parseTimestamp,
  rowTimestamp,
  type TimestampAt,
  type TimestampLayout,
  TimestampResolver,
  timestampLayout,
} from "./timestamps.js";

export interface CsvSource {
  readonly name: string;
  readonly text: string;
}

export class InputError extends Error {
  constructor(
    readonly code: "unknown-column" | "no-data" | "no-data-rows" | "no-timestamps",
    message: string,
  ) {
    super(message);
  }
}

export interface LoadedReadings {
  readonly readings: TimedValue[];
  /** The header name (or "column N") of every summed column, per file. */
  readonly columns: string[];
  readonly warnings: string[];
}

/** Where the rows' times are and what they label; the defaults read column 0 as interval starts. */
export interface TimestampOptions {
  /** 0-based index of the timestamp column (or of the date column before a time column). */
  readonly column: number;
  readonly at: TimestampAt;
}

const DEFAULT_TIMESTAMPS: TimestampOptions = { column: 0, at: "start" };

/**
 * @param selectors column names (case-insensitive) or 0-based indices of value columns. Empty means
 *   the first column after the timestamp that holds a number (or nothing) in the first data row.
 * @param timestamps with `at: "end"` every reading moves back by one step (the most common spacing of
 *   the rows), so that it labels the start of its interval like every other input.
 */
export function loadReadings(
  sources: readonly CsvSource[],
  selectors: readonly string[],
  calendar: ZonedCalendar,
  timestamps: TimestampOptions = DEFAULT_TIMESTAMPS,
): LoadedReadings {
  const warnings: string[] = [];
  const columns: string[] = [];
  const merged = new Map<number, { sum: number; files: number }>();
  for (const source of sources) {
    const table = parseCsvTable(source.text, (row) => timestampLayout(row, timestamps.column) !== null);
    const firstRow = table.rows[0];
    if (firstRow === undefined) {
      throw new InputError("no-data-rows", `${source.name}: the file has a header row but no data rows`);
    }
    const layout = timestampLayout(firstRow, timestamps.column);
    if (layout === null) throw new InputError("no-timestamps", noTimestampMessage(source.name, timestamps));
    const indices = resolveColumns(source.name, table, firstRow, layout, selectors);
    columns.push(...indices.map((i) => `${source.name}:${table.header?.[i] || `column ${i}`}`));
    const resolver = new TimestampResolver(calendar, timestamps.at);
    const seen = new Set<number>();
    let unparsed = 0;
    let nonexistent = 0;
    let duplicates = 0;
    const unreadable: string[] = [];
    for (const row of table.rows) {
      const parsed = rowTimestamp(row, layout);
      if (parsed === null) {
        unparsed++;
        continue;
      }
      const resolved = resolver.resolve(parsed);
      if ("skipped" in resolved) {
        nonexistent++;
        continue;
      }
      if (seen.has(resolved.utcMs)) {
        duplicates++;
        continue;
      }
      seen.add(resolved.utcMs);
      const value = indices.reduce((sum, i) => {
        const cell = parseCellNumber(row[i], table.delimiter);
        if (cell.unreadable) unreadable.push(row[i]!.trim());
        return sum + cell.value;
      }, 0);
      const entry = merged.get(resolved.utcMs);
      if (entry) {
        entry.sum += value;
        entry.files++;
      } else if (source === sources[0]) merged.set(resolved.utcMs, { sum: value, files: 1 });
    }
    if (unparsed > 0) warnings.push(`${source.name}: ${unparsed} rows without a readable timestamp skipped`);
    if (nonexistent > 0) {
      warnings.push(
        `${source.name}: ${nonexistent} rows at local times that do not exist in ${calendar.timeZone} (DST gap) skipped`,
      );
    }
    if (duplicates > 0) warnings.push(`${source.name}: ${duplicates} rows with a repeated timestamp skipped`);
    if (unreadable.length > 0) {
      warnings.push(
        `${source.name}: ${unreadable.length} values that are not plain numbers (such as "${unreadable[0]}") read as gaps`,
      );
    }
  }
  const readings: TimedValue[] = [];
  let unmatched = 0;
  for (const [timeMs, entry] of merged) {
    if (entry.files === sources.length) readings.push({ timeMs, value: entry.sum });
    else unmatched++;
  }
  if (unmatched > 0) warnings.push(`${unmatched} timestamps not present in every input file skipped`);
  if (readings.length < 2)
    throw new InputError("no-data", "fewer than two readings after merging the inputs");
  readings.sort((a, b) => a.timeMs - b.timeMs);
  if (timestamps.at === "start") return { readings, columns, warnings };
  const stepMs = nominalStepMs(readings);
  const starts = readings.map((r) => ({ timeMs: r.timeMs - stepMs, value: r.value }));
  return { readings: starts, columns, warnings };
}

function noTimestampMessage(file: string, timestamps: TimestampOptions): string {
  return timestamps.column === 0
    ? `${file}: no row starts with a timestamp (if it is in another column, name it with --timestamp-column)`
    : `${file}: no row has a timestamp in column ${timestamps.column}`;
}

function resolveColumns(
  file: string,
  table: CsvTable,
  firstRow: readonly string[],
  layout: TimestampLayout,
  selectors: readonly string[],
): number[] {
  const { header } = table;
  const isTimeColumn = (i: number) => i === layout.column || i === layout.timeColumn;
  const width = Math.max(firstRow.length, header?.length ?? 0);
  if (selectors.length === 0) return [defaultValueColumn(file, firstRow, layout, table.delimiter)];
  return selectors.map((selector) => {
    const byName = header?.findIndex((name) => name.toLowerCase() === selector.trim().toLowerCase()) ?? -1;
    if (byName >= 0 && !isTimeColumn(byName)) return byName;
    const index = /^\d+$/.test(selector) ? Number(selector) : -1;
    if (index >= 0 && index < width && !isTimeColumn(index)) return index;
    const valueColumns = (header ?? []).filter((name, i) => name !== "" && !isTimeColumn(i));
    const known = header ? ` (columns: ${valueColumns.join(", ")})` : ` (${width - 1} value columns)`;
    throw new InputError("unknown-column", `${file}: no column "${selector}"${known}`);
  });
}

/**
 * The first column after the timestamp whose first data cell is a number or blank: Wiener Netze's
 * `Zeit bis` and Energienetze Steiermark's end time sit between the start time and the value. When
 * no cell is, the first one that is not a time (its text is then reported as unreadable).
 */
function defaultValueColumn(
  file: string,
  firstRow: readonly string[],
  layout: TimestampLayout,
  delimiter: CsvTable["delimiter"],
): number {
  const after = [...firstRow.keys()].slice((layout.timeColumn ?? layout.column) + 1);
  const numeric = after.find((i) => !parseCellNumber(firstRow[i], delimiter).unreadable);
  const notTime = after.find(
    (i) => parseTimestamp(firstRow[i]!) === null && parseTimeOfDay(firstRow[i]!) === null,
  );
  const column = numeric ?? notTime;
  if (column === undefined)
    throw new InputError("unknown-column", `${file}: no value column after the timestamp`);
  return column;
}
