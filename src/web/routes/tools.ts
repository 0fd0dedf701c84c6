/**
 * The frame inspector and the setup assistant (src/inspect/). The keys of an inspect request are
 * used for that request only: they are not logged (fastify's logger is off, errors never quote a
 * body), not stored, and not part of any answer (the inspector's result carries no key material;
 * a test asserts it on every route). The setup assistant decrypts recent frames with the
 * configured keys and reports only what they revealed.
 */
import type { FastifyInstance } from "fastify";
import { inspectFrame } from "../../inspect/inspect.js";
import { setupReport } from "../../inspect/setup.js";
import { type ApiContext, METER_QUERY } from "../context.js";
import { ApiError, ERROR_RESPONSES } from "../errors.js";

const KEY = { type: "string", pattern: "^[0-9A-Fa-f]{32}$", writeOnly: true } as const;

const INSPECT_SCHEMA = {
  type: "object",
  required: ["layers", "plaintext", "readings", "issues", "summary"],
  properties: {
    layers: {
      type: "array",
      items: {
        type: "object",
        required: ["layer", "label", "start", "end", "value", "depth"],
        properties: {
          layer: { type: "string" },
          label: { type: "string" },
          start: { type: "integer" },
          end: { type: "integer", description: "one past the last byte" },
          value: { type: "string" },
          note: { type: "string" },
          source: { type: "string", enum: ["plaintext"], description: "offsets point into plaintext" },
          depth: { type: "integer" },
          group: { type: "boolean" },
        },
      },
    },
    plaintext: { type: ["string", "null"], description: "the decrypted APDUs as hex" },
    readings: {
      type: "array",
      items: {
        type: "object",
        required: ["obis", "name", "value", "unit"],
        properties: {
          obis: { type: "string" },
          name: { type: "string" },
          value: { type: ["number", "string"] },
          unit: { type: ["string", "null"] },
        },
      },
    },
    issues: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "string" }, message: { type: "string" } },
      },
    },
    summary: {
      type: "object",
      required: ["protocol", "encrypted", "systemTitle", "manufacturer", "layout"],
      properties: {
        protocol: { type: ["string", "null"] },
        encrypted: { type: "boolean" },
        systemTitle: { type: ["string", "null"] },
        manufacturer: { type: ["string", "null"] },
        layout: { type: ["string", "null"] },
      },
    },
  },
} as const;

interface InspectBody {
  hex: string;
  key?: string;
  auth_key?: string;
}

const nullableString = { type: ["string", "null"] } as const;
const SETUP_SCHEMA = {
  type: "object",
  required: [
    "bytesPerSecond",
    "framing",
    "serialFormat",
    "baudRate",
    "encrypted",
    "systemTitle",
    "manufacturer",
    "layout",
    "lastFrameAt",
    "advice",
  ],
  properties: {
    bytesPerSecond: { type: "number" },
    framing: { ...nullableString, description: "hdlc, mbus, iec62056-21, p1, noise or nothing" },
    serialFormat: { ...nullableString, description: "data bits, parity, stop bits: 8E1" },
    baudRate: { type: ["integer", "null"] },
    encrypted: { type: ["boolean", "null"] },
    systemTitle: nullableString,
    manufacturer: nullableString,
    layout: nullableString,
    lastFrameAt: nullableString,
    advice: {
      type: "array",
      items: {
        type: "object",
        required: ["level", "code", "text"],
        properties: {
          level: { type: "string", enum: ["ok", "warn", "error"] },
          code: { type: "string" },
          text: { type: "string" },
        },
      },
    },
  },
} as const;

export function toolRoutes(app: FastifyInstance, context: ApiContext): void {
  const { live } = context;

  app.get<{ Querystring: { meter?: string } }>(
    "/api/setup",
    {
      schema: {
        summary: "What the meter line carries now, and in plain words what to do next",
        querystring: { type: "object", additionalProperties: false, properties: { meter: METER_QUERY } },
        response: { 200: SETUP_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      // About the line (connection), which may carry no identified meter yet: that is what needs setting up.
      const named = request.query.meter;
      const configured = named === undefined ? live.soleConnection() : live.configuredOf(named);
      const connection = configured === undefined ? undefined : live.connections.get(configured);
      if (configured === undefined || connection === undefined) {
        if (named === undefined && live.connections.size > 1)
          throw new ApiError(400, "invalid-parameter", "meter: required with several meter lines");
        throw new ApiError(
          404,
          "unknown-meter",
          named === undefined ? "no meter line yet" : `no meter line for ${named}`,
        );
      }
      const frames = live.frames
        .newest(live.frames.capacity)
        .filter((frame) => frame.meter === configured)
        .reverse()
        .map((frame) => ({ at: frame.at, raw: new Uint8Array(Buffer.from(frame.hex, "hex")) }));
      const report = setupReport({
        now: context.now(),
        watchingSince: connection.since,
        link: connection.link,
        linkReason: connection.linkReason,
        line: connection.diagnostics?.line ?? null,
        traffic: connection.traffic.length > 0 ? connection.traffic : null,
        frames,
        issues: connection.issues.map(({ at, issue }) => ({ at, issue })),
        diagnostics: connection.diagnostics,
        latest: connection.decoded && {
          at: connection.decoded.receivedAt,
          snapshot: connection.decoded.snapshot,
        },
        keys: context.meterKeys.reveal().get(configured) ?? {},
      });
      return {
        ...report,
        lastFrameAt: report.lastFrameAt === null ? null : context.zone.formatIso(report.lastFrameAt),
      };
    },
  );

  app.post<{ Body: InspectBody }>(
    "/api/inspect",
    {
      schema: {
        summary: "Cut captured bytes into labelled layers and decode them, with keys for this request only",
        body: {
          type: "object",
          required: ["hex"],
          additionalProperties: false,
          properties: {
            hex: {
              type: "string",
              minLength: 2,
              description: "the bytes as hex; spaces, line breaks and colons are ignored",
            },
            key: { ...KEY, description: "encryption key, 32 hex digits" },
            auth_key: { ...KEY, description: "authentication key, 32 hex digits" },
          },
        },
        response: { 200: INSPECT_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { hex, key, auth_key: authKey } = request.body;
      return inspectFrame(bytesOf(hex), {
        ...(key === undefined ? {} : { encryptionKey: Buffer.from(key, "hex") }),
        ...(authKey === undefined ? {} : { authenticationKey: Buffer.from(authKey, "hex") }),
      });
    },
  );
}

/** Hex as people paste it: "7E A0 8B", "7e:a0:8b", several lines. */
function bytesOf(hex: string): Uint8Array {
  const digits = hex.replace(/[\s:]|0x/gi, "");
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(digits))
    throw new ApiError(400, "invalid-parameter", "hex: expected pairs of hexadecimal digits (0-9, A-F)");
  return new Uint8Array(Buffer.from(digits, "hex"));
}
