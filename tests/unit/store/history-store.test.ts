/** The history store's records on a real SQLite file: overwrite rules, ranges, retention, round trips. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/logging/logger.js";
import { openDatabase } from "../../../src/store/database.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { prepareStatements } from "../../../src/store/statements.js";
import type {
  IntervalSource,
  MinuteSample,
  StoredAnomaly,
  StoredCostSummary,
  StoredInterval,
} from "../../../src/store/types.js";

const QUARTER = 900_000;
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function slot(index: number, source: IntervalSource, importKwh: number, length = QUARTER): StoredInterval {
  const startMs = T0 + index * QUARTER;
  return { startMs, endMs: startMs + length, importKwh, exportKwh: 0, source, tariffs: {} };
}

describe("HistoryStore", () => {
  let folder: string;
  let file: string;
  let store: HistoryStore;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "e450-store-"));
    file = join(folder, "history.sqlite");
    store = HistoryStore.open(file, quiet);
  });

  afterEach(() => {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const all = (meter = "m1") => store.intervals(meter, T0 - DAY_MS, T0 + 400 * DAY_MS);

  describe("intervals", () => {
    it("lets live and estimated rows overwrite imported rows and each other", () => {
      expect(store.writeIntervals("m1", [slot(0, "imported", 1), slot(1, "imported", 1)])).toEqual({
        written: 2,
        keptExisting: 0,
      });
      expect(store.writeIntervals("m1", [slot(0, "estimated", 2), slot(1, "live", 3)])).toEqual({
        written: 2,
        keptExisting: 0,
      });
      expect(store.writeIntervals("m1", [slot(0, "live", 4), slot(1, "estimated", 5)])).toEqual({
        written: 2,
        keptExisting: 0,
      });
      expect(all()).toEqual([slot(0, "live", 4), slot(1, "estimated", 5)]);
    });

    it("never lets imported rows overwrite live or estimated rows", () => {
      store.writeIntervals("m1", [slot(0, "live", 1), slot(1, "estimated", 2)]);
      expect(
        store.writeIntervals("m1", [slot(0, "imported", 9), slot(1, "imported", 9), slot(2, "imported", 9)]),
      ).toEqual({ written: 1, keptExisting: 2 });
      expect(all()).toEqual([slot(0, "live", 1), slot(1, "estimated", 2), slot(2, "imported", 9)]);
    });

    it("makes re-importing the same rows change nothing, and a corrected import replace the old one", () => {
      const rows = Array.from({ length: 96 }, (_, i) => slot(i, "imported", i / 100));
      expect(store.writeIntervals("m1", rows)).toEqual({ written: 96, keptExisting: 0 });
      expect(store.writeIntervals("m1", rows)).toEqual({ written: 0, keptExisting: 96 });
      expect(all()).toEqual(rows);
      const corrected = rows.map((row, i) => (i === 5 ? { ...row, importKwh: 7 } : row));
      expect(store.writeIntervals("m1", corrected)).toEqual({ written: 1, keptExisting: 95 });
      expect(all()[5]!.importKwh).toBe(7);
    });

    it("removes an hourly import under live quarter-hours, and skips an import over measured data", () => {
      store.writeIntervals("m1", [slot(0, "imported", 4, HOUR), slot(4, "imported", 4, HOUR)]);
      store.writeIntervals("m1", [slot(1, "live", 1)]);
      expect(all()).toEqual([slot(1, "live", 1), slot(4, "imported", 4, HOUR)]);
      // The hour 4..7 holds a live quarter now, so the hourly import of it is kept out.
      store.writeIntervals("m1", [slot(6, "live", 1)]);
      expect(store.writeIntervals("m1", [slot(4, "imported", 4, HOUR)])).toEqual({
        written: 0,
        keptExisting: 1,
      });
      expect(all()).toEqual([slot(1, "live", 1), slot(6, "live", 1)]);
    });

    it("finds overlaps across midnight, and keeps a day's rows in start order whatever the write order", () => {
      // An imported hour from 23:30 to 00:30 is stored under its start's day, overlapped from the next.
      const lastHalfHour = 94;
      store.writeIntervals("m1", [slot(lastHalfHour, "imported", 2, HOUR)]);
      expect(store.writeIntervals("m1", [slot(97, "live", 1)])).toEqual({ written: 1, keptExisting: 0 });
      expect(all()).toEqual([slot(97, "live", 1)]);

      const shuffled = [
        slot(5, "live", 5),
        slot(3, "live", 3),
        slot(200, "estimated", 2),
        slot(4, "live", 4),
      ];
      store.writeIntervals("m1", [...shuffled, slot(3, "live", 3.5)]);
      expect(all().map((row) => [row.startMs, row.importKwh])).toEqual(
        [3, 4, 5, 97, 200].map((i) => [T0 + i * QUARTER, i === 3 ? 3.5 : i === 97 ? 1 : i === 200 ? 2 : i]),
      );
      expect(store.intervals("m1", T0 + 4 * QUARTER, T0 + 97 * QUARTER)).toEqual([
        slot(4, "live", 4),
        slot(5, "live", 5),
      ]);
    });

    it("keeps each interval's own tariff registers when a day mixes them", () => {
      const rows: StoredInterval[] = [
        { ...slot(0, "imported", 1), tariffs: { "1.8.1": 1 } },
        { ...slot(1, "live", 2), tariffs: { "1.8.2": 2 } },
        { ...slot(2, "live", 3), tariffs: { "1.8.1": 0, "1.8.2": 3 } },
        slot(3, "live", 4),
      ];
      store.writeIntervals("m1", rows);
      expect(all()).toEqual(rows);
      expect(store.writeIntervals("m1", [{ ...rows[2]!, tariffs: { "1.8.2": 3, "1.8.1": 0 } }])).toEqual({
        written: 0,
        keptExisting: 1,
      });
      expect(() => store.writeIntervals("m1", [{ ...rows[0]!, tariffs: { "1.8.1": Number.NaN } }])).toThrow(
        /non-finite value for tariff register 1\.8\.1/,
      );
    });

    it("keeps meters apart and stores tariffs and a missing export register as given", () => {
      const a: StoredInterval = {
        ...slot(0, "live", 1.25),
        exportKwh: null,
        tariffs: { "1.8.1": 1, "1.8.2": 0.25 },
      };
      store.writeIntervals("m1", [a]);
      store.writeIntervals("m2", [slot(0, "live", 9)]);
      expect(all("m1")).toEqual([a]);
      expect(all("m2")).toEqual([slot(0, "live", 9)]);
      expect(all("unknown")).toEqual([]);
      const { tariffs: _, ...withoutTariffs } = slot(3, "live", 1);
      store.writeIntervals("m1", [withoutTariffs]);
      expect(all("m1")[1]).toEqual({ ...withoutTariffs, tariffs: {} });
    });

    it("answers a year query with exactly the year's rows, in order", () => {
      const yearStart = T0;
      const count = 365 * 96;
      const before = [slot(-2, "live", 5), slot(-1, "live", 5)];
      const year = Array.from({ length: count }, (_, i) =>
        slot(i, i % 3 === 0 ? "imported" : "live", (i % 96) / 96),
      );
      const after = [slot(count, "live", 5)];
      for (let day = 0; day * 96 < count; day += 30) {
        store.writeIntervals("m1", year.slice(day * 96, (day + 30) * 96));
      }
      store.writeIntervals("m1", [...before, ...after]);
      store.writeIntervals("other", year.slice(0, 96));

      const got = store.intervals("m1", yearStart, yearStart + 365 * DAY_MS);
      expect(got).toHaveLength(count);
      expect(got).toEqual(year);
      expect(store.intervalSpan("m1")).toEqual({ firstMs: before[0]!.startMs, lastMs: after[0]!.endMs });
      expect(store.intervalSpan("nobody")).toBeNull();
    });

    it("saves the register state in the same write and lists meters that have data", () => {
      expect(store.meters()).toEqual([]);
      expect(store.registerState("m1")).toBeNull();
      const state = { timeMs: T0 + QUARTER, importKwh: 1234.5, exportKwh: null, tariffs: { "1.8.1": 1000 } };
      store.writeIntervals("m1", [slot(0, "live", 0.5)], state);
      store.writeIntervals("b-meter", [], { ...state, exportKwh: 3 });
      expect(store.registerState("m1")).toEqual(state);
      expect(store.registerState("b-meter")).toEqual({ ...state, exportKwh: 3 });
      expect(store.meters()).toEqual(["b-meter", "m1"]);
    });

    it("rolls the whole write back, state included, when one interval is wrong, and says what it was doing", () => {
      const state = { timeMs: T0, importKwh: 1, exportKwh: 0, tariffs: {} };
      const bad = { ...slot(2, "live", 1), endMs: T0 };
      expect(() => store.writeIntervals("m1", [slot(0, "live", 1), bad], state)).toThrow(
        "history store: writing 2 intervals for meter m1 failed: the interval starting 2025-01-01T00:30:00.000Z does not end after it starts",
      );
      expect(all()).toEqual([]);
      expect(store.registerState("m1")).toBeNull();
      expect(() => store.writeIntervals("m1", [slot(0, "imported", 1, 2 * DAY_MS)])).toThrow(
        /is longer than a day/,
      );
      expect(() => store.writeIntervals("m1", [slot(0, "live", Number.NaN)])).toThrow(
        /no finite import energy/,
      );
    });
  });

  it("reads the energy of a span as columns, equal to the intervals, estimates flagged, across day rows", () => {
    const rows = [
      slot(0, "live", 0.25),
      slot(1, "estimated", 0.5),
      { ...slot(95, "imported", 0.125), exportKwh: null },
      { ...slot(96, "live", 1), tariffs: { t1: 1 } },
    ];
    store.writeIntervals("m1", rows);
    const columns = store.energy("m1", T0, T0 + 97 * QUARTER);
    const intervals = store.intervals("m1", T0, T0 + 97 * QUARTER);
    expect(columns.length).toBe(4);
    expect([...columns.startMs.subarray(0, 4)]).toEqual(intervals.map((i) => i.startMs));
    expect([...columns.importKwh.subarray(0, 4)]).toEqual([0.25, 0.5, 0.125, 1]);
    expect(Number.isNaN(columns.exportKwh[2])).toBe(true);
    expect([...columns.estimated.subarray(0, 4)]).toEqual([0, 1, 0, 0]);
    expect(store.energy("m1", T0 + QUARTER, T0 + 2 * QUARTER).length).toBe(1);
    expect(store.energy("nobody", T0, T0 + QUARTER).length).toBe(0);
  });

  it("turns a SQLite failure into an error naming the work and the code", () => {
    store.close();
    const db = openDatabase(file, { logger: quiet });
    db.pragma("max_page_count = 8");
    store = new HistoryStore(db, prepareStatements(db));
    const rows = Array.from({ length: 5000 }, (_, i) => slot(i, "live", i));
    expect(() => store.writeIntervals("m1", rows)).toThrow(
      /^history store: writing 5000 intervals for meter m1 failed: SQLITE_FULL: database or disk is full$/,
    );
    expect(all()).toEqual([]);
  });

  it("keeps the latest snapshot per meter", () => {
    expect(store.latestSnapshot("m1")).toBeNull();
    store.saveLatestSnapshot("m1", '{"a":1}', T0);
    store.saveLatestSnapshot("m1", '{"a":2}', T0 + 5000);
    expect(store.latestSnapshot("m1")).toEqual({ json: '{"a":2}', atMs: T0 + 5000 });
  });

  it("upserts minute samples by quantity and minute, reads a range, and prunes old ones", () => {
    const sample = (minute: number, quantity: string, mean: number): MinuteSample => ({
      minuteMs: T0 + minute * 60_000,
      quantity,
      min: mean - 1,
      mean,
      max: mean + 1,
      count: 60,
    });
    const power = Array.from({ length: 10 }, (_, i) => sample(i, "power_import", 100 + i));
    store.writeSamples("m1", [...power, sample(0, "voltage_l1", 230)]);
    store.writeSamples("m2", [sample(0, "power_import", 5)]);
    store.writeSamples("m1", [sample(3, "power_import", 999)]);
    expect(store.samples("m1", "power_import", T0 + 2 * 60_000, T0 + 5 * 60_000)).toEqual([
      power[2],
      sample(3, "power_import", 999),
      power[4],
    ]);
    expect(store.samples("m1", "voltage_l1", T0, T0 + DAY_MS)).toEqual([sample(0, "voltage_l1", 230)]);

    expect(store.pruneSamples(T0 + 5 * 60_000)).toBe(5 + 1 + 1);
    expect(store.samples("m1", "power_import", T0, T0 + DAY_MS).map((s) => s.mean)).toEqual([
      105, 106, 107, 108, 109,
    ]);
    expect(store.samples("m2", "power_import", T0, T0 + DAY_MS)).toEqual([]);
    expect(store.pruneSamples(T0)).toBe(0);
  });

  it("round-trips anomalies: upsert by id, the open ones, and those overlapping a range", () => {
    const anomaly = (id: string, startHour: number, endHour: number, open: boolean): StoredAnomaly => ({
      id,
      kind: "spike",
      startMs: T0 + startHour * HOUR,
      endMs: T0 + endHour * HOUR,
      expected: 0.4,
      observed: 2.5,
      unit: "kWh",
      score: 6.2,
      message: "Consumption 2.5 kWh is far above the usual 0.4 kWh.",
      open,
    });
    const early = anomaly("spike@1", 1, 2, false);
    const late = anomaly("spike@10", 10, 11, true);
    store.saveAnomaly("m1", early);
    store.saveAnomaly("m1", late);
    store.saveAnomaly("m2", anomaly("spike@1", 1, 2, true));
    expect(store.openAnomalies("m1")).toEqual([late]);
    expect(store.anomalies("m1", T0, T0 + DAY_MS)).toEqual([early, late]);
    expect(store.anomalies("m1", T0 + 3 * HOUR, T0 + 10 * HOUR)).toEqual([]);
    expect(store.anomalies("m1", T0 + 3 * HOUR, T0 + DAY_MS)).toEqual([late]);
    // Still open after its last end: it counts as lasting.
    expect(store.anomalies("m1", T0 + 20 * HOUR, T0 + DAY_MS)).toEqual([late]);

    const closed = { ...late, endMs: T0 + 12 * HOUR, open: false };
    store.saveAnomaly("m1", closed);
    expect(store.openAnomalies("m1")).toEqual([]);
    expect(store.anomalies("m1", T0, T0 + DAY_MS)).toEqual([early, closed]);
    expect(store.openAnomalies("m2")).toHaveLength(1);
  });

  it("round-trips cost summaries by period and inclusive key range", () => {
    const summary = (period: "day" | "month", key: string, netCost: number): StoredCostSummary => ({
      period,
      key,
      currency: "CHF",
      importKwh: 10.5,
      exportKwh: 2,
      importCost: 3.15,
      exportCredit: 0.2,
      standingCharges: 0.5,
      capacityCost: 0,
      netCost,
      unpricedIntervals: 1,
    });
    const days = ["2025-01-30", "2025-01-31", "2025-02-01"].map((key, i) => summary("day", key, i));
    store.saveCostSummaries("m1", [...days, summary("month", "2025-01", 40)]);
    store.saveCostSummaries("m1", [summary("day", "2025-01-31", 99)]);
    expect(store.costSummaries("m1", "day", "2025-01-31", "2025-02-01")).toEqual([
      summary("day", "2025-01-31", 99),
      days[2],
    ]);
    expect(store.costSummaries("m1", "month", "2025-01", "2025-12")).toEqual([
      summary("month", "2025-01", 40),
    ]);
    expect(store.costSummaries("m2", "day", "0000", "9999")).toEqual([]);
  });

  it("keeps small JSON values per meter and key", () => {
    expect(store.getValue("m1", "totalCost")).toBeNull();
    store.setValue("m1", "totalCost", { currency: "EUR", amount: 12.5 });
    store.setValue("m1", "totalCost", { currency: "EUR", amount: 13 });
    store.setValue("m2", "totalCost", 1);
    expect(store.getValue<{ amount: number }>("m1", "totalCost")).toEqual({ currency: "EUR", amount: 13 });
    expect(store.getValue("m2", "totalCost")).toBe(1);
    expect(() => store.setValue("m1", "nothing", undefined)).toThrow(
      "history store: saving value nothing of meter m1 failed: the value has no JSON form",
    );
  });

  it("keeps everything across closing and opening the file again", () => {
    store.writeIntervals("m1", [slot(0, "live", 1)], { timeMs: T0, importKwh: 5, exportKwh: 0, tariffs: {} });
    store.setValue("m1", "k", [1, 2]);
    store.close();
    store = HistoryStore.open(file, quiet);
    expect(all()).toEqual([slot(0, "live", 1)]);
    expect(store.getValue("m1", "k")).toEqual([1, 2]);
  });
});
