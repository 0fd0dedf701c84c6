/**
 * InfluxDB line protocol, written by hand: `measurement,tag=v field=v timestamp`. The escaping rules
 * are the ones the v1 and v2 references give (docs.influxdata.com/influxdb/v2/reference/syntax/
 * line-protocol/#special-characters): commas and spaces in a measurement; commas, equals signs and
 * spaces in tag keys, tag values and field keys; double quotes and backslashes in string fields.
 * Newlines cannot be escaped anywhere, so they become spaces.
 */

/**
 * A field's value with its line-protocol type. Types are fixed per field across every point: a field
 * written once as a float and once as an integer is a "field type conflict" the server refuses.
 */
export type FieldValue =
  /** Exact decimal text ("12345.678"): the meter's value without a binary round trip. */
  | { readonly float: string }
  | { readonly int: number }
  | { readonly bool: boolean }
  | { readonly text: string };

export const float = (value: number | string): FieldValue => ({
  float: typeof value === "string" ? value : floatText(value),
});
export const int = (value: number): FieldValue => ({ int: Math.trunc(value) });
export const bool = (value: boolean): FieldValue => ({ bool: value });
export const text = (value: string): FieldValue => ({ text: value });

export interface Point {
  readonly measurement: string;
  /** Low-cardinality values only (meter, phase, obis, tariff …); empty values are left out. */
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Epoch milliseconds. */
  readonly timeMs: number;
}

/** The timestamp resolution written; the wire always carries nanoseconds (precision=ns). */
export type Precision = "s" | "ms";

/** A finite number as line protocol accepts it: no exponent form for the common range, never NaN. */
function floatText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

const escapeMeasurement = (name: string) => name.replace(/[\\,\s]/g, (c) => (c === "\n" ? " " : `\\${c}`));
const escapeKey = (name: string) =>
  name.replace(/[\\,= \n\r\t]/g, (c) => (c === "\n" || c === "\r" || c === "\t" ? "\\ " : `\\${c}`));
const quoteText = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ")}"`;

function fieldText(value: FieldValue): string {
  if ("float" in value) return value.float;
  if ("int" in value) return `${value.int}i`;
  if ("bool" in value) return value.bool ? "true" : "false";
  return quoteText(value.text);
}

/** Epoch ms → nanoseconds as text, cut to the chosen resolution first. */
export function timestampNs(timeMs: number, precision: Precision): string {
  const ms = precision === "s" ? Math.floor(timeMs / 1000) * 1000 : Math.floor(timeMs);
  return `${ms}000000`;
}

/**
 * One line, or null for a point without fields (line protocol requires at least one). Tags are sorted
 * by key, as the server would store them (writes are faster, and equal points give equal lines).
 */
export function formatLine(point: Point, precision: Precision): string | null {
  const fields = Object.entries(point.fields);
  if (fields.length === 0) return null;
  const tags = Object.entries(point.tags)
    .filter(([, value]) => value !== "")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `,${escapeKey(key)}=${escapeKey(value)}`)
    .join("");
  const fieldPart = fields.map(([key, value]) => `${escapeKey(key)}=${fieldText(value)}`).join(",");
  return `${escapeMeasurement(point.measurement)}${tags} ${fieldPart} ${timestampNs(point.timeMs, precision)}`;
}
