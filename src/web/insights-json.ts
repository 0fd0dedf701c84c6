/** The analytics' states (model/insights.ts) as the API shows them: times as ISO 8601 with offset. */
import { ANOMALY_LEARNING_DAYS } from "../analytics/anomaly/engine.js";
import type { AnomalyIncident, AnomalyState, Band, ForecastState } from "../model/insights.js";
import type { StoredAnomaly } from "../store/types.js";
import type { ZonedCalendar } from "../time/zoned.js";

const nullableNumber = { type: ["number", "null"] } as const;
const BAND_SCHEMA = {
  type: "object",
  required: ["value", "p10", "p90"],
  properties: { value: { type: "number" }, p10: nullableNumber, p90: nullableNumber },
} as const;

export const FORECAST_SCHEMA = {
  type: "object",
  required: ["today", "nextHour", "month", "monthCost", "tomorrow", "recentDailyErrorPercent", "historyDays"],
  properties: {
    today: { ...BAND_SCHEMA, description: "kWh over the whole local day: observed so far plus forecast" },
    nextHour: {
      type: "object",
      required: [...BAND_SCHEMA.required, "start", "t"],
      properties: { ...BAND_SCHEMA.properties, start: { type: "string" }, t: { type: "integer" } },
    },
    month: { ...BAND_SCHEMA, description: "kWh over the whole month" },
    monthCost: { anyOf: [BAND_SCHEMA, { type: "null" }] },
    tomorrow: {
      type: "array",
      items: {
        type: "object",
        required: ["t", "start", "kwh", "p10", "p90"],
        properties: {
          t: { type: "integer" },
          start: { type: "string" },
          kwh: { type: "number" },
          p10: nullableNumber,
          p90: nullableNumber,
        },
      },
    },
    recentDailyErrorPercent: nullableNumber,
    historyDays: { type: "number" },
  },
} as const;

export const INCIDENT_SCHEMA = {
  type: "object",
  required: ["id", "kind", "since", "until", "open", "expected", "observed", "unit", "score", "sentence"],
  properties: {
    id: { type: "string" },
    kind: { type: "string" },
    since: { type: "string" },
    until: { type: ["string", "null"], description: "null while the incident is open" },
    open: { type: "boolean" },
    expected: { type: "number" },
    observed: { type: "number" },
    unit: { type: "string" },
    score: { type: "number" },
    sentence: { type: "string" },
  },
} as const;

/** Properties of a response that tells whether the anomaly detectors still learn, and how far. */
export const ANOMALY_LEARNING_PROPERTIES = {
  status: { type: "string", enum: ["learning", "watching"] },
  history: {
    type: "object",
    required: ["days", "needed"],
    properties: {
      days: { type: "integer", description: "whole days of hours with data the detectors have seen" },
      needed: { type: "integer", description: "days of history before every detector may speak" },
    },
  },
} as const;

export function forecastJson(state: ForecastState, zone: ZonedCalendar) {
  return {
    today: band(state.today),
    nextHour: {
      ...band(state.nextHour),
      start: zone.formatIso(state.nextHour.startMs),
      t: state.nextHour.startMs,
    },
    month: band(state.monthEnergy),
    monthCost: state.monthCost === null ? null : band(state.monthCost),
    tomorrow: state.tomorrow.map((hour) => ({
      t: hour.startMs,
      start: zone.formatIso(hour.startMs),
      kwh: hour.kwh,
      p10: hour.p10,
      p90: hour.p90,
    })),
    recentDailyErrorPercent: state.recentDailyErrorPercent,
    historyDays: state.historyDays,
  };
}

export function incidentJson(incident: AnomalyIncident | StoredAnomaly, open: boolean, zone: ZonedCalendar) {
  return {
    id: incident.id,
    kind: incident.kind,
    since: zone.formatIso(incident.startMs),
    until: open ? null : zone.formatIso(incident.endMs),
    open,
    expected: incident.expected,
    observed: incident.observed,
    unit: incident.unit,
    score: incident.score,
    sentence: incident.message,
  };
}

/**
 * The detectors' learning progress; without a state yet (before the first replay, or with the
 * anomalies off) nothing has been learned.
 */
export function anomalyLearningJson(state: AnomalyState | null) {
  if (state === null)
    return { status: "learning" as const, history: { days: 0, needed: ANOMALY_LEARNING_DAYS } };
  return { status: state.status, history: { days: state.history.days, needed: state.history.needed } };
}

/** For the live stream: the learning progress, the open incidents and the latest one. */
export function anomalyStateJson(state: AnomalyState, zone: ZonedCalendar) {
  const openIds = new Set(state.open.map((incident) => incident.id));
  return {
    ...anomalyLearningJson(state),
    open: state.open.map((incident) => incidentJson(incident, true, zone)),
    last: state.last === null ? null : incidentJson(state.last, openIds.has(state.last.id), zone),
  };
}

function band(value: Band) {
  return { value: value.value, p10: value.p10, p90: value.p90 };
}
