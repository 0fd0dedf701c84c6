/**
 * Issue 4's targets on the real bench files (tests/fixtures/bench-data, provenance in its
 * SOURCE.md); the thresholds are the issue's, never loosened here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../../src/analytics/backtest/run.js";
import { loadReadings } from "../../../../src/analytics/io/load.js";
import type { ValueKind } from "../../../../src/analytics/series/types.js";
import { ZonedCalendar } from "../../../../src/time/zoned.js";

const DATA = join(import.meta.dirname, "../../../fixtures/bench-data");

interface Case {
  readonly files: string[];
  readonly kind: ValueKind;
  readonly columns: string[];
  readonly exportColumns: string[];
  readonly zone: string;
  readonly maxRelativeMae: number;
  readonly maxMonthEndAtDay10: number;
  /** Issue 4's anomaly targets this file meets today (seed 1); the rest are listed as todo below. */
  readonly meets: { readonly eventF1: boolean; readonly falseAlarms: boolean };
}

/** Issue 4: event-F1 on the injected statistical faults, false alarms per household-month. */
const MIN_EVENT_F1 = 0.75;
const MAX_FALSE_ALARMS_PER_MONTH = 1;

const CASES: Record<string, Case> = {
  ausgrid: {
    files: ["ausgrid_customer12_2011-2012_30min.csv"],
    kind: "mean-kw",
    columns: ["GC"],
    exportColumns: [],
    zone: "Australia/Sydney",
    maxRelativeMae: 0.72,
    maxMonthEndAtDay10: 0.04,
    meets: { eventF1: true, falseAlarms: true },
  },
  dsmr: {
    files: ["nl_dsmr_reader_2024_hourly_pv.csv"],
    kind: "interval-kwh",
    columns: ["1", "2"],
    exportColumns: ["3", "4"],
    zone: "Europe/Amsterdam",
    maxRelativeMae: 0.72,
    maxMonthEndAtDay10: 0.15,
    meets: { eventF1: true, falseAlarms: true },
  },
  slimmemeterportal: {
    files: [
      "nl_slimmemeterportal_import_t1_15min_cumulative.csv",
      "nl_slimmemeterportal_import_t2_15min_cumulative.csv",
    ],
    kind: "cumulative-kwh",
    columns: [],
    exportColumns: [],
    zone: "Europe/Amsterdam",
    maxRelativeMae: 0.82,
    maxMonthEndAtDay10: 0.15,
    meets: { eventF1: true, falseAlarms: true },
  },
};

const runs = new Map<Case, ReturnType<typeof run>>();

/**
 * One run per file with faults injected from seed 1: the forecast and the clean-data replay in it
 * are the same as without a seed (the injection works on a copy), so every test shares it.
 */
function backtest(c: Case) {
  const cached = runs.get(c) ?? run(c, 1);
  runs.set(c, cached);
  return cached;
}

function run(c: Case, seed: number) {
  const calendar = new ZonedCalendar(c.zone);
  const sources = c.files.map((name) => ({ name, text: readFileSync(join(DATA, name), "utf8") }));
  const imported = loadReadings(sources, c.columns, calendar);
  const exported = c.exportColumns.length > 0 ? loadReadings(sources, c.exportColumns, calendar) : null;
  const result = runBacktest({
    importReadings: imported.readings,
    exportReadings: exported?.readings ?? null,
    kind: c.kind,
    calendar,
    injectSeed: seed,
  });
  return { result, calendar };
}

describe("forecast targets on the bench files", () => {
  it.each(Object.entries(CASES))("%s", (_, c) => {
    const { forecast } = backtest(c).result;
    const [model, ...baselines] = forecast.methods;
    expect(model!.relativeMae).toBeLessThanOrEqual(c.maxRelativeMae);
    expect(model!.dailyTotalMape).toBeLessThan(Math.min(...baselines.map((b) => b.dailyTotalMape)));
    expect(forecast.coverage80).toBeGreaterThanOrEqual(0.77);
    expect(forecast.coverage80).toBeLessThanOrEqual(0.83);
    expect(forecast.monthEnd.find((m) => m.day === 10)!.mape).toBeLessThanOrEqual(c.maxMonthEndAtDay10);
  });
});

describe("anomalies on the bench files", () => {
  it("finds the real DSMR events: the 30-hour gap, the export outage and the heating change", () => {
    const { result, calendar } = backtest(CASES["dsmr"]!);
    const found = (kind: string, from: string, to: string) =>
      result.anomalies.clean.some(
        (e) => e.kind === kind && calendar.dateKey(e.startMs) >= from && calendar.dateKey(e.startMs) <= to,
      );
    expect(found("data-stall", "2024-03-16", "2024-03-16")).toBe(true);
    expect(found("export-loss", "2024-03-16", "2024-03-20")).toBe(true);
    // The heating coming on: its first cold night (unusual night consumption, 21 Nov) and the higher
    // base load from 18 Nov are one incident, reported once by whichever detector speaks first.
    expect(
      found("base-load-shift", "2024-10-25", "2024-12-31") ||
        found("unusual-consumption", "2024-11-15", "2024-11-30"),
    ).toBe(true);
  });

  it.each(Object.entries(CASES))("%s: every injected deterministic fault is found", (_, c) => {
    const injected = backtest(c).result.anomalies.injected!;
    for (const d of injected.evaluation.deterministic) expect(d.found).toBe(d.injected);
    expect(injected.evaluation.deterministic.reduce((n, d) => n + d.injected, 0)).toBeGreaterThan(3);
  });

  const met = (target: keyof Case["meets"]) => Object.entries(CASES).filter(([, c]) => c.meets[target]);
  const unmet = (target: keyof Case["meets"]) => Object.entries(CASES).filter(([, c]) => !c.meets[target]);

  it.each(met("eventF1"))(`%s: event-F1 on the injected statistical faults ≥ ${MIN_EVENT_F1}`, (_, c) => {
    const { statistical } = backtest(c).result.anomalies.injected!.evaluation;
    expect(statistical.faults).toBeGreaterThan(20);
    expect(statistical.f1).toBeGreaterThanOrEqual(MIN_EVENT_F1);
  });

  it.each(met("falseAlarms"))(
    `%s: at most ${MAX_FALSE_ALARMS_PER_MONTH} false alarm per household-month on clean data`,
    (_, c) => {
      const { anomalies } = backtest(c).result;
      expect(anomalies.months).toBeGreaterThan(11);
      expect(anomalies.falseAlarmsPerMonth).toBeLessThanOrEqual(MAX_FALSE_ALARMS_PER_MONTH);
    },
  );

  for (const [name] of unmet("eventF1")) it.todo(`${name}: event-F1 ≥ ${MIN_EVENT_F1} (not yet met)`);
  for (const [name] of unmet("falseAlarms")) {
    it.todo(`${name}: ≤ ${MAX_FALSE_ALARMS_PER_MONTH} false alarm per household-month (not yet met)`);
  }
});
