/** The anomaly state as the API and the live stream show it. */
import { describe, expect, it } from "vitest";
import type { AnomalyIncident, AnomalyState } from "../../../src/model/insights.js";
import { ZonedCalendar } from "../../../src/time/zoned.js";
import { anomalyLearningJson, anomalyStateJson } from "../../../src/web/insights-json.js";

const ZONE = new ZonedCalendar("Europe/Zurich");
const START = Date.UTC(2026, 2, 15, 13, 0); // 14:00 in Zurich

const STALL: AnomalyIncident = {
  id: "data-stall@2026-03-15T13:00:00.000Z",
  kind: "data-stall",
  startMs: START,
  endMs: START + 3_600_000,
  expected: 0,
  observed: 3,
  unit: "h",
  score: 3,
  message: "No data from the meter for 3 hours.",
};

describe("anomaly state JSON", () => {
  it("carries the learning progress with the open and latest incidents", () => {
    const state: AnomalyState = {
      status: "learning",
      history: { days: 12, needed: 28 },
      open: [STALL],
      last: STALL,
      kinds: ["data-stall"],
    };
    const json = anomalyStateJson(state, ZONE);
    expect(json).toMatchObject({ status: "learning", history: { days: 12, needed: 28 } });
    expect(json.open.map((incident) => incident.since)).toEqual(["2026-03-15T14:00:00+01:00"]);
    expect(json.last).toMatchObject({ id: STALL.id, open: true, until: null });
  });

  it("without a state nothing has been learned yet", () => {
    expect(anomalyLearningJson(null)).toEqual({ status: "learning", history: { days: 0, needed: 28 } });
  });
});
