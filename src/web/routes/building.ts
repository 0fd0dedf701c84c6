/**
 * /api/building: every configured meter's energy and cost over a period and its share of the
 * building's, sub-meters under the meter they are behind with that meter's rest (building.ts).
 * With one meter it answers too: one row, 100 %.
 */
import type { FastifyInstance } from "fastify";
import { building, type BuildingRow, REASONS } from "../building.js";
import { type MeterInputs, meterInputs } from "../building-readings.js";
import { type ApiContext, requireStore } from "../context.js";
import { ApiError, ERROR_RESPONSES } from "../errors.js";
import { PERIOD_SCHEMA, parsePeriod, SPAN_SCHEMA, spanJson } from "../period.js";

const NUMBER_OR_NULL = { type: ["number", "null"] } as const;
const TEXT_OR_NULL = { type: ["string", "null"] } as const;

const REASON_SCHEMA = {
  description: "why the row has no figures, or (negative-rest) why they are suspect; null when fine",
  anyOf: [
    {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: Object.keys(REASONS) },
        message: { type: "string" },
      },
    },
    { type: "null" },
  ],
} as const;

const ROW_SCHEMA = {
  type: "object",
  required: [
    "kind",
    "id",
    "name",
    "area",
    "behind",
    "depth",
    "physical",
    "importKwh",
    "exportKwh",
    "cost",
    "coverage",
    "share",
    "shareOfParent",
    "costShare",
    "reason",
  ],
  properties: {
    kind: {
      type: "string",
      enum: ["meter", "rest"],
      description: "rest: what the meter measured beyond the meters behind it (it follows them)",
    },
    id: { type: "string", description: "the configured meter; for a rest row, the meter whose rest it is" },
    name: { ...TEXT_OR_NULL, description: "the configured name; null for the single meter group" },
    area: TEXT_OR_NULL,
    behind: {
      ...TEXT_OR_NULL,
      description: "the id of the meter it is behind (a rest row: its own meter); null at the top",
    },
    depth: { type: "integer", description: "0 at the top; one more per meter it is behind" },
    physical: {
      type: "array",
      description:
        "the physical meters read for it, the one heard since the start first; empty for a rest row",
      items: {
        type: "object",
        required: ["key", "serial"],
        properties: { key: { type: "string" }, serial: TEXT_OR_NULL },
      },
    },
    importKwh: NUMBER_OR_NULL,
    exportKwh: { ...NUMBER_OR_NULL, description: "null also when the meter states no export register" },
    cost: {
      ...NUMBER_OR_NULL,
      description:
        "at the top the meter's net cost under the tariff; behind another meter its energy's cost only (standing and capacity charges stay with the meter it is behind)",
    },
    coverage: { ...NUMBER_OR_NULL, description: "percent of the period its intervals cover; null for rest" },
    share: { ...NUMBER_OR_NULL, description: "percent of the building's import" },
    shareOfParent: { ...NUMBER_OR_NULL, description: "percent of the import of the meter it is behind" },
    costShare: { ...NUMBER_OR_NULL, description: "percent of the building's cost" },
    reason: REASON_SCHEMA,
  },
} as const;

const BUILDING_SCHEMA = {
  type: "object",
  required: ["period", "currency", "total", "rows"],
  properties: {
    period: SPAN_SCHEMA,
    currency: {
      ...TEXT_OR_NULL,
      description: "the tariff's; null without a tariff (then every cost is null)",
    },
    total: {
      type: "object",
      required: ["importKwh", "exportKwh", "cost", "complete", "unpricedIntervals"],
      properties: {
        importKwh: { type: "number", description: "the top-level meters' import: sub-meters are in it once" },
        exportKwh: NUMBER_OR_NULL,
        cost: NUMBER_OR_NULL,
        complete: {
          type: "boolean",
          description: "false when a top-level meter has no figures: shares are then of those that have",
        },
        unpricedIntervals: {
          type: "integer",
          description: "intervals without a price (dynamic price gaps), whose cost is in no sum",
        },
      },
    },
    rows: {
      type: "array",
      description: "top-level meters in the configured order, each followed by its sub-meters and its rest",
      items: ROW_SCHEMA,
    },
  },
} as const;

/** Energies and money to a millionth (as /api/data), percentages to a ten-thousandth. */
const round = (value: number | null, scale: number) =>
  value === null ? null : Math.round(value * scale) / scale;

export function buildingRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: { period: string } }>(
    "/api/building",
    {
      schema: {
        summary:
          "Each configured meter's energy, cost and share of the building's; sub-meters under their meter",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { period: { ...PERIOD_SCHEMA, default: "30d" } },
        },
        response: { 200: BUILDING_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const store = requireStore(context);
      if (context.meters.length === 0)
        throw new ApiError(404, "no-meters", "this server was started without its configured meters");
      const span = parsePeriod(request.query.period, context.now(), context.zone);
      const inputs = meterInputs(context, store, span);
      const result = building(context.meters, (id) => inputs.get(id)!.reading);
      let unpricedIntervals = 0;
      for (const input of inputs.values()) unpricedIntervals += input.unpricedIntervals;
      return {
        period: spanJson(span, context.zone),
        currency: context.tariff?.currency ?? null,
        total: {
          importKwh: round(result.total.importKwh, 1e6),
          exportKwh: round(result.total.exportKwh, 1e6),
          cost: round(result.total.cost, 1e6),
          complete: result.total.complete,
          unpricedIntervals,
        },
        rows: result.rows.map((row) => rowJson(row, row.kind === "meter" ? inputs.get(row.meter.id)! : null)),
      };
    },
  );
}

function rowJson(row: BuildingRow, input: MeterInputs | null) {
  const { meter } = row;
  return {
    kind: row.kind,
    id: meter.id,
    name: meter.name,
    area: meter.area,
    behind: row.kind === "rest" ? meter.id : meter.behind,
    depth: row.depth,
    physical: input?.physical ?? [],
    importKwh: round(row.importKwh, 1e6),
    exportKwh: round(row.exportKwh, 1e6),
    cost: round(row.cost, 1e6),
    coverage: round(row.coverage === null ? null : row.coverage * 100, 1e4),
    share: round(row.share, 1e4),
    shareOfParent: round(row.shareOfParent, 1e4),
    costShare: round(row.costShare, 1e4),
    reason: row.reason === null ? null : { code: row.reason, message: REASONS[row.reason] },
  };
}
