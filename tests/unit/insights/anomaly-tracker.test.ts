/** The tracker's cold start: it learns from hours with data only, and says how far it has come. */
import { describe, expect, it } from "vitest";
import { ANOMALY_LEARNING_DAYS } from "../../../src/analytics/anomaly/engine.js";
import { AnomalyTracker } from "../../../src/insights/anomaly-tracker.js";
import { HOUR_MS, ZonedCalendar } from "../../../src/time/zoned.js";

const ZONE = new ZonedCalendar("Europe/Vienna");
const START = Date.UTC(2026, 0, 4, 23, 0); // Monday 2026-01-05 00:00 local

/** Feeds `count` hours from `fromHour` on: 0.4 kWh at night, 1.2 kWh by day, or NaN (no data). */
function feed(tracker: AnomalyTracker, fromHour: number, count: number, withData: boolean): number {
  for (let i = fromHour; i < fromHour + count; i++) {
    const startMs = START + i * HOUR_MS;
    const hour = ZONE.hourOfDay(startMs);
    const importKwh = withData ? (hour >= 7 && hour < 22 ? 1.2 : 0.4) : Number.NaN;
    tracker.observe({ startMs, importKwh }, () => false);
  }
  return fromHour + count;
}

describe("AnomalyTracker learning", () => {
  it("starts learning with nothing seen", () => {
    const state = new AnomalyTracker(ZONE, "medium", []).state();
    expect(state.status).toBe("learning");
    expect(state.history).toEqual({ days: 0, needed: ANOMALY_LEARNING_DAYS });
  });

  it("counts whole days of hours with data; hours without data do not count", () => {
    const tracker = new AnomalyTracker(ZONE, "medium", []);
    let at = feed(tracker, 0, 47, true);
    at = feed(tracker, at, 5 * 24, false);
    expect(tracker.state().history.days).toBe(1); // 47 hours with data, rounded down
    feed(tracker, at, 1, true);
    expect(tracker.state()).toMatchObject({ status: "learning", history: { days: 2 } });
  });

  it("watches once it has seen the days every detector needs", () => {
    const tracker = new AnomalyTracker(ZONE, "medium", []);
    const at = feed(tracker, 0, ANOMALY_LEARNING_DAYS * 24 - 1, true);
    expect(tracker.state().status).toBe("learning");
    feed(tracker, at, 1, true);
    expect(tracker.state()).toMatchObject({
      status: "watching",
      history: { days: ANOMALY_LEARNING_DAYS, needed: ANOMALY_LEARNING_DAYS },
    });
  });
});

describe("AnomalyTracker zero import", () => {
  it("opens a zero-import incident for a night without import, and closes it when import resumes", () => {
    const tracker = new AnomalyTracker(ZONE, "medium", []);
    let at = feed(tracker, 0, 40 * 24 - 2, true); // up to 22:00 local on day 39
    const opened: string[] = [];
    for (let i = 0; i < 10; i++, at++) {
      const update = tracker.observe({ startMs: START + at * HOUR_MS, importKwh: 0 }, () => false);
      opened.push(...update.opened.map((incident) => incident.kind));
    }
    expect(opened).toEqual(["zero-import"]);
    expect(tracker.state().open.map((incident) => incident.kind)).toEqual(["zero-import"]);
    const resumed = tracker.observe({ startMs: START + at * HOUR_MS, importKwh: 0.4 }, () => false);
    expect(resumed.closed.map((incident) => incident.kind)).toEqual(["zero-import"]);
    expect(tracker.state().open).toEqual([]);
    expect(tracker.state().last?.message).toMatch(/^Imported nothing for 6 hours: not even at night/);
  });
});
