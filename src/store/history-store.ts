/**
 * The history store: one SQLite file in the data folder holding, per meter id (the meter's identity
 * key), its 15-minute energy intervals, the register state they continue from, the latest snapshot,
 * down-sampled minutes of fast values, anomaly incidents, cost summaries and small running values.
 * Synchronous (better-sqlite3): every call is one short transaction on this process's connection.
 * Every failure is an Error saying what was being done; nothing secret is ever written here.
 */
import type { Database } from "better-sqlite3";
import type { Logger } from "../logging/logger.js";
import { describe, openDatabase } from "./database.js";
import { DayWorkset, dayOf, decodeDay, decodeDayEnergy, EnergyColumns, encodeDay } from "./interval-days.js";
import { type AnomalyRow, type CostRow, prepareStatements, type Statements } from "./statements.js";
import type {
  CostPeriod,
  MinuteSample,
  RegisterState,
  StoredAnomaly,
  StoredCostSummary,
  StoredInterval,
} from "./types.js";

export class HistoryStore {
  /** Meter key → row id, filled as meters are seen (a meter row is never deleted). */
  private readonly meterIds = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly sql: Statements,
  ) {}

  /** Opens (creating, migrating or moving aside a damaged file as `openDatabase` does) the store at `file`. */
  static open(file: string, logger: Logger): HistoryStore {
    const db = openDatabase(file, { logger });
    try {
      return new HistoryStore(db, prepareStatements(db));
    } catch (error) {
      db.close();
      throw new Error(`history store: preparing ${file} failed: ${describe(error)}`, { cause: error });
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * Writes the intervals (rules in `DayWorkset.write`) and, when given, the register state they lead
   * to, in one transaction: a kill at any instant leaves both as they were before or both as after.
   */
  writeIntervals(
    meter: string,
    intervals: readonly StoredInterval[],
    registerState?: RegisterState,
  ): { written: number; keptExisting: number } {
    return this.attempt(`writing ${intervals.length} intervals for meter ${meter}`, () => {
      const id = this.ensureMeter(meter);
      const written = this.db.transaction(() => {
        const workset = new DayWorkset((day) => this.loadDay(id, day));
        let changed = 0;
        for (const interval of intervals) if (workset.write(interval)) changed++;
        workset.flush((day, list) => {
          if (list.length === 0) this.sql.deleteDay.run(id, day);
          else {
            const { blob, tariffKeys } = encodeDay(list);
            this.sql.saveDay.run(id, day, blob, tariffKeys);
          }
        });
        if (registerState) this.saveRegisterState(id, registerState);
        return changed;
      })();
      return { written, keptExisting: intervals.length - written };
    });
  }

  /** Intervals starting in [fromMs, toMs), by start. */
  intervals(meter: string, fromMs: number, toMs: number): StoredInterval[] {
    return this.attempt(`reading the intervals of meter ${meter}`, () => {
      const id = this.meterId(meter);
      const out: StoredInterval[] = [];
      if (id === undefined || !(toMs > fromMs)) return out;
      for (const [, blob, keys] of this.sql.days.all(id, dayOf(fromMs), dayOf(toMs - 1))) {
        decodeDay(blob, keys, out, fromMs, toMs);
      }
      return out;
    });
  }

  /** The energy of the intervals starting in [fromMs, toMs), by start, as columns (interval-days.ts). */
  energy(meter: string, fromMs: number, toMs: number): EnergyColumns {
    return this.attempt(`reading the energy of meter ${meter}`, () => {
      const id = this.meterId(meter);
      const out = new EnergyColumns();
      if (id === undefined || !(toMs > fromMs)) return out;
      for (const [, blob, keys] of this.sql.days.all(id, dayOf(fromMs), dayOf(toMs - 1))) {
        decodeDayEnergy(blob, keys, out, fromMs, toMs);
      }
      return out;
    });
  }

  /** The first interval's start and the last one's end, or null without intervals. */
  intervalSpan(meter: string): { firstMs: number; lastMs: number } | null {
    return this.attempt(`reading the interval span of meter ${meter}`, () => {
      const id = this.meterId(meter);
      const first = id === undefined ? undefined : this.sql.firstDay.get(id);
      const last = id === undefined ? undefined : this.sql.lastDay.get(id);
      if (!first || !last) return null;
      const firsts: StoredInterval[] = [];
      const lasts: StoredInterval[] = [];
      decodeDay(first[1], first[2], firsts);
      decodeDay(last[1], last[2], lasts);
      return { firstMs: firsts[0]!.startMs, lastMs: lasts.at(-1)!.endMs };
    });
  }

  /** Meters with any stored data, sorted. */
  meters(): string[] {
    return this.attempt("listing the meters", () => this.sql.metersWithData.all().map((row) => row.key));
  }

  registerState(meter: string): RegisterState | null {
    return this.attempt(`reading the register state of meter ${meter}`, () => {
      const id = this.meterId(meter);
      const row = id === undefined ? undefined : this.sql.registerState.get(id);
      if (!row) return null;
      return {
        timeMs: row.time_ms,
        importKwh: row.import_kwh,
        exportKwh: row.export_kwh,
        tariffs: JSON.parse(row.tariffs) as Record<string, number>,
      };
    });
  }

  saveLatestSnapshot(meter: string, json: string, atMs: number): void {
    this.attempt(`saving the latest snapshot of meter ${meter}`, () => {
      this.sql.saveLatestSnapshot.run(this.ensureMeter(meter), atMs, json);
    });
  }

  latestSnapshot(meter: string): { json: string; atMs: number } | null {
    return this.attempt(`reading the latest snapshot of meter ${meter}`, () => {
      const id = this.meterId(meter);
      const row = id === undefined ? undefined : this.sql.latestSnapshot.get(id);
      return row ? { json: row.json, atMs: row.at_ms } : null;
    });
  }

  /** Upserts minutes by (meter, quantity, minute) in one transaction. */
  writeSamples(meter: string, samples: readonly MinuteSample[]): void {
    this.attempt(`writing ${samples.length} minute samples for meter ${meter}`, () => {
      const id = this.ensureMeter(meter);
      this.db.transaction(() => {
        for (const s of samples) {
          this.sql.saveSample.run(id, s.quantity, s.minuteMs, s.min, s.mean, s.max, s.count);
        }
      })();
    });
  }

  /** One quantity's minutes in [fromMs, toMs), by time. */
  samples(meter: string, quantity: string, fromMs: number, toMs: number): MinuteSample[] {
    return this.attempt(`reading the ${quantity} samples of meter ${meter}`, () => {
      const id = this.meterId(meter);
      if (id === undefined) return [];
      return this.sql.samples
        .all(id, quantity, fromMs, toMs)
        .map(([minuteMs, min, mean, max, count]) => ({ minuteMs, quantity, min, mean, max, count }));
    });
  }

  /** Deletes every meter's samples of minutes before `olderThanMs`; how many went. */
  pruneSamples(olderThanMs: number): number {
    return this.attempt("pruning old samples", () => this.sql.pruneSamples.run(olderThanMs).changes);
  }

  /** Inserts or replaces the incident with the same id. */
  saveAnomaly(meter: string, anomaly: StoredAnomaly): void {
    this.attempt(`saving anomaly ${anomaly.id} of meter ${meter}`, () => {
      const a = anomaly;
      this.sql.saveAnomaly.run(
        this.ensureMeter(meter),
        a.id,
        a.kind,
        a.startMs,
        a.endMs,
        a.expected,
        a.observed,
        a.unit,
        a.score,
        a.message,
        a.open ? 1 : 0,
      );
    });
  }

  openAnomalies(meter: string): StoredAnomaly[] {
    return this.attempt(`reading the open anomalies of meter ${meter}`, () => {
      const id = this.meterId(meter);
      return id === undefined ? [] : this.sql.openAnomalies.all(id).map(toAnomaly);
    });
  }

  /** Incidents overlapping [fromMs, toMs) (an open one counts as lasting), by start. */
  anomalies(meter: string, fromMs: number, toMs: number): StoredAnomaly[] {
    return this.attempt(`reading the anomalies of meter ${meter}`, () => {
      const id = this.meterId(meter);
      return id === undefined ? [] : this.sql.anomalies.all(id, toMs, fromMs).map(toAnomaly);
    });
  }

  /** Inserts or replaces each summary by (period, key), in one transaction. */
  saveCostSummaries(meter: string, summaries: readonly StoredCostSummary[]): void {
    this.attempt(`saving ${summaries.length} cost summaries of meter ${meter}`, () => {
      const id = this.ensureMeter(meter);
      this.db.transaction(() => {
        for (const c of summaries) {
          this.sql.saveCostSummary.run(
            id,
            c.period,
            c.key,
            c.currency,
            c.importKwh,
            c.exportKwh,
            c.importCost,
            c.exportCredit,
            c.standingCharges,
            c.capacityCost,
            c.netCost,
            c.unpricedIntervals,
          );
        }
      })();
    });
  }

  /** Summaries of one period kind with keys in [fromKey, toKey] (both inclusive), by key. */
  costSummaries(meter: string, period: CostPeriod, fromKey: string, toKey: string): StoredCostSummary[] {
    return this.attempt(`reading the ${period} cost summaries of meter ${meter}`, () => {
      const id = this.meterId(meter);
      return id === undefined
        ? []
        : this.sql.costSummaries.all(id, period, fromKey, toKey).map(toCostSummary);
    });
  }

  /** A running value saved with `setValue`, or null. The caller knows its shape. */
  getValue<T>(meter: string, key: string): T | null {
    return this.attempt(`reading value ${key} of meter ${meter}`, () => {
      const id = this.meterId(meter);
      const json = id === undefined ? undefined : this.sql.value.get(id, key);
      return json === undefined ? null : (JSON.parse(json) as T);
    });
  }

  setValue(meter: string, key: string, value: unknown): void {
    this.attempt(`saving value ${key} of meter ${meter}`, () => {
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) throw new Error("the value has no JSON form");
      this.sql.saveValue.run(this.ensureMeter(meter), key, json);
    });
  }

  private saveRegisterState(id: number, state: RegisterState): void {
    this.sql.saveRegisterState.run(
      id,
      state.timeMs,
      state.importKwh,
      state.exportKwh,
      JSON.stringify(state.tariffs),
    );
  }

  private loadDay(id: number, dayMs: number): StoredInterval[] {
    const row = this.sql.day.get(id, dayMs);
    const list: StoredInterval[] = [];
    if (row) decodeDay(row[0], row[1], list);
    return list;
  }

  private meterId(meter: string): number | undefined {
    const known = this.meterIds.get(meter);
    if (known !== undefined) return known;
    const row = this.sql.meterId.get(meter);
    if (row) this.meterIds.set(meter, row.id);
    return row?.id;
  }

  /** Outside any transaction: a rolled-back write must not leave a cached id of a row that is gone. */
  private ensureMeter(meter: string): number {
    const known = this.meterId(meter);
    if (known !== undefined) return known;
    this.sql.addMeter.run(meter);
    return this.meterId(meter)!;
  }

  private attempt<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw new Error(`history store: ${what} failed: ${describe(error)}`, { cause: error });
    }
  }
}

function toAnomaly(row: AnomalyRow): StoredAnomaly {
  const [id, kind, startMs, endMs, expected, observed, unit, score, message, open] = row;
  return { id, kind, startMs, endMs, expected, observed, unit, score, message, open: open === 1 };
}

function toCostSummary(row: CostRow): StoredCostSummary {
  const [
    period,
    key,
    currency,
    importKwh,
    exportKwh,
    importCost,
    exportCredit,
    standingCharges,
    capacityCost,
  ] = row;
  const [netCost, unpricedIntervals] = [row[9], row[10]];
  return {
    period,
    key,
    currency,
    importKwh,
    exportKwh,
    importCost,
    exportCredit,
    standingCharges,
    capacityCost,
    netCost,
    unpricedIntervals,
  };
}
