import { describe, expect, it } from "vitest";
import { AnomalyEngine } from "../../../../src/analytics/anomaly/engine.js";
import { IncidentFilter } from "../../../../src/analytics/anomaly/incidents.js";
import { MIN_EXCESS_MEAN_HOURS, RollingMean } from "../../../../src/analytics/anomaly/materiality.js";
import { NightConsumptionDetector } from "../../../../src/analytics/anomaly/night.js";
import { WeeklyScheduleDetector } from "../../../../src/analytics/anomaly/weekly-schedule.js";
import type { AnomalyEvent, HourDetector, HourObservation } from "../../../../src/analytics/anomaly/types.js";
import { ZonedCalendar } from "../../../../src/time/zoned.js";
import { H, household, START } from "./synthetic.js";

const DAY = 24 * H;
const localHour = (ms: number) => new Date(ms).getUTCHours();
const dayStart = (ms: number) => ms - (ms % DAY);
const isoWeekday = (ms: number) => (((Math.floor((ms - START) / DAY) % 7) + 7) % 7) + 1; // START is a Monday

function replay(detector: HourDetector, hours: readonly HourObservation[]): AnomalyEvent[] {
  return hours.flatMap((h) => detector.observe(h));
}

function add(hours: HourObservation[], from: number, to: number, kwh: number): HourObservation[] {
  return hours.map((h, i) => (i >= from && i < to ? { ...h, importKwh: h.importKwh + kwh } : h));
}

describe("materiality", () => {
  it("keeps the mean of the last hours with data and judges an excess against it", () => {
    const load = new RollingMean(4);
    for (const v of [9, 1, Number.NaN, 1, 1, 1]) load.add(v);
    expect(load.mean).toBe(1); // the 9 has left the window, the NaN never entered it
    expect(load.isMaterial(MIN_EXCESS_MEAN_HOURS)).toBe(true);
    expect(load.isMaterial(MIN_EXCESS_MEAN_HOURS - 0.01)).toBe(false);
  });
});

describe("night consumption", () => {
  const detector = () => new NightConsumptionDetector(localHour, dayStart);

  it("stays quiet on a regular house", () => {
    expect(replay(detector(), household(120))).toEqual([]);
  });

  it("reports a load left on through the night, dated to that night", () => {
    const night = 100 * 24;
    const events = replay(detector(), add(household(120), night + 1, night + 5, 1.5));
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe("unusual-consumption");
    expect(events[0]!.startMs).toBe(START + night * H);
    expect(events[0]!.endMs).toBe(START + (night + 5) * H);
    expect(events[0]!.observed).toBeGreaterThan(1.5);
    expect(events[0]!.message).toMatch(/night consumption/);
  });

  it("ignores one appliance cycle in the night and a small lift over a tiny base", () => {
    const night = 100 * 24;
    // Two hours of a dishwasher: the total rises, the typical hour does not.
    expect(replay(detector(), add(household(120), night + 1, night + 3, 2))).toEqual([]);
    // 0.1 kW more all night: far beyond the usual nights, but 0.5 kWh is not worth an alarm.
    expect(replay(detector(), add(household(120), night, night + 5, 0.1))).toEqual([]);
  });

  it("says nothing while it has seen fewer than four weeks of nights", () => {
    expect(replay(detector(), add(household(40), 20 * 24, 20 * 24 + 5, 3))).toEqual([]);
  });
});

/** The synthetic house plus a 10 kW load on Mondays 09:00–13:00. */
function withMondayLoad(days: number): HourObservation[] {
  return household(days).map((h, i) => {
    const hour = i % 24;
    const monday = Math.floor(i / 24) % 7 === 0;
    return monday && hour >= 9 && hour < 13 ? { ...h, importKwh: h.importKwh + 10 } : h;
  });
}

