/** The routes answered from the history store: energy and power series, costs, anomalies. */
import type { FastifyInstance } from "fastify";
import { type ApiContext, METER_QUERY, pickMeter, requireStore } from "../context.js";
import { costReport, FLAT_AVERAGE, flatAverageTariff } from "../cost-report.js";
import { ApiError, ERROR_RESPONSES } from "../errors.js";
import {
  DEFAULT_RESOLUTION,
  energyColumnsJson,
  energySeries,
  isEnergyResolution,
  powerSeries,
  RESOLUTIONS,
  type Resolution,
} from "../history-series.js";
import {
  ANOMALY_LEARNING_PROPERTIES,
  anomalyLearningJson,
  INCIDENT_SCHEMA,
  incidentJson,
} from "../insights-json.js";
import { PERIOD_SCHEMA, parsePeriod, SPAN_SCHEMA, spanJson } from "../period.js";

/** Minute samples are many: a month of three quantities is 130 000 points, enough for any chart. */
const LONGEST_SAMPLE_SPAN_MS = 31 * 86_400_000;
const CONFIGURED = "configured";

const DATA_SCHEMA = {
  type: "object",
  required: ["meter", "period", "resolution", "energy", "power"],
  properties: {
    meter: { type: "string" },
    period: SPAN_SCHEMA,
    resolution: { type: "string", enum: [...RESOLUTIONS] },
    energy: {
      type: ["array", "object"],
      description:
        "15min, 1h, 1d: energy per interval starting at t (epoch ms); with format=columns an object of integer columns: t0 (epoch ms), minutes after t0, importMilliWh, exportMilliWh (null without an export register), estimated (0/1)",
      items: {
        type: "object",
        required: ["t", "importKwh", "exportKwh", "estimated"],
        properties: {
          t: { type: "integer" },
          importKwh: { type: "number" },
          exportKwh: { type: ["number", "null"] },
          estimated: { type: "boolean", description: "a link outage spanned it: energy shared out by time" },
        },
      },
    },
    power: {
      type: "array",
      description: "raw, 1min: power per minute in W (the finest the store keeps)",
      items: {
        type: "object",
        required: ["t", "quantity", "min", "mean", "max"],
        properties: {
          t: { type: "integer" },
          quantity: { type: "string" },
          min: { type: "number" },
          mean: { type: "number" },
          max: { type: "number" },
        },
      },
    },
  },
} as const;

const COSTS_SCHEMA = {
  type: "object",
  required: [
    "currency",
    "tariff",
    "period",
    "importKwh",
    "exportKwh",
    "importCost",
    "exportCredit",
    "standingCharges",
    "capacityCost",
    "netCost",
    "unpricedIntervals",
    "days",
    "byRate",
  ],
  properties: {
    currency: { type: "string" },
    tariff: { type: "string" },
    period: SPAN_SCHEMA,
    importKwh: { type: "number" },
    exportKwh: { type: "number" },
    importCost: { type: "number" },
    exportCredit: { type: "number" },
    standingCharges: { type: "number" },
    capacityCost: { type: "number" },
    netCost: { type: "number" },
    unpricedIntervals: { type: "integer" },
    days: {
      type: "array",
      items: {
        type: "object",
        required: ["date", "netCost", "importKwh"],
        properties: { date: { type: "string" }, netCost: { type: "number" }, importKwh: { type: "number" } },
      },
    },
    byRate: {
      type: "array",
      items: {
        type: "object",
        required: ["rate", "importKwh", "cost"],
        properties: { rate: { type: "string" }, importKwh: { type: "number" }, cost: { type: "number" } },
      },
    },
  },
} as const;

const ANOMALIES_SCHEMA = {
  type: "object",
  required: ["incidents", "status", "history"],
  properties: {
    incidents: { type: "array", items: INCIDENT_SCHEMA },
    ...ANOMALY_LEARNING_PROPERTIES,
  },
} as const;

interface PeriodQuery {
  period: string;
  meter?: string;
}

