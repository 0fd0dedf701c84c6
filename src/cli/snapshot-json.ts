/** The JSON shape of a snapshot in `e450 decode` output: numbers scaled, identifiers as strings. */
import { toDecimalString, toNumber } from "../model/exact-number.js";
import { registerName } from "../obis/registry.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import type { DecodeSummary, IssueCount } from "../reader/decode-bytes.js";

export interface ReadingJson {
  readonly obis: string;
  readonly name: string;
  readonly value: number | string;
  readonly unit: string | null;
  /** The exact decimal, for values a double cannot hold exactly. */
  readonly exact?: string;
}

export function readingToJson(reading: Reading): ReadingJson {
  const name = registerName(reading.obis);
  const { value } = reading;
  switch (value.kind) {
    case "number":
      return {
        obis: reading.obis,
        name,
        value: toNumber(value.exact),
        unit: value.unit,
        exact: toDecimalString(value.exact),
      };
    case "text":
      return { obis: reading.obis, name, value: value.text, unit: null };
    case "datetime":
      return { obis: reading.obis, name, value: value.local, unit: null };
  }
}

export function snapshotToJson(snapshot: Snapshot) {
  return {
    source: snapshot.source,
    meterId: snapshot.meterId,
    meterTime: snapshot.meterTime,
    ...(snapshot.systemTitle
      ? { systemTitle: snapshot.systemTitle, frameCounter: snapshot.frameCounter }
      : {}),
    readings: snapshot.readings.map(readingToJson),
  };
}

/**
 * The `e450 decode` document `{"snapshots": […], "issues": […], "summary": {…}}`, written piece by
 * piece: each snapshot as it is decoded, the counted issues and the summary at the end. The pieces
 * joined are exactly JSON.stringify of the whole document.
 */
export class JsonDocumentFormatter {
  private snapshots = 0;

  start(): string {
    return '{"snapshots":[';
  }

  snapshot(snapshot: Snapshot): string {
    return `${this.snapshots++ > 0 ? "," : ""}${JSON.stringify(snapshotToJson(snapshot))}`;
  }

  end(issues: readonly IssueCount[], summary: DecodeSummary): string {
    return `],"issues":${JSON.stringify(issues)},"summary":${JSON.stringify(summary)}}\n`;
  }
}
