/**
 * Costs against a bill computed by hand, over the night summer time began in Switzerland
 * (Sunday 29 March 2026, 02:00 → 03:00 CET → CEST): a night rate 22:00–06:00 that wraps midnight
 * and loses an hour that night.
 */
import { describe, expect, it } from "vitest";
import type { Tariff } from "../../../src/analytics/cost/types.js";
import { CostTracker } from "../../../src/insights/cost-tracker.js";

const ZURICH_SAT_MIDNIGHT = Date.UTC(2026, 2, 27, 23, 0); // 2026-03-28 00:00 CET
const ZURICH_MON_MIDNIGHT = Date.UTC(2026, 2, 29, 22, 0); // 2026-03-30 00:00 CEST
const QUARTER = 15 * 60_000;

const tariff: Tariff = {
  timeZone: "Europe/Zurich",
  currency: "CHF",
  versions: [
    {
      validFrom: "2026-01-01",
      import: {
        kind: "time-of-use",
        rates: [{ name: "night", pricePerKwh: 0.2, windows: [{ fromHour: 22, toHour: 6 }] }],
        otherwisePerKwh: 0.3,
      },
      standingChargePerMonth: 10,
      vatRate: 0.081,
    },
  ],
};

function feed(tracker: CostTracker, fromMs: number, toMs: number): void {
  for (let ms = fromMs; ms < toMs; ms += QUARTER) {
    tracker.add({ startMs: ms, endMs: ms + QUARTER, importKwh: 0.25, exportKwh: 0 });
  }
}

describe("CostTracker", () => {
  // Saturday: 8 night hours (00–06, 22–24), 16 day hours. Sunday has 23 hours: 7 night hours
  // (00–02, 03–06, 22–24) and 16 day hours. 1 kWh per hour throughout.
  const saturday = (8 * 0.2 + 16 * 0.3) * 1.081; // 6.9184
  const sunday = (7 * 0.2 + 16 * 0.3) * 1.081; // 6.7022
  const standingPerDay = (10 / 31) * 1.081;

  it("prices each hour at its local rate across the spring-forward night", () => {
    const tracker = new CostTracker(tariff, { cost: 0, exportCredit: 0, throughMs: 0 });
    feed(tracker, ZURICH_SAT_MIDNIGHT, ZURICH_MON_MIDNIGHT);
    const lastQuarter = ZURICH_MON_MIDNIGHT - QUARTER;
    const state = tracker.state(lastQuarter);
    expect(state.today.importKwh).toBeCloseTo(23, 9);
    expect(state.today.cost).toBeCloseTo(sunday + standingPerDay, 9);
    expect(state.today.startMs).toBe(Date.UTC(2026, 2, 28, 23, 0));
    expect(state.month.cost).toBeCloseTo(saturday + sunday + 2 * standingPerDay, 9);
    expect(state.totalCost).toBeCloseTo(saturday + sunday, 9);
    expect(state.totalExportCredit).toBeNull();
    // Sunday 23:45 is a night hour.
    expect(state.pricePerKwh).toBeCloseTo(0.2 * 1.081, 12);
  });

  it("adds an interval to the never-resetting total only once, and resets today at midnight", () => {
    const tracker = new CostTracker(tariff, {
      cost: 100,
      exportCredit: 0,
      throughMs: ZURICH_SAT_MIDNIGHT + QUARTER,
    });
    // The first quarter is before `throughMs`: it was counted by an earlier run.
    feed(tracker, ZURICH_SAT_MIDNIGHT, ZURICH_SAT_MIDNIGHT + 2 * QUARTER);
    expect(tracker.runningTotals.cost).toBeCloseTo(100 + 0.25 * 0.2 * 1.081, 12);
    const nextDay = tracker.state(ZURICH_SAT_MIDNIGHT + 24 * 3_600_000);
    expect(nextDay.today.cost).toBe(0);
    expect(nextDay.today.startMs).toBe(ZURICH_SAT_MIDNIGHT + 24 * 3_600_000);
  });

  it("marks a dynamic price without data as unpriced, never as free", () => {
    const dynamic: Tariff = {
      timeZone: "Europe/Oslo",
      currency: "NOK",
      versions: [
        {
          validFrom: "2026-01-01",
          import: {
            kind: "dynamic",
            series: { kind: "entity", entityId: "sensor.nordpool" },
            markupPerKwh: 0.05,
          },
        },
      ],
    };
    const tracker = new CostTracker(dynamic, { cost: 0, exportCredit: 0, throughMs: 0 });
    feed(tracker, ZURICH_SAT_MIDNIGHT, ZURICH_SAT_MIDNIGHT + 4 * QUARTER);
    const state = tracker.state(ZURICH_SAT_MIDNIGHT + 3 * QUARTER);
    expect(state.pricePerKwh).toBeNull();
    expect(state.today.unpricedIntervals).toBe(4);
    expect(state.today.cost).toBe(0);
    expect(state.totalCost).toBe(0);
  });
});
