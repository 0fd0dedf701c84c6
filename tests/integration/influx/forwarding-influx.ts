/**
 * What the forwarder's end-to-end tests read back: the points in a real InfluxDB 1.6, and the queue
 * file as it is on disk (read-only, with better-sqlite3, as another process may be writing it).
 */
import { existsSync } from "node:fs";
import Sqlite from "better-sqlite3";
import type { Influxd, InfluxSeries } from "../../helpers/influxd.js";
import { METER } from "./forwarding-meter.js";

/** The meter's measurements: one point per push, never written again with other values. */
const PER_PUSH = new Set(["energy", "power", "phase", "grid", "registers"]);

export interface QueueFile {
  /** Every queued line, oldest row first. */
  readonly lines: string[];
  readonly deadLetters: { readonly status: number; readonly message: string; readonly line: string }[];
}

/** The queue file's content now; empty when e450 has not created it yet. */
export function readQueue(file: string): QueueFile {
  if (!existsSync(file)) return { lines: [], deadLetters: [] };
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT lines FROM queue ORDER BY id").all() as { lines: string }[];
    const deadLetters = db
      .prepare("SELECT status, message, line FROM dead_letters ORDER BY id")
      .all() as QueueFile["deadLetters"];
    return { lines: rows.flatMap((row) => row.lines.split("\n")), deadLetters };
  } finally {
    db.close();
  }
}

/** The UTC ms of a line's nanosecond timestamp. */
export const lineTimeMs = (line: string) =>
  Number(BigInt(line.slice(line.lastIndexOf(" ") + 1)) / 1_000_000n);

/** A stored point: its tags and fields, keyed by measurement, tag set and time. */
type Stored = Map<string, Record<string, unknown>>;

const pointKey = (measurement: string, tags: Record<string, string>, timeMs: number) =>
  JSON.stringify([
    measurement,
    ...Object.entries(tags)
      .filter(([, value]) => value !== "")
      .sort(([a], [b]) => (a < b ? -1 : 1)),
    timeMs,
  ]);

/** Every point of `measurement` in the database. */
async function storedPoints(influxd: Influxd, database: string, measurement: string): Promise<Stored> {
  const stored: Stored = new Map();
  const series: InfluxSeries[] = await influxd.query(`SELECT * FROM "${measurement}" GROUP BY *`, database);
  for (const { tags = {}, columns, values } of series) {
    for (const row of values) {
      const fields = Object.fromEntries(columns.map((column, i) => [column, row[i]]));
      stored.set(pointKey(measurement, tags, Date.parse(String(fields["time"]))), fields);
    }
  }
  return stored;
}

/** Splits at `separator` outside double quotes and not after a backslash. */
function split(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (char === "\\" && at + 1 < text.length) {
      current += char + text[at + 1];
      at += 1;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

const unescaped = (text: string) => text.replace(/\\(.)/g, "$1");

/** A line as e450 writes it (formatLine): the value InfluxDB gives back for each field. */
function parseLine(line: string) {
  const [head = "", fieldText = "", time = ""] = split(line, " ");
  const [measurement = "", ...tagParts] = split(head, ",");
  const tags = Object.fromEntries(
    tagParts.map((part) => split(part, "=").map(unescaped) as [string, string]),
  );
  const fields: Record<string, unknown> = {};
  for (const part of split(fieldText, ",")) {
    const [key = "", raw = ""] = split(part, "=");
    fields[unescaped(key)] = raw.startsWith('"')
      ? raw.slice(1, -1).replace(/\\(["\\])/g, "$1")
      : raw === "true" || raw === "false"
        ? raw === "true"
        : Number(raw.replace(/i$/, ""));
  }
  return { measurement: unescaped(measurement), tags, fields, timeMs: Number(BigInt(time) / 1_000_000n) };
}

/**
 * The lines that are not in InfluxDB as written: missing, or (for the meter's per-push measurements)
 * with another value. Insights (forecasts, costs …) may be written again at the same time with newer
 * values, so for them only the point's presence counts.
 */
export async function missingLines(influxd: Influxd, database: string, lines: readonly string[]) {
  const parsed = lines.map((line) => ({ line, ...parseLine(line) }));
  const stored = new Map<string, Stored>();
  for (const measurement of new Set(parsed.map((point) => point.measurement))) {
    stored.set(measurement, await storedPoints(influxd, database, measurement));
  }
  return parsed
    .filter(({ measurement, tags, fields, timeMs }) => {
      const found = stored.get(measurement)?.get(pointKey(measurement, tags, timeMs));
      if (!found) return true;
      return PER_PUSH.has(measurement) && Object.entries(fields).some(([key, value]) => found[key] !== value);
    })
    .map(({ line }) => line);
}

/** The meter's total-tariff energy points: time (UTC ms) and import_kwh, in time order. */
export async function energyPoints(
  influxd: Influxd,
  database = "e450",
): Promise<{ timeMs: number; importKwh: number }[]> {
  let series: InfluxSeries[];
  try {
    series = await influxd.query(
      `SELECT import_kwh FROM energy WHERE meter = '${METER}' AND tariff = 'total'`,
      database,
    );
  } catch (error) {
    // Before e450 created the database, or while the server is away: nothing there yet.
    if (/database not found|fetch failed/.test((error as Error).message)) return [];
    throw error;
  }
  return series.flatMap(({ values }) =>
    values.map(([time, importKwh]) => ({ timeMs: Date.parse(String(time)), importKwh: Number(importKwh) })),
  );
}
