/** The human view of decoded snapshots: one aligned table per snapshot, then the issues. */
import type { Issue } from "../model/issue.js";
import type { Snapshot } from "../model/snapshot.js";
import { readingToJson } from "./snapshot-json.js";

export function formatTable(snapshots: readonly Snapshot[], issues: readonly Issue[]): string {
  const parts: string[] = [];
  snapshots.forEach((snapshot, index) => {
    const header = `snapshot ${index + 1}: meter ${snapshot.meterId ?? "?"}, time ${snapshot.meterTime ?? "?"} (${snapshot.source})`;
    const rows = snapshot.readings
      .map(readingToJson)
      .map((reading) => [reading.obis, reading.name, String(reading.value), reading.unit ?? ""]);
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length), 0));
    const lines = rows.map((row) =>
      `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!.padStart(widths[2]!)} ${row[3]}`.trimEnd(),
    );
    parts.push([header, ...lines].join("\n"));
  });
  if (snapshots.length === 0) parts.push("no snapshot decoded");
  if (issues.length > 0)
    parts.push(["issues:", ...issues.map((issue) => `  [${issue.code}] ${issue.message}`)].join("\n"));
  return `${parts.join("\n\n")}\n`;
}
