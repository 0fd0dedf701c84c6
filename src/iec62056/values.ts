/**
 * What a data set's value means: an exact number with the unit as written, a local date-time, or text.
 */
import type { ReadingValue } from "../model/snapshot.js";
import { registerInfoFor } from "../obis/registry.js";
import type { DataSet, ValueGroup } from "./data-block.js";
import { parseReadoutDecimal } from "./decimal.js";

export interface DataSetValue {
  readonly value: ReadingValue;
  /**
   * The capture time that came with the value, e.g. the M-Bus reading time of
   * "0-1:24.2.1(101209112500W)(12785.123*m3)" (ISO local when it is a P1 timestamp, else as written).
   */
  readonly capturedAt: string | null;
}

/** P1 timestamp YYMMDDhhmmssX, X = S (summer) or W (winter) (DSMR P1 5.0.2 §6.4, "TST"). */
const P1_TIMESTAMP = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)[SW]$/;

/** "221215155050W" → "2022-12-15T15:50:50"; null when it is not a valid P1 timestamp. */
export function parseP1Timestamp(text: string): string | null {
  const trimmed = text.length === 13 ? text : text.trim();
  const flag = trimmed.charCodeAt(12);
  if (trimmed.length !== 13 || (flag !== 0x53 && flag !== 0x57)) return null; // cheap test before the regex
  const match = P1_TIMESTAMP.exec(trimmed);
  if (!match) return null;
  const [, yy, mo, dd, hh, mi, ss] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return localDateTime(`20${yy}`, mo, dd, hh, mi, ss);
}

/** ISO 8601 local date-time, or null when a field is out of range (meters send "000000000000W" for "none"). */
export function localDateTime(
  year: string,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): string | null {
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return null;
  }
  return `${year}-${month}-${day}T${hour}:${minute}:${second}`;
}

/**
 * Registers whose digits are identifiers or codes, not quantities: leading zeros matter ("0008",
 * "00", serial numbers). Besides the registry's identity/status/tariff/clock kinds: the IEC 62056-61
 * general-purpose groups 0.0 (device address), 0.2 (firmware and parameter ids), 0.9 (time, date),
 * 96.1 (ids) and 96.13 (messages), and the letter groups C (service entries) and F (error register).
 */
export function isIdentifierRegister(address: string): boolean {
  let known = identifierCache.get(address);
  if (known === undefined) {
    // Readouts repeat the same few dozen addresses; the registry lookup is the costly part of a value.
    if (identifierCache.size >= IDENTIFIER_CACHE_LIMIT) identifierCache.clear();
    known = classifyIdentifier(address);
    identifierCache.set(address, known);
  }
  return known;
}

const IDENTIFIER_CACHE_LIMIT = 4096;
const identifierCache = new Map<string, boolean>();

function classifyIdentifier(address: string): boolean {
  const kind = registerInfoFor(address)?.kind;
  if (kind === "identity" || kind === "status" || kind === "tariff" || kind === "clock") return true;
  const reduced = address.slice(address.indexOf(":") + 1).replace(/[*&].*$/, "");
  const [c, d] = reduced.split(".");
  if (c === "C" || c === "F") return true;
  if (c === "0") return d === "0" || d === "2" || d === "9";
  if (c === "96") return d === "1" || d === "13";
  return false;
}

/** A group of the data set at `address`: a unit makes it a quantity; without one, the register decides. */
function groupValue(group: ValueGroup, address: string): ReadingValue {
  const written = group.value.trim();
  // YYMMDDhhmmssX is unambiguous, so it is a date-time even for the clock register 0-0:1.0.0.
  const timestamp = group.unit === null ? parseP1Timestamp(written) : null;
  if (timestamp) return { kind: "datetime", local: timestamp };
  if (group.unit !== null || !isIdentifierRegister(address)) {
    const exact = parseReadoutDecimal(written);
    if (exact) return { kind: "number", exact, unit: group.unit };
  }
  return { kind: "text", text: group.unit === null ? written : `${written}*${group.unit}` };
}

/**
 * One value per data set. Two groups are a value and its capture time, in either order: P1 writes
 * "(timestamp)(value*unit)" (DSMR §6.4, M-Bus readings, maximum demand), IEC readouts write
 * "1.6.1(24.31*kW)(1605041345)". Anything longer (event logs, profile buffers) is kept as written.
 */
export function dataSetValue(set: DataSet): DataSetValue {
  const { address } = set;
  const [first, second] = set.groups;
  if (!first) return { value: { kind: "text", text: "" }, capturedAt: null };
  if (set.groups.length === 1) return { value: groupValue(first, address), capturedAt: null };
  if (set.groups.length === 2 && second) {
    const firstTime = first.unit === null ? parseP1Timestamp(first.value) : null;
    if (firstTime && !parseP1Timestamp(second.value))
      return { value: groupValue(second, address), capturedAt: firstTime };
    if (first.unit !== null && second.unit === null) {
      const written = second.value.trim();
      return { value: groupValue(first, address), capturedAt: parseP1Timestamp(written) ?? written };
    }
  }
  const asWritten = set.groups.map((g) => `(${g.value}${g.unit === null ? "" : `*${g.unit}`})`).join("");
  return { value: { kind: "text", text: asWritten }, capturedAt: null };
}
