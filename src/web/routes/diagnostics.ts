/**
 * The runtime's counters per connection, the store's size, the InfluxDB forwarder's queue, and the
 * integrity guard's reset.
 */
import { statSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { MeterEvents } from "../../bus/events.js";
import type { ZonedCalendar } from "../../time/zoned.js";
import { type ApiContext, knownMeters, METER_QUERY, pickMeter } from "../context.js";
import { ApiError, ERROR_RESPONSES } from "../errors.js";

const COUNTS = { type: "object", additionalProperties: { type: "integer" } } as const;

const FORWARDER_SCHEMA = {
  description:
    "the InfluxDB forwarder's latest report (every 10 s); null when InfluxDB is not configured, and in the first 10 s after start",
  anyOf: [
    {
      type: "object",
      required: [
        "queuedLines",
        "queuedBytes",
        "oldestQueuedAt",
        "writtenLines",
        "deadLetters",
        "droppedLines",
        "lastError",
        "lastWriteAt",
        "reportedAt",
      ],
      properties: {
        queuedLines: { type: "integer", description: "lines waiting in the queue on disk" },
        queuedBytes: { type: "integer" },
        oldestQueuedAt: {
          type: ["string", "null"],
          description: "when the oldest waiting line was queued; null when the queue is empty",
        },
        writtenLines: { type: "integer", description: "lines InfluxDB acknowledged since start" },
        deadLetters: { type: "integer", description: "lines InfluxDB refused, parked for good" },
        droppedLines: { type: "integer", description: "lines dropped since start at the queue's cap" },
        lastError: {
          type: ["string", "null"],
          description: "why the latest write failed; null once a write succeeded again",
        },
        lastWriteAt: { type: ["string", "null"], description: "the latest acknowledged write" },
        reportedAt: { type: "string" },
      },
    },
    { type: "null" },
  ],
} as const;

const DIAGNOSTICS_SCHEMA = {
  type: "object",
  required: ["meters", "store", "forwarder", "version", "uptimeSeconds"],
  properties: {
    meters: {
      type: "array",
      items: {
        type: "object",
        required: [
          "meter",
          "link",
          "bytesReceived",
          "framesReceived",
          "framesRejected",
          "lostFrames",
          "decryptionFailures",
          "lastFrameAt",
          "totalsHeldBack",
          "readingsRejected",
          "stateWriteFailures",
          "lastStateError",
          "line",
          "clockOffsetSeconds",
        ],
        properties: {
          meter: { type: "string" },
          link: { type: "string" },
          bytesReceived: { type: "integer", description: "bytes the line carried, framed or not" },
          framesReceived: { type: "integer" },
          framesRejected: { ...COUNTS, description: "by reason code" },
          lostFrames: { type: "integer" },
          decryptionFailures: { type: "integer" },
          lastFrameAt: { type: ["string", "null"] },
          totalsHeldBack: { type: "integer", description: "energy totals the integrity guard held back" },
          readingsRejected: { ...COUNTS, description: "impossible instantaneous values, by kind" },
          stateWriteFailures: { type: "integer" },
          lastStateError: { type: ["string", "null"] },
          clockOffsetSeconds: {
            type: ["integer", "null"],
            description:
              "the meter's clock minus this host's at the latest push, in s; minutes mean a wrong host clock or zone",
          },
          line: {
            description: "the serial settings the line is set to; null off a serial port",
            anyOf: [
              {
                type: "object",
                required: ["format", "hunting"],
                properties: {
                  format: {
                    type: "object",
                    required: ["baudRate", "dataBits", "parity", "stopBits"],
                    properties: {
                      baudRate: { type: "integer" },
                      dataBits: { type: "integer" },
                      parity: { type: "string", enum: ["none", "even", "odd"] },
                      stopBits: { type: "integer" },
                    },
                  },
                  hunting: { type: "boolean", description: "still trying line settings in turn" },
                },
              },
              { type: "null" },
            ],
          },
        },
      },
    },
    store: {
      anyOf: [
        {
          type: "object",
          required: ["file", "bytes", "intervals"],
          properties: {
            file: { type: "string" },
            bytes: { type: "integer" },
            intervals: { type: "integer" },
          },
        },
        { type: "null" },
      ],
    },
    forwarder: FORWARDER_SCHEMA,
    version: { type: "string" },
    uptimeSeconds: { type: "integer" },
  },
} as const;

export function diagnosticsRoutes(app: FastifyInstance, context: ApiContext): void {
  const { live, zone } = context;

  app.get(
    "/api/diagnostics",
    {
      schema: {
        summary: "Counters of every connection, the history store's size and the InfluxDB queue",
        response: { 200: DIAGNOSTICS_SCHEMA, ...ERROR_RESPONSES },
      },
    },
    async () => ({
      meters: [...live.connections]
        .filter(([, connection]) => connection.diagnostics !== null)
        .map(([configured, connection]) => {
          const d = connection.diagnostics!;
          return {
            ...d,
            meter: live.keyOf(configured),
            link: connection.link,
            lastFrameAt: d.lastFrameAt === null ? null : zone.formatIso(d.lastFrameAt),
          };
        }),
      store: storeFacts(context),
      forwarder: live.forwarder && forwarderFacts(live.forwarder, zone),
      version: context.version,
      uptimeSeconds: Math.floor((context.now() - context.startedAt) / 1000),
    }),
  );

  app.post<{ Body: { confirm: true }; Querystring: { meter?: string } }>(
    "/api/diagnostics/reset-guard",
    {
      schema: {
        summary: "Start the integrity guard afresh for a meter (after its registers were reset)",
        querystring: { type: "object", additionalProperties: false, properties: { meter: METER_QUERY } },
        body: {
          type: "object",
          required: ["confirm"],
          properties: { confirm: { const: true, description: "true: the user confirmed" } },
        },
        response: {
          200: { type: "object", required: ["reset"], properties: { reset: { type: "string" } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const meter = pickMeter(context, request.query.meter);
      if (context.resetGuard === null)
        throw new ApiError(
          503,
          "unavailable",
          "this service cannot reset the guard while it runs; use the reset_integrity_guard option",
        );
      try {
        await context.resetGuard(meter);
      } catch (error) {
        throw new ApiError(409, "nothing-to-reset", (error as Error).message);
      }
      context.logger.warn(`integrity guard of meter ${meter} reset from the web panel`);
      return { reset: meter };
    },
  );
}

/** The file's size with its write-ahead log, and the intervals of every meter. */
function storeFacts(context: ApiContext) {
  const { store, storeFile } = context;
  if (store === null || storeFile === null) return null;
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  let intervals = 0;
  for (const meter of knownMeters(context)) {
    const span = store.intervalSpan(meter);
    if (span) intervals += store.intervals(meter, span.firstMs, span.lastMs).length;
  }
  return { file: storeFile, bytes: size(storeFile) + size(`${storeFile}-wal`), intervals };
}

/**
 * The status with its times in the API's ISO form. It holds counts, times and the latest error, which
 * names the server by its URL without credentials (sinks/influx/http-writer.ts `description`).
 */
function forwarderFacts({ status, at }: MeterEvents["forwarder"], zone: ZonedCalendar) {
  const iso = (ms: number | null) => (ms === null ? null : zone.formatIso(ms));
  return {
    queuedLines: status.queuedLines,
    queuedBytes: status.queuedBytes,
    oldestQueuedAt: iso(status.oldestQueuedMs),
    writtenLines: status.writtenLines,
    deadLetters: status.deadLetters,
    droppedLines: status.droppedLines,
    lastError: status.lastError,
    lastWriteAt: iso(status.lastWriteMs),
    reportedAt: zone.formatIso(at),
  };
}