describe("weekly schedule", () => {
  const detector = () => new WeeklyScheduleDetector(localHour, dayStart, isoWeekday);

  it("stays quiet on a regular house and on a house whose weekly load keeps its time", () => {
    expect(replay(detector(), household(120))).toEqual([]);
    expect(replay(detector(), withMondayLoad(120))).toEqual([]);
  });

  it("reports the weekly load coming six hours later on its day", () => {
    const monday = 14 * 7 * 24; // day 98, a Monday
    const hours = withMondayLoad(120).map((h, i) =>
      i >= monday && i < monday + 24 ? { ...h, importKwh: household(120)[i]!.importKwh } : h,
    );
    const moved = add(hours, monday + 15, monday + 19, 10);
    const events = replay(detector(), moved);
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe("schedule-shift");
    expect(events[0]!.startMs).toBe(START + monday * H);
    expect(events[0]!.observed).toBe(6);
    expect(events[0]!.message).toMatch(/6 h later/);
  });

  it("does not judge a weekday whose own load is small (a habit, not a weekly load)", () => {
    const small = household(120).map((h, i) => {
      const monday = Math.floor(i / 24) % 7 === 0;
      const hour = i % 24;
      // On Mondays 0.3 kWh more from 09:00 to 13:00, and on the last Monday from 15:00 instead.
      const late = i >= 14 * 7 * 24 && i < 14 * 7 * 24 + 24;
      const on = late ? hour >= 15 && hour < 19 : hour >= 9 && hour < 13;
      return monday && on ? { ...h, importKwh: h.importKwh + 0.3 } : h;
    });
    expect(replay(detector(), small)).toEqual([]);
  });
});

describe("incidents", () => {
  const event = (kind: AnomalyEvent["kind"], startH: number, endH: number): AnomalyEvent => ({
    kind,
    startMs: START + startH * H,
    endMs: START + endH * H,
    expected: 0,
    observed: 1,
    unit: "kWh",
    score: 1,
    message: "",
  });

  it("raises one alarm per incident: statistical detections overlapping or within a day after it are not news", () => {
    const filter = new IncidentFilter();
    expect(filter.admit(event("unusual-consumption", 100, 112))).toBe(true);
    expect(filter.admit(event("base-load-shift", 96, 170))).toBe(false); // began before, overlaps
    expect(filter.admit(event("unusual-consumption", 130, 135))).toBe(false); // 18 h after its end
    expect(filter.admit(event("spike", 140, 141))).toBe(true); // more than a day later
  });

  it("lets a spike after another kind's incident through, but not a second spike on the same day", () => {
    const filter = new IncidentFilter();
    expect(filter.admit(event("schedule-shift", 0, 72))).toBe(true);
    expect(filter.admit(event("spike", 80, 81))).toBe(true); // 8 h after the shift's end: its own hour
    expect(filter.admit(event("spike", 84, 85))).toBe(false); // the same afternoon's charging
    expect(filter.admit(event("spike", 70, 71))).toBe(false); // inside the shift's span
  });

  it("always raises deterministic facts", () => {
    const filter = new IncidentFilter();
    expect(filter.admit(event("unusual-consumption", 100, 112))).toBe(true);
    expect(filter.admit(event("data-stall", 101, 110))).toBe(true);
    expect(filter.admit(event("total-backwards", 102, 103))).toBe(true);
  });

  it("applies in the engine: the nights left on and the base-load rise they cause are one alarm", () => {
    const engine = new AnomalyEngine(new ZonedCalendar("UTC"));
    // From day 100, 1.5 kW more every night from 00:00 to 06:00.
    const alarms = household(120)
      .map((h, i) => (i >= 100 * 24 && i % 24 < 6 ? { ...h, importKwh: h.importKwh + 1.5 } : h))
      .flatMap((h) => engine.observe(h));
    const kinds = alarms.filter((e) => e.startMs >= START + 99 * DAY).map((e) => e.kind);
    expect(kinds).toEqual(["unusual-consumption"]);
  });
});
