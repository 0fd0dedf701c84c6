/**
 * The real-frame cases (tests/fixtures/real-frames/*.json, provenance per case) and the same
 * judgement as ../shared/tools/decode-fixtures.py: OBIS codes match on C.D.E (plus A-B when both
 * name them), values after unit conversion to base units.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DecodeResult } from "../../src/reader/decode-bytes.js";
import { readingToJson } from "../../src/cli/snapshot-json.js";

export interface ExpectedReading {
  readonly obis: string | null;
  readonly value: number | string;
  readonly unit: string | null;
}

export interface RealFrameCase {
  readonly id: string;
  readonly transport: "hdlc" | "mbus" | "iec62056-21" | "raw-apdu";
  readonly encoding: "hex" | "ascii";
  readonly payload: string;
  readonly key?: string | null;
  readonly auth_key?: string | null;
  readonly expected: readonly ExpectedReading[] | "error";
  readonly error_kind?: string;
  readonly expected_messages?: number;
  readonly expected_plaintext_apdu?: string;
}

function casesIn(file: string): RealFrameCase[] {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`../fixtures/real-frames/${file}`, import.meta.url)), "utf8"),
  );
}

/** The shared set (frames.json, a copy of ../shared/fixtures) and the project's own further captures. */
export const REAL_FRAMES: readonly RealFrameCase[] = [
  ...casesIn("frames.json"),
  ...casesIn("more-frames.json"),
];

export function caseBytes(testCase: RealFrameCase): Uint8Array {
  return Uint8Array.from(Buffer.from(testCase.payload, testCase.encoding === "hex" ? "hex" : "latin1"));
}

export function caseKeys(testCase: RealFrameCase) {
  return {
    ...(testCase.key ? { encryptionKey: Uint8Array.from(Buffer.from(testCase.key, "hex")) } : {}),
    ...(testCase.auth_key
      ? { authenticationKey: Uint8Array.from(Buffer.from(testCase.auth_key, "hex")) }
      : {}),
  };
}

const FACTORS: Record<string, number> = {
  wh: 1,
  kwh: 1e3,
  varh: 1,
  kvarh: 1e3,
  w: 1,
  kw: 1e3,
  var: 1,
  kvar: 1e3,
  v: 1,
  a: 1,
  hz: 1,
};
const FULL = /^(\d+)-(\d+):(\w+)\.(\w+)(?:\.(\w+))?(?:[.*](\d+))?$/;
const SHORT = /^(\w+)\.(\w+)(?:\.(\w+))?(?:[.*](\d+))?$/;

function parts(code: string): [string | null, string | null, string, string | null, string | null] {
  const full = FULL.exec(code);
  if (full) return [full[1]!, full[2]!, full[3]!, full[4]!, full[5] ?? null];
  const short = SHORT.exec(code);
  if (short) return [null, null, short[1]!, short[2]!, short[3] ?? null];
  return [null, null, code, null, null];
}

function obisMatches(expected: string | null, got: string): boolean {
  if (expected === null) return true;
  const [ea, eb, ec, ed, ee] = parts(expected);
  const [ga, gb, gc, gd, ge] = parts(got);
  if (ec !== gc || ed !== gd) return false;
  if (ee !== null && ge !== null && ee !== ge) return false;
  if (
    (ee === null && ge !== null && ge !== "0" && ge !== "255") ||
    (ge === null && ee !== null && ee !== "0" && ee !== "255")
  )
    return false;
  return !(ea !== null && ga !== null && (ea !== ga || eb !== gb));
}

function toBase(value: number, unit: string | null): number {
  return unit ? value * (FACTORS[unit.toLowerCase()] ?? 1) : value;
}

function valueMatches(
  expected: ExpectedReading,
  got: { value: number | string; unit: string | null },
): boolean {
  if (typeof expected.value === "string") {
    if (typeof got.value === "number") return Number(expected.value) === got.value;
    if (got.value.trim() === expected.value.trim()) return true;
    const p1 = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)[SW]$/.exec(expected.value);
    const iso = p1 ? `20${p1[1]}-${p1[2]}-${p1[3]}T${p1[4]}:${p1[5]}:${p1[6]}` : expected.value;
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(iso) && got.value.slice(0, 19) === iso.slice(0, 19);
  }
  if (typeof got.value !== "number") return false;
  const e = toBase(expected.value, expected.unit);
  const g = toBase(got.value, got.unit ?? expected.unit);
  return Math.abs(e - g) <= Math.max(1e-9 * Math.abs(e), 1e-6);
}

/** Readings the case expects that the result lacks, as readable strings (empty = all found). */
export function missingReadings(testCase: RealFrameCase, result: DecodeResult): string[] {
  if (testCase.expected === "error") return [];
  const readings = result.snapshots.flatMap((snapshot) => snapshot.readings.map(readingToJson));
  return testCase.expected
    .filter(
      (expected) =>
        !readings.some((got) => obisMatches(expected.obis, got.obis) && valueMatches(expected, got)),
    )
    .map((expected) => `${expected.obis}=${expected.value}${expected.unit ?? ""}`);
}
