/**
 * The human view of decoded snapshots: one aligned table per snapshot, then the issues. Written piece
 * by piece as snapshots are decoded, so a long capture is never held as one string.
 */
import type { Snapshot } from "../model/snapshot.js";
import type { IssueCount } from "../reader/decode-bytes.js";
import { readingToJson } from "./snapshot-json.js";

export class TableFormatter {
  private snapshots = 0;

  /** The next snapshot's table, with the blank line that separates it from the one before. */
  snapshot(snapshot: Snapshot): string {
    this.snapshots++;
    const header = `snapshot ${this.snapshots}: meter ${snapshot.meterId ?? "?"}, time ${snapshot.meterTime ?? "?"} (${snapshot.source})`;
    const rows = snapshot.readings
      .map(readingToJson)
      .map((reading) => [reading.obis, reading.name, String(reading.value), reading.unit ?? ""]);
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length), 0));
    const lines = rows.map((row) =>
      `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!.padStart(widths[2]!)} ${row[3]}`.trimEnd(),
    );
    return `${this.snapshots > 1 ? "\n\n" : ""}${[header, ...lines].join("\n")}`;
  }

  /** The end of the output: "no snapshot decoded" when there was none, then the issues, counted. */
  end(issues: readonly IssueCount[]): string {
    const parts: string[] = [];
    if (this.snapshots === 0) parts.push("no snapshot decoded");
    if (issues.length > 0) parts.push(["issues:", ...issues.flatMap(issueLines)].join("\n"));
    if (parts.length === 0) return "\n";
    return `${this.snapshots > 0 ? "\n\n" : ""}${parts.join("\n\n")}\n`;
  }
}

function issueLines(issue: IssueCount): string[] {
  const times = issue.count > 1 ? ` (${issue.count} times)` : "";
  const others = issue.examples.filter((example) => example !== issue.message);
  return [`  [${issue.code}] ${issue.message}${times}`, ...others.map((example) => `      also: ${example}`)];
}