export function historyRoutes(app: FastifyInstance, context: ApiContext): void {
  const { zone } = context;

  app.get<{ Querystring: PeriodQuery & { resolution?: Resolution; format: "points" | "columns" } }>(
    "/api/data",
    {
      schema: {
        summary: "Energy and power history",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            period: { ...PERIOD_SCHEMA, default: "24h" },
            format: {
              type: "string",
              enum: ["points", "columns"],
              default: "points",
              description:
                "points: an object per interval; columns: integer columns, for charts of long periods",
            },
            resolution: {
              type: "string",
              enum: [...RESOLUTIONS],
              description: "default by period: 24h → 15min, 7d and 30d → 1h, 1y → 1d, FROM/TO → 1h",
            },
            meter: METER_QUERY,
          },
        },
        response: { 200: DATA_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const store = requireStore(context);
      const meter = pickMeter(context, request.query.meter);
      const span = parsePeriod(request.query.period, context.now(), zone);
      const resolution = request.query.resolution ?? DEFAULT_RESOLUTION[request.query.period] ?? "1h";
      const energy = isEnergyResolution(resolution);
      if (!energy && span.toMs - span.fromMs > LONGEST_SAMPLE_SPAN_MS)
        throw new ApiError(
          400,
          "invalid-parameter",
          `resolution: ${resolution} covers at most 31 days; use 15min or coarser`,
        );
      const body = {
        meter,
        period: spanJson(span, zone),
        resolution,
        energy: !energy
          ? []
          : request.query.format === "columns"
            ? energyColumnsJson(store, meter, span, resolution, zone)
            : energySeries(store, meter, span, resolution, zone),
        power: energy ? [] : powerSeries(store, meter, span),
      };
      // Serialized natively: for a year of quarter-hours (35 000 points) V8's JSON.stringify took a
      // half to a third of the time of the schema's compiled serializer (fast-json-stringify, with
      // its nullable number) on this machine. DATA_SCHEMA still documents the shape.
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(body));
    },
  );

  app.get<{ Querystring: PeriodQuery & { tariff?: string; tarif?: string } }>(
    "/api/costs",
    {
      schema: {
        summary: "What a period cost under the configured tariff or an alternative",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            period: { ...PERIOD_SCHEMA, default: "30d" },
            tariff: {
              type: "string",
              description: `"${CONFIGURED}" (default), "${FLAT_AVERAGE}" (the same energy at the period's mean price) or a name from the tariff file's alternatives`,
            },
            tarif: { type: "string", description: "the older spelling of tariff" },
            meter: METER_QUERY,
          },
        },
        response: { 200: COSTS_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const store = requireStore(context);
      if (context.tariff === null)
        throw new ApiError(503, "no-tariff", "no tariff is configured (the tariff options or tariff.file)");
      const name = request.query.tariff ?? request.query.tarif ?? CONFIGURED;
      const alternatives = context.tariffAlternatives;
      if (name !== CONFIGURED && name !== FLAT_AVERAGE && !Object.hasOwn(alternatives, name)) {
        const known = [CONFIGURED, FLAT_AVERAGE, ...Object.keys(alternatives)].join(", ");
        throw new ApiError(404, "unknown-tariff", `no tariff ${name}; known: ${known}`);
      }
      const meter = pickMeter(context, request.query.meter);
      const span = parsePeriod(request.query.period, context.now(), zone);
      const intervals = store.intervals(meter, span.fromMs, span.toMs);
      const tariff =
        name === CONFIGURED
          ? context.tariff
          : name === FLAT_AVERAGE
            ? flatAverageTariff(context.tariff, intervals)
            : alternatives[name]!;
      return { tariff: name, period: spanJson(span, zone), ...costReport(tariff, intervals) };
    },
  );

  app.get<{ Querystring: PeriodQuery }>(
    "/api/anomalies",
    {
      schema: {
        summary: "Anomaly incidents overlapping a period, and whether the detectors are still learning",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { period: { ...PERIOD_SCHEMA, default: "30d" }, meter: METER_QUERY },
        },
        response: { 200: ANOMALIES_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const store = requireStore(context);
      const meter = pickMeter(context, request.query.meter);
      const span = parsePeriod(request.query.period, context.now(), zone);
      return {
        incidents: store.anomalies(meter, span.fromMs, span.toMs).map((a) => incidentJson(a, a.open, zone)),
        ...anomalyLearningJson(context.live.meters.get(meter)?.anomalies ?? null),
      };
    },
  );
}
