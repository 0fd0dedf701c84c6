/**
 * /api/stream: Server-Sent Events (WHATWG HTML §9.2) of snapshots, issues, link changes, analytics
 * states and counters. Written on the raw response: fastify's reply would end it after the handler.
 * A comment line every 15 s keeps proxies (Home Assistant's ingress among them) from closing an idle
 * connection and tells a client that the server is still there.
 */
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import { anomalyStateJson, forecastJson } from "../insights-json.js";
import type { LiveEvent } from "../live-state.js";
import { latestJson } from "../readings-json.js";

const PING_MS = 15_000;

export function streamRoutes(app: FastifyInstance, context: ApiContext): void {
  const open = new Set<ServerResponse>();
  // fastify's close waits for open connections; an event stream never ends by itself.
  app.addHook("preClose", async () => {
    for (const response of open) response.end();
  });

  app.get(
    "/api/stream",
    {
      schema: {
        summary:
          "Live events (text/event-stream): snapshot, issue, link, cost, forecast, anomalies, diagnostics",
        produces: ["text/event-stream"],
      },
    },
    (request, reply) => {
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        // no-transform: a compressing proxy would hold events back until its buffer fills.
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      response.write(": e450 live stream\n\n");
      open.add(response);
      const send = (name: string, data: unknown) => {
        if (!response.writableEnded) response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = context.live.subscribe((event) => {
        const message = messageOf(event, context);
        if (message) send(message.name, message.data);
      });
      // The latest state first, so a page that opens the stream has something to show at once.
      for (const meter of context.live.meters.values()) {
        if (meter.latest) send("snapshot", latestJson(meter.latest, context.zone, context.meterZone));
      }
      const ping = setInterval(() => {
        if (!response.writableEnded) response.write(": ping\n\n");
      }, PING_MS);
      const cleanUp = () => {
        clearInterval(ping);
        unsubscribe();
        open.delete(response);
      };
      request.raw.on("close", cleanUp);
      response.on("close", cleanUp);
      response.on("error", cleanUp);
    },
  );
}

function messageOf(event: LiveEvent, context: ApiContext): { name: string; data: unknown } | null {
  const { zone } = context;
  switch (event.kind) {
    case "snapshot":
      return { name: "snapshot", data: latestJson(event.event, zone, context.meterZone) };
    case "issue":
      return {
        name: "issue",
        data: {
          meter: event.meter,
          at: zone.formatIso(event.event.at),
          code: event.event.issue.code,
          message: event.event.issue.message,
        },
      };
    case "link":
      return { name: "link", data: { meter: event.meter, state: event.state } };
    case "cost":
      return { name: "cost", data: { meter: event.meter, ...event.state } };
    case "forecast":
      return { name: "forecast", data: { meter: event.meter, ...forecastJson(event.state, zone) } };
    case "anomalies":
      return { name: "anomalies", data: { meter: event.meter, ...anomalyStateJson(event.state, zone) } };
    case "diagnostics": {
      const connection = context.live.connections.get(event.configured);
      if (!connection?.diagnostics) return null;
      return {
        name: "diagnostics",
        data: {
          meter: context.live.keyOf(event.configured),
          link: connection.link,
          ...connection.diagnostics,
        },
      };
    }
  }
}
