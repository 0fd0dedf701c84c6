/** What `e450 history import` did, as a short table for a person and as JSON for a script. */
import type { ValueKind } from "../analytics/series/types.js";
import type { StoredInterval } from "../store/types.js";
import { HOUR_MS, MINUTE_MS, type ZonedCalendar } from "../time/zoned.js";
import type { Partition } from "./history-existing.js";
import { findGaps, type ImportedIntervals } from "./history-intervals.js";

export interface ImportFacts {
  readonly inputs: readonly string[];
  readonly columns: readonly string[];
  readonly exportColumns: readonly string[] | null;
  readonly kind: ValueKind;
  readonly meter: string;
  readonly storeFile: string;
  /** Timestamped rows after merging the inputs (blank ones included). */
  readonly rowsRead: number;
  readonly converted: ImportedIntervals;
  readonly partition: Partition;
  /** What the store reports having written. */
  readonly written: number;
  /** The loader's notes: DST-gap rows, unreadable timestamps, repeated or unmatched rows, all skipped. */
  readonly warnings: readonly string[];
}

interface LocalSpan {
  readonly start: string;
  readonly end: string;
  readonly hours: number;
}

/** The JSON of `--format json`; the table shows the same facts. */
export function importReport(facts: ImportFacts, calendar: ZonedCalendar) {
  const { intervals } = facts.converted;
  const span = (startMs: number, endMs: number): LocalSpan => ({
    start: calendar.formatIso(startMs),
    end: calendar.formatIso(endMs),
    hours: (endMs - startMs) / HOUR_MS,
  });
  const first = intervals[0];
  const last = intervals.at(-1);
  const gaps = findGaps(intervals);
  return {
    inputs: facts.inputs,
    columns: facts.columns,
    exportColumns: facts.exportColumns,
    kind: facts.kind,
    timezone: calendar.timeZone,
    meter: facts.meter,
    store: facts.storeFile,
    rowsRead: facts.rowsRead,
    blankRows: facts.converted.blankRows,
    stepMinutes: facts.converted.stepMs / MINUTE_MS,
    intervals: intervals.length,
    written: facts.written,
    keptIdentical: facts.partition.keptIdentical,
    keptLiveData: facts.partition.keptLive,
    importKwh: round(sum(intervals, (iv) => iv.importKwh)),
    exportKwh: facts.exportColumns === null ? null : round(sum(intervals, (iv) => iv.exportKwh ?? 0)),
    span: first && last ? span(first.startMs, last.endMs) : null,
    gaps: { count: gaps.count, longest: gaps.longest && span(gaps.longest.startMs, gaps.longest.endMs) },
    counterAcrossGaps: {
      count: facts.converted.acrossGaps.count,
      kwh: round(facts.converted.acrossGaps.kwh),
    },
    counterDecreases: facts.converted.counterDecreases,
    warnings: facts.warnings,
  };
}

export type ImportReport = ReturnType<typeof importReport>;

export function renderImportTable(report: ImportReport): string {
  const rows: [string, string][] = [
    ["meter", `${report.meter} (${report.store})`],
    ["import from", report.columns.join(" + ")],
    [
      "rows read",
      `${count(report.rowsRead)}${report.blankRows > 0 ? `, ${count(report.blankRows)} blank` : ""}`,
    ],
    ["intervals", `${count(report.intervals)} of ${report.stepMinutes} min`],
    ["written", count(report.written)],
    ["kept, identical", count(report.keptIdentical)],
    ["kept, live data", count(report.keptLiveData)],
    ["import", `${kwh(report.importKwh)} kWh`],
  ];
  if (report.exportKwh !== null && report.exportColumns !== null) {
    rows.push(["export", `${kwh(report.exportKwh)} kWh`], ["export from", report.exportColumns.join(" + ")]);
  }
  rows.push([
    "span",
    report.span ? `${local(report.span.start)} – ${local(report.span.end)} ${report.timezone}` : "–",
  ]);
  const { longest } = report.gaps;
  rows.push([
    "gaps",
    longest
      ? `${count(report.gaps.count)}, longest ${hours(longest.hours)} from ${local(longest.start)}`
      : "none",
  ]);
  if (report.counterAcrossGaps.count > 0) {
    rows.push([
      "not attributed",
      `${kwh(report.counterAcrossGaps.kwh)} kWh in ${count(report.counterAcrossGaps.count)} counter steps across gaps`,
    ]);
  }
  if (report.counterDecreases > 0)
    rows.push(["counter drops", `${count(report.counterDecreases)} (no interval there)`]);
  for (const warning of report.warnings) rows.push(["skipped", warning]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n")}\n`;
}

function sum(intervals: readonly StoredInterval[], value: (iv: StoredInterval) => number): number {
  return intervals.reduce((total, iv) => total + value(iv), 0);
}

/** Energy to the Wh: beyond that a double's sum of thousands of rows shows only rounding noise. */
function round(kwhValue: number): number {
  return Math.round(kwhValue * 1000) / 1000;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function kwh(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

function hours(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} min` : `${Number(h.toFixed(2))} h`;
}

/** "2024-03-16T12:00:00+01:00" → "2024-03-16 12:00 +01:00": the local time, its offset kept. */
function local(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${iso.slice(19)}`;
}
