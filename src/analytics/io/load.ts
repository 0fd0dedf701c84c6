/**
 * CSV text → one merged reading series. Several value columns of a row, and several files on
 * matching timestamps, are summed (two tariff registers T1 + T2 make one import series).
 * Pure: the caller reads the files.
 */
import type { TimedValue } from "../series/types.js";
import type { ZonedCalendar } from "../../time/zoned.js";
import { parseCsvTable } from "./csv.js";
import { looksLikeTimestamp, parseTimestamp, TimestampResolver } from "./timestamps.js";

export interface CsvSource {
  readonly name: string;
  readonly text: string;
}

export class InputError extends Error {
  constructor(
    readonly code: "unknown-column" | "no-data" | "no-timestamps",
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

/**
 * @param selectors column names (case-insensitive) or 0-based indices; column 0 is the timestamp.
 *   Empty means the first value column.
 */
export function loadReadings(
  sources: readonly CsvSource[],
  selectors: readonly string[],
  calendar: ZonedCalendar,
): LoadedReadings {
  const warnings: string[] = [];
  const columns: string[] = [];
  const merged = new Map<number, { sum: number; files: number }>();
  for (const source of sources) {
    const table = parseCsvTable(source.text, looksLikeTimestamp);
    const indices = resolveColumns(source.name, table.header, table.rows[0]?.length ?? 0, selectors);
    columns.push(...indices.map((i) => `${source.name}:${table.header?.[i] ?? `column ${i}`}`));
    const resolver = new TimestampResolver(calendar);
    const seen = new Set<number>();
    let unparsed = 0;
    let nonexistent = 0;
    let duplicates = 0;
    for (const row of table.rows) {
      const parsed = parseTimestamp(row[0] ?? "");
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
      const value = indices.reduce((sum, i) => sum + parseNumber(row[i]), 0);
      const entry = merged.get(resolved.utcMs);
      if (entry) {
        entry.sum += value;
        entry.files++;
      } else if (source === sources[0]) merged.set(resolved.utcMs, { sum: value, files: 1 });
    }
    if (seen.size === 0)
      throw new InputError("no-timestamps", `${source.name}: no row starts with a timestamp`);
    if (unparsed > 0) warnings.push(`${source.name}: ${unparsed} rows without a readable timestamp skipped`);
    if (nonexistent > 0) {
      warnings.push(
        `${source.name}: ${nonexistent} rows at local times that do not exist in ${calendar.timeZone} (DST gap) skipped`,
      );
    }
    if (duplicates > 0) warnings.push(`${source.name}: ${duplicates} rows with a repeated timestamp skipped`);
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
  return { readings, columns, warnings };
}

function resolveColumns(
  file: string,
  header: readonly string[] | null,
  width: number,
  selectors: readonly string[],
): number[] {
  if (selectors.length === 0) {
    if (width < 2) throw new InputError("unknown-column", `${file}: no value column after the timestamp`);
    return [1];
  }
  return selectors.map((selector) => {
    const byName = header?.findIndex((name) => name.toLowerCase() === selector.trim().toLowerCase()) ?? -1;
    if (byName > 0) return byName;
    if (
      /^\d+$/.test(selector) &&
      Number(selector) > 0 &&
      Number(selector) < Math.max(width, header?.length ?? 0)
    ) {
      return Number(selector);
    }
    const known = header ? ` (columns: ${header.slice(1).join(", ")})` : ` (${width - 1} value columns)`;
    throw new InputError("unknown-column", `${file}: no column "${selector}"${known}`);
  });
}

/** Blank or non-numeric cells make the whole row missing: a partial sum would understate energy. */
function parseNumber(text: string | undefined): number {
  const s = (text ?? "").trim();
  if (s === "") return Number.NaN;
  const n = Number(s.includes(",") && !s.includes(".") ? s.replace(",", ".") : s);
  return Number.isFinite(n) ? n : Number.NaN;
}
