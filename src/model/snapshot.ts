import type { ExactNumber } from "./exact-number.js";

/** A value as the meter stated it: an exact number with its unit, a text, or a local date-time. */
export type ReadingValue =
  | { readonly kind: "number"; readonly exact: ExactNumber; readonly unit: string | null }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "datetime"; readonly local: string };

export interface Reading {
  /** Full OBIS "1-0:1.8.0.255", or a reduced code exactly as an IEC 62056-21 readout wrote it ("1.8.1"). */
  readonly obis: string;
  readonly value: ReadingValue;
}

type SnapshotSource = "dlms-push" | "iec62056-21-readout" | "p1-telegram";

/** One complete push or readout, decoded. */
export interface Snapshot {
  readonly source: SnapshotSource;
  /** Serial number or identification as the meter gave it; null when the frame carries none. */
  readonly meterId: string | null;
  /** ISO 8601 local date-time (no offset) of the measurement, from the meter; null when absent. */
  readonly meterTime: string | null;
  /** DLMS system title (16 hex digits) for ciphered pushes. */
  readonly systemTitle?: string;
  readonly frameCounter?: number;
  readonly readings: readonly Reading[];
}
