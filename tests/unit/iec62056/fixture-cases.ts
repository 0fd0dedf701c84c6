/**
 * The IEC 62056-21 cases of ../shared/fixtures/frames.json, copied with their provenance (id, source,
 * notes) to tests/fixtures/iec62056/frames.json.
 */
import { readFileSync } from "node:fs";

interface ExpectedReading {
  readonly obis: string;
  readonly value: string | number;
  readonly unit: string | null;
}

export interface FixtureCase {
  readonly id: string;
  readonly source: Record<string, string>;
  readonly notes: string;
  readonly payload: string;
  readonly expected: readonly ExpectedReading[] | "error";
  readonly error_kind?: string;
}

const file = JSON.parse(
  readFileSync(new URL("../../fixtures/iec62056/frames.json", import.meta.url), "utf8"),
) as { cases: FixtureCase[] };

export function fixture(id: string): FixtureCase {
  const found = file.cases.find((c) => c.id === id);
  if (!found) throw new Error(`no fixture ${id}`);
  return found;
}

/** The payloads are ASCII; latin1 keeps each character as one byte. */
export function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

export const E350_READOUT = "lgz-e350-zmf100-iec62056-21-modeC-readout";
export const E360_TELEGRAM = "lg-e360-dsmr-p1-gh382-1";
export const DSMR5_CRC_MISMATCH = "dsmr-v5-crc-mismatch";
