/**
 * One meter's live analytics over a real history store (SQLite in a temporary folder), fed with
 * pushes whose meter clock runs ahead of the host's, as a replay or the fast simulator does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Tariff } from "../../../src/analytics/cost/types.js";
import {
  type InsightsOutput,
  MeterInsights,
  type MeterInsightsSettings,
} from "../../../src/insights/meter-insights.js";
import type { Logger } from "../../../src/logging/logger.js";
import type {
  AnomalyIncident,
  AnomalyState,
  CostState,
  ForecastState,
  RecordedInterval,
} from "../../../src/model/insights.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import type { StoredInterval } from "../../../src/store/types.js";
import { ZonedCalendar } from "../../../src/time/zoned.js";

const ZONE = new ZonedCalendar("Europe/Vienna");
const START = Date.UTC(2026, 0, 4, 23, 0); // Monday 2026-01-05 00:00 local
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

const tariff: Tariff = {
  timeZone: "Europe/Vienna",
  currency: "EUR",
  versions: [{ validFrom: "2025-01-01", import: { kind: "fixed", pricePerKwh: 0.25 } }],
};

function localIso(ms: number): string {
  return new Date(ZONE.toWall(ms)).toISOString().slice(0, 19);
}

/** A push with the import register in Wh, the export register and the import power. */
function push(ms: number, importWh: number, powerW: number): Snapshot {
  const number = (obis: string, raw: number, unit: string) => ({
    obis,
    value: { kind: "number" as const, exact: { raw: BigInt(Math.round(raw)), scaler: 0 }, unit },
  });
  return {
    source: "dlms-push",
    meterId: "12345678",
    meterTime: localIso(ms),
    readings: [
      number("1-0:1.8.0.255", importWh, "Wh"),
      number("1-0:2.8.0.255", 0, "Wh"),
      number("1-0:1.7.0.255", powerW, "W"),
    ],
  };
}

class Recorder implements InsightsOutput {
  intervals: RecordedInterval[] = [];
  costs: CostState[] = [];
  forecasts: ForecastState[] = [];
  anomalyStates: AnomalyState[] = [];
  fired: AnomalyIncident[] = [];
  interval(i: RecordedInterval) {
    this.intervals.push(i);
  }
  cost(s: CostState) {
    this.costs.push(s);
  }
  forecast(s: ForecastState) {
    this.forecasts.push(s);
  }
  anomalies(s: AnomalyState, fired: readonly AnomalyIncident[]) {
    this.anomalyStates.push(s);
    this.fired.push(...fired);
  }
}

/** A household drawing 400 W at night and 1200 W from 07:00 to 22:00 local. */
function powerAt(ms: number): number {
  const hour = ZONE.hourOfDay(ms);
  return hour >= 7 && hour < 22 ? 1200 : 400;
}

