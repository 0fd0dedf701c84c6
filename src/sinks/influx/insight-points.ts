/**
 * The live analytics' events and the link's counters → InfluxDB points. Costs and forecasts are
 * written at the moment they were computed; intervals, hourly forecasts and anomalies at the start of
 * the span they describe, so a rewrite of the same span replaces the earlier point (same series, same
 * timestamp) instead of adding one.
 */
import type { MeterDiagnostics } from "../../bus/events.js";
import type {
  AnomalyIncident,
  Band,
  CostState,
  ForecastState,
  RecordedInterval,
} from "../../model/insights.js";
import { type FieldValue, bool, float, int, text } from "./line-protocol.js";
import type { Measurement } from "./schema.js";

/** A point whose `meter` tag the plugin adds. */
export interface InsightPoint {
  readonly measurement: Measurement;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly timeMs: number;
}

/** Money and energy computed in floating point: 6 decimals hide the binary noise (0.1 + 0.2). */
const rounded = (value: number): FieldValue => float(Math.round(value * 1e6) / 1e6);

function optional(name: string, value: number | null | undefined): Record<string, FieldValue> {
  return value === null || value === undefined ? {} : { [name]: rounded(value) };
}

export function intervalPoint(interval: RecordedInterval): InsightPoint {
  return {
    measurement: "intervals",
    tags: {},
    fields: {
      import_kwh: rounded(interval.importKwh),
      ...optional("export_kwh", interval.exportKwh),
      estimated: bool(interval.estimated),
    },
    timeMs: interval.startMs,
  };
}

export function costPoint(state: CostState, nowMs: number): InsightPoint {
  return {
    measurement: "costs",
    tags: { currency: state.currency },
    fields: {
      ...optional("price_per_kwh", state.pricePerKwh),
      cost_today: rounded(state.today.cost),
      cost_month: rounded(state.month.cost),
      ...optional("export_credit_today", state.today.exportCredit),
      ...optional("export_credit_month", state.month.exportCredit),
      total_cost: rounded(state.totalCost),
      ...optional("total_export_credit", state.totalExportCredit),
      ...optional("capacity_peak_kw", state.capacity?.peakKw),
      ...optional("capacity_charge", state.capacity?.charge),
    },
    timeMs: nowMs,
  };
}

function bandFields(band: Band): Record<string, FieldValue> {
  return { value: rounded(band.value), ...optional("p10", band.p10), ...optional("p90", band.p90) };
}

export function forecastPoints(state: ForecastState, nowMs: number): InsightPoint[] {
  const at = (horizon: string, band: Band, timeMs: number): InsightPoint => ({
    measurement: "forecasts",
    tags: { horizon },
    fields: bandFields(band),
    timeMs,
  });
  const points = [
    at("today", state.today, nowMs),
    at("month_energy", state.monthEnergy, nowMs),
    at("hour", state.nextHour, state.nextHour.startMs),
    ...state.tomorrow.map((hour) =>
      at("hour", { value: hour.kwh, p10: hour.p10, p90: hour.p90 }, hour.startMs),
    ),
  ];
  if (state.monthCost) points.push(at("month_cost", state.monthCost, nowMs));
  return points;
}

export function anomalyPoint(incident: AnomalyIncident, open: boolean): InsightPoint {
  return {
    measurement: "anomalies",
    tags: { kind: incident.kind },
    fields: {
      message: text(incident.message),
      expected: rounded(incident.expected),
      observed: rounded(incident.observed),
      unit: text(incident.unit),
      score: rounded(incident.score),
      duration_s: rounded(Math.max(0, incident.endMs - incident.startMs) / 1000),
      open: bool(open),
    },
    timeMs: incident.startMs,
  };
}

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

export function linkPoint(diagnostics: MeterDiagnostics, online: boolean | null, atMs: number): InsightPoint {
  return {
    measurement: "link",
    tags: {},
    fields: {
      bytes_received: int(diagnostics.bytesReceived),
      frames_received: int(diagnostics.framesReceived),
      frames_rejected: int(sum(diagnostics.framesRejected)),
      lost_frames: int(diagnostics.lostFrames),
      decryption_failures: int(diagnostics.decryptionFailures),
      totals_held_back: int(diagnostics.totalsHeldBack),
      readings_rejected: int(sum(diagnostics.readingsRejected)),
      ...(online === null ? {} : { online: bool(online) }),
      ...optional("clock_offset_s", diagnostics.clockOffsetSeconds),
      ...(diagnostics.lastFrameAt === null
        ? {}
        : { last_frame_age_s: rounded(Math.max(0, atMs - diagnostics.lastFrameAt) / 1000) }),
    },
    timeMs: atMs,
  };
}
