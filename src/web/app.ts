/**
 * The fastify application: who may ask (access.ts), the routes with their JSON schemas (from which
 * @fastify/swagger writes /api/openapi.json), the error shape, and the panel's files. Built without
 * listening, so tests drive it with `inject`. fastify's own logger is off: it would log requests,
 * and a request to /api/inspect carries keys; failures are logged by the error handler instead.
 */
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { installAccess, type WebAccess } from "./access.js";
import type { ApiContext } from "./context.js";
import { installErrorHandlers } from "./errors.js";
import { installPanel } from "./panel.js";
import { buildingRoutes } from "./routes/building.js";
import { diagnosticsRoutes } from "./routes/diagnostics.js";
import { historyRoutes } from "./routes/history.js";
import { liveRoutes } from "./routes/live.js";
import { streamRoutes } from "./routes/stream.js";
import { toolRoutes } from "./routes/tools.js";

export interface AppSettings {
  readonly access: WebAccess;
  readonly panelDir: string;
}

/** A pasted capture is a few kB of hex; a megabyte is room for a long recording and no more. */
const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildApp(settings: AppSettings, context: ApiContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  installErrorHandlers(app, context.logger);
  await installAccess(app, settings.access);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "e450 API",
        version: context.version,
        description:
          "Live values, history, costs, forecasts, anomalies and frame inspection of Landis+Gyr E450 meters. " +
          'Errors answer {"error": {"code", "message"}}.',
      },
    },
  });
  liveRoutes(app, context);
  historyRoutes(app, context);
  buildingRoutes(app, context);
  diagnosticsRoutes(app, context);
  toolRoutes(app, context);
  streamRoutes(app, context);
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await installPanel(app, settings.panelDir);
  return app;
}
