/**
 * Every statement of the history store, prepared once per connection and reused (better-sqlite3
 * compiles SQL at prepare time; re-preparing per call would cost more than most of the queries).
 * Positional parameters, in the order of the SQL text.
 */
import type { Database, Statement } from "better-sqlite3";
import type { CostPeriod } from "./types.js";

/** day start, packed intervals, tariff register names (interval-days.ts). */
export type DayRow = [number, Buffer, string | null];
export type SampleRow = [number, number, number, number, number];
export type AnomalyRow = [string, string, number, number, number, number, string, number, string, 0 | 1];
export type CostRow = [
  CostPeriod,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

const ANOMALY_COLUMNS = "id, kind, start_ms, end_ms, expected, observed, unit, score, message, open";
const COST_COLUMNS =
  "period, key, currency, import_kwh, export_kwh, import_cost, export_credit, standing_charges, " +
  "capacity_cost, net_cost, unpriced_intervals";

export function prepareStatements(db: Database) {
  const raw = <P extends unknown[], R>(sql: string) => db.prepare<P, R>(sql).raw(true) as Statement<P, R>;
  return {
    meterId: db.prepare<[string], { id: number }>("SELECT id FROM meters WHERE key = ?"),
    addMeter: db.prepare<[string]>("INSERT INTO meters (key) VALUES (?) ON CONFLICT (key) DO NOTHING"),
    metersWithData: db.prepare<[], { key: string }>(
      `SELECT key FROM meters AS m WHERE
         EXISTS (SELECT 1 FROM interval_days WHERE meter_id = m.id)
         OR EXISTS (SELECT 1 FROM register_state WHERE meter_id = m.id)
         OR EXISTS (SELECT 1 FROM latest_snapshot WHERE meter_id = m.id)
         OR EXISTS (SELECT 1 FROM samples WHERE meter_id = m.id)
         OR EXISTS (SELECT 1 FROM anomalies WHERE meter_id = m.id)
         OR EXISTS (SELECT 1 FROM cost_summaries WHERE meter_id = m.id)
         OR EXISTS (SELECT 1 FROM kv WHERE meter_id = m.id)
       ORDER BY key`,
    ),

    /** (meter, first day, last day): the packed days, in order. */
    days: raw<[number, number, number], DayRow>(
      `SELECT day_ms, intervals, tariff_keys FROM interval_days
       WHERE meter_id = ? AND day_ms >= ? AND day_ms <= ? ORDER BY day_ms`,
    ),
    day: raw<[number, number], [Buffer, string | null]>(
      "SELECT intervals, tariff_keys FROM interval_days WHERE meter_id = ? AND day_ms = ?",
    ),
    firstDay: raw<[number], DayRow>(
      "SELECT day_ms, intervals, tariff_keys FROM interval_days WHERE meter_id = ? ORDER BY day_ms LIMIT 1",
    ),
    lastDay: raw<[number], DayRow>(
      "SELECT day_ms, intervals, tariff_keys FROM interval_days WHERE meter_id = ? ORDER BY day_ms DESC LIMIT 1",
    ),
    saveDay: db.prepare<[number, number, Buffer, string | null]>(
      `INSERT INTO interval_days (meter_id, day_ms, intervals, tariff_keys) VALUES (?, ?, ?, ?)
       ON CONFLICT (meter_id, day_ms) DO UPDATE SET intervals = excluded.intervals, tariff_keys = excluded.tariff_keys`,
    ),
    deleteDay: db.prepare<[number, number]>("DELETE FROM interval_days WHERE meter_id = ? AND day_ms = ?"),

    registerState: db.prepare<
      [number],
      { time_ms: number; import_kwh: number; export_kwh: number | null; tariffs: string }
    >("SELECT time_ms, import_kwh, export_kwh, tariffs FROM register_state WHERE meter_id = ?"),
    saveRegisterState: db.prepare<[number, number, number, number | null, string]>(
      `INSERT OR REPLACE INTO register_state (meter_id, time_ms, import_kwh, export_kwh, tariffs)
       VALUES (?, ?, ?, ?, ?)`,
    ),

    latestSnapshot: db.prepare<[number], { json: string; at_ms: number }>(
      "SELECT json, at_ms FROM latest_snapshot WHERE meter_id = ?",
    ),
    saveLatestSnapshot: db.prepare<[number, number, string]>(
      "INSERT OR REPLACE INTO latest_snapshot (meter_id, at_ms, json) VALUES (?, ?, ?)",
    ),

    samples: raw<[number, string, number, number], SampleRow>(
      `SELECT minute_ms, min, mean, max, count FROM samples
       WHERE meter_id = ? AND quantity = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms`,
    ),
    saveSample: db.prepare<[number, string, number, number, number, number, number]>(
      "INSERT OR REPLACE INTO samples (meter_id, quantity, minute_ms, min, mean, max, count) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    // Once a day over at most the retention's rows: a scan is cheaper than an index kept on every insert.
    pruneSamples: db.prepare<[number]>("DELETE FROM samples WHERE minute_ms < ?"),

    saveAnomaly: db.prepare<
      [number, string, string, number, number, number, number, string, number, string, 0 | 1]
    >(
      `INSERT OR REPLACE INTO anomalies (meter_id, ${ANOMALY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    openAnomalies: raw<[number], AnomalyRow>(
      `SELECT ${ANOMALY_COLUMNS} FROM anomalies WHERE meter_id = ? AND open = 1 ORDER BY start_ms, id`,
    ),
    /** (meter, to, from): incidents overlapping [from, to); an open one is taken as still lasting. */
    anomalies: raw<[number, number, number], AnomalyRow>(
      `SELECT ${ANOMALY_COLUMNS} FROM anomalies
       WHERE meter_id = ? AND start_ms < ? AND (end_ms >= ? OR open = 1) ORDER BY start_ms, id`,
    ),

    saveCostSummary: db.prepare<
      [number, CostPeriod, string, string, number, number, number, number, number, number, number, number]
    >(
      `INSERT OR REPLACE INTO cost_summaries (meter_id, ${COST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    costSummaries: raw<[number, CostPeriod, string, string], CostRow>(
      `SELECT ${COST_COLUMNS} FROM cost_summaries
       WHERE meter_id = ? AND period = ? AND key >= ? AND key <= ? ORDER BY key`,
    ),

    value: db
      .prepare<[number, string], string>("SELECT value FROM kv WHERE meter_id = ? AND key = ?")
      .pluck(),
    saveValue: db.prepare<[number, string, string]>(
      "INSERT OR REPLACE INTO kv (meter_id, key, value) VALUES (?, ?, ?)",
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