describe("MeterInsights", () => {
  let dir: string;
  let store: HistoryStore;
  const settings: MeterInsightsSettings = {
    meter: "12345678",
    tariff,
    analytics: { forecast: true, anomalies: true, anomalySensitivity: "medium", sampleRetentionDays: 31 },
    calendar: ZONE,
    meterCalendar: ZONE,
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "e450-insights-"));
    store = HistoryStore.open(join(dir, "history.sqlite"), quiet);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Pushes every minute of meter time over [fromMs, toMs), integrating the power into the register. */
  function run(insights: MeterInsights, fromMs: number, toMs: number, startWh: number): number {
    let wh = startWh;
    for (let ms = fromMs; ms < toMs; ms += MINUTE) {
      const w = powerAt(ms);
      insights.take(push(ms, wh, w), [], ms + 2_000);
      wh += w / 60;
    }
    return wh;
  }

  it("stores intervals from the register and publishes cost and forecast states", () => {
    const out = new Recorder();
    const insights = new MeterInsights(settings, store, out, quiet);
    insights.warmUp(START);
    run(insights, START, START + 3 * 24 * HOUR + MINUTE, 1_000_000);
    const stored = store.intervals("12345678", START, START + 3 * 24 * HOUR);
    expect(stored).toHaveLength(3 * 96);
    // 15 h × 1.2 kW + 9 h × 0.4 kW = 21.6 kWh a day.
    const day = stored.slice(96, 192).reduce((sum, i) => sum + i.importKwh, 0);
    expect(day).toBeCloseTo(21.6, 9);
    expect(stored.every((i) => i.source === "live")).toBe(true);
    const cost = out.costs.at(-1)!;
    expect(cost.totalCost).toBeCloseTo(3 * 21.6 * 0.25, 6);
    expect(cost.pricePerKwh).toBe(0.25);
    const forecast = out.forecasts.at(-1)!;
    expect(forecast.historyDays).toBeGreaterThanOrEqual(2);
    expect(forecast.tomorrow.length).toBe(24);
    expect(forecast.today.value).toBeGreaterThan(0);
    expect(out.fired).toEqual([]);
    expect(store.samples("12345678", "power_import", START, START + HOUR)).toHaveLength(60);
  });

  it("shares a 12-hour outage out as estimated intervals and fires one data stall, not again after a restart", () => {
    const out = new Recorder();
    const first = new MeterInsights(settings, store, out, quiet);
    first.warmUp(START);
    let wh = run(first, START, START + 2 * 24 * HOUR, 0);
    const outageEnd = START + 2 * 24 * HOUR + 12 * HOUR;
    for (let ms = START + 2 * 24 * HOUR; ms < outageEnd; ms += MINUTE) wh += powerAt(ms) / 60;
    wh = run(first, outageEnd, outageEnd + 3 * HOUR, wh);
    expect(out.fired.map((i) => i.kind)).toEqual(["data-stall"]);
    const estimated = store
      .intervals("12345678", START, outageEnd + HOUR)
      .filter((i) => i.source === "estimated");
    expect(estimated.length).toBeGreaterThanOrEqual(48);
    // Nothing lost: the stored intervals add up to the register at the last closed boundary.
    const all = store.intervals("12345678", START, outageEnd + 3 * HOUR);
    const sum = all.reduce((s, i) => s + i.importKwh, 0);
    expect(sum).toBeCloseTo(store.registerState("12345678")!.importKwh, 9);

    const totalBefore = out.costs.at(-1)!.totalCost;
    const again = new Recorder();
    const second = new MeterInsights(settings, store, again, quiet);
    second.warmUp(START);
    run(second, outageEnd + 3 * HOUR, outageEnd + 5 * HOUR, wh);
    expect(again.fired).toEqual([]);
    expect(again.anomalyStates[0]!.last?.kind).toBe("data-stall");
    expect(again.costs.at(-1)!.totalCost).toBeGreaterThan(totalBefore);
    expect(again.costs.at(-1)!.totalCost).toBeCloseTo(totalBefore + 2 * 1.2 * 0.25, 1);
  });

  it("an imported history replayed at start counts towards learning, its gaps do not", () => {
    // 30 days imported with days 10 and 11 missing: 28 days with data, all the detectors need.
    const imported: StoredInterval[] = [];
    for (let ms = START; ms < START + 30 * 24 * HOUR; ms += 15 * MINUTE) {
      const day = Math.floor((ms - START) / (24 * HOUR));
      if (day === 10 || day === 11) continue;
      imported.push({
        startMs: ms,
        endMs: ms + 15 * MINUTE,
        importKwh: powerAt(ms) / 4000,
        exportKwh: null,
        source: "imported",
      });
    }
    store.writeIntervals("12345678", imported);
    const out = new Recorder();
    new MeterInsights(settings, store, out, quiet).warmUp(START + 30 * 24 * HOUR);
    expect(out.anomalyStates.at(-1)).toMatchObject({ status: "watching", history: { days: 28, needed: 28 } });
  });

  it("opens a stall live when the meter goes silent for three hours, fires it once, and closes it when data flows", () => {
    const out = new Recorder();
    const insights = new MeterInsights(settings, store, out, quiet);
    insights.warmUp(START);
    const wh = run(insights, START, START + 6 * HOUR, 0);
    const lastPushAt = START + 6 * HOUR - MINUTE + 2_000;
    insights.checkStall(lastPushAt + 2 * HOUR);
    expect(out.fired).toEqual([]);
    insights.checkStall(lastPushAt + 3 * HOUR);
    insights.checkStall(lastPushAt + 4 * HOUR);
    expect(out.fired.map((i) => i.kind)).toEqual(["data-stall"]);
    expect(out.anomalyStates.at(-1)!.open).toHaveLength(1);
    expect(store.openAnomalies("12345678")).toHaveLength(1);
    // The meter comes back; the hourly gap detector's view of the same stall fires nothing more.
    run(insights, START + 11 * HOUR, START + 14 * HOUR, wh + 5_000 * 1.2);
    expect(out.fired).toHaveLength(1);
    expect(out.anomalyStates.at(-1)!.open).toEqual([]);
    expect(store.openAnomalies("12345678")).toEqual([]);
  });
});
