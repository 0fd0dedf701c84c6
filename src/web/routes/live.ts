/** The routes answered from what the bus said: meters, latest readings, frames, forecast. */
import type { FastifyInstance } from "fastify";
import { type ApiContext, knownMeters, METER_QUERY, pickMeter } from "../context.js";
import { ApiError, ERROR_RESPONSES } from "../errors.js";
import { FORECAST_SCHEMA, forecastJson } from "../insights-json.js";
import { FRAME_CAPACITY } from "../live-state.js";
import { assignmentOf } from "../meter-assignments.js";
import { LATEST_SCHEMA, latestJson } from "../readings-json.js";

const LINK_SCHEMA = { type: "string", enum: ["connecting", "up", "down", "stopped"] } as const;
const ISSUE_SCHEMA = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;

const METERS_SCHEMA = {
  type: "object",
  required: ["meters", "configured"],
  properties: {
    meters: {
      type: "array",
      items: {
        type: "object",
        required: ["key", "configured", "serial", "systemTitle", "firmware", "online", "lastPushAt", "link"],
        properties: {
          key: { type: "string" },
          configured: {
            type: ["string", "null"],
            description: "the id of the configured meter it belongs to; null when not known",
          },
          serial: { type: ["string", "null"] },
          systemTitle: { type: ["string", "null"] },
          firmware: { type: ["string", "null"] },
          online: { type: "boolean" },
          lastPushAt: { type: ["string", "null"] },
          link: LINK_SCHEMA,
        },
      },
    },
    configured: {
      type: "array",
      description: "the meters in the options, in their order",
      items: {
        type: "object",
        required: ["id", "name", "area", "behind"],
        properties: {
          id: { type: "string" },
          name: { type: ["string", "null"], description: "null for the single meter group" },
          area: { type: ["string", "null"] },
          behind: { type: ["string", "null"], description: "the id of the meter it is behind (a sub-meter)" },
        },
      },
    },
  },
} as const;

const FRAMES_SCHEMA = {
  type: "object",
  required: ["frames"],
  properties: {
    frames: {
      type: "array",
      items: {
        type: "object",
        required: ["at", "t", "meter", "protocol", "hex", "issue", "readings"],
        properties: {
          at: { type: "string" },
          t: { type: "integer" },
          meter: { type: "string" },
          protocol: { type: "string" },
          hex: { type: "string" },
          issue: { anyOf: [ISSUE_SCHEMA, { type: "null" }] },
          readings: { type: "integer", description: "readings decoded from it; 0 when none (yet)" },
        },
      },
    },
  },
} as const;

export function liveRoutes(app: FastifyInstance, context: ApiContext): void {
  const { live, zone } = context;

  app.get(
    "/api/meters",
    {
      schema: {
        summary: "The meters heard since start or kept in the history, and the configured meters",
        response: { 200: METERS_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async () => ({
      meters: knownMeters(context).map((key) => {
        const meter = live.meters.get(key);
        const configured = live.configuredOf(key);
        return {
          key,
          configured: assignmentOf(context, key),
          serial: meter?.identity.serialNumber ?? null,
          systemTitle: meter?.identity.systemTitle ?? null,
          firmware: meter?.identity.firmwareVersion ?? null,
          online: meter?.online ?? false,
          lastPushAt: meter?.latest ? zone.formatIso(meter.latest.receivedAt) : null,
          link: configured === undefined ? "stopped" : live.linkOf(configured),
        };
      }),
      configured: context.meters,
    }),
  );

  app.get<{ Querystring: { meter?: string } }>(
    "/api/readings/latest",
    {
      schema: {
        summary: "The latest published snapshot with its derived values",
        querystring: { type: "object", additionalProperties: false, properties: { meter: METER_QUERY } },
        response: { 200: LATEST_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const latest = live.meters.get(pickMeter(context, request.query.meter))?.latest;
      if (!latest) throw new ApiError(404, "no-data", "no snapshot has been published yet");
      return latestJson(latest, zone, context.meterZone);
    },
  );

  app.get<{ Querystring: { limit: number } }>(
    "/api/frames",
    {
      schema: {
        summary: "The last link frames, newest first, with what their decode gave",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { limit: { type: "integer", minimum: 1, maximum: FRAME_CAPACITY, default: 50 } },
        },
        response: { 200: FRAMES_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      frames: live.frames.newest(request.query.limit).map((frame) => ({
        at: zone.formatIso(frame.at),
        t: frame.at,
        meter: live.keyOf(frame.meter),
        protocol: frame.protocol,
        hex: frame.hex,
        issue: frame.issue,
        readings: frame.readings,
      })),
    }),
  );

  app.get<{ Querystring: { meter?: string } }>(
    "/api/forecast",
    {
      schema: {
        summary: "The latest forecast (energy in kWh, cost in the tariff's currency)",
        querystring: { type: "object", additionalProperties: false, properties: { meter: METER_QUERY } },
        response: { 200: FORECAST_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const state = live.meters.get(pickMeter(context, request.query.meter))?.forecast;
      if (!state)
        throw new ApiError(404, "no-forecast", "no forecast yet: it follows the first closed interval");
      return forecastJson(state, zone);
    },
  );
}
