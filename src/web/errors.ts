/**
 * The API's one error shape, `{"error": {"code", "message"}}` with a matching HTTP status, for the
 * routes' own refusals (ApiError), for fastify's input validation (ajv) and for unknown paths.
 * Messages are plain sentences for people; nothing from a request body is ever echoed into them,
 * since a body may carry a key (/api/inspect).
 */
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { Logger } from "../logging/logger.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" } },
    },
  },
} as const;

/** Every route's non-2xx answers, for the OpenAPI document. */
export const ERROR_RESPONSES = { "4xx": ERROR_SCHEMA, "5xx": ERROR_SCHEMA } as const;

/** RFC 9110 §15 reason phrases as kebab-case codes, for errors fastify raises itself (413, 415 …). */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "bad-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  406: "not-acceptable",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "too-many-requests",
  503: "unavailable",
};

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send({ error: { code, message } });
}

export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error.status, error.code, error.message);
    if (error.validation) {
      // ajv's own wording ("querystring/limit must be <= 500") names the parameter, never a body value.
      return sendError(
        reply,
        400,
        "invalid-parameter",
        `${error.validationContext ?? "request"}: ${ajvText(error)}`,
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, status, CODE_BY_STATUS[status] ?? "bad-request", error.message);
    }
    logger.error(
      `web: ${request.method} ${request.routeOptions.url ?? "(no route)"} failed: ${error.message}`,
    );
    return sendError(
      reply,
      500,
      "internal-error",
      "the server could not answer this request; the log says why",
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, "not-found", `nothing at ${request.method} ${request.url.split("?")[0]}`),
  );
}

function ajvText(error: FastifyError): string {
  return (error.validation ?? [])
    .map((item) => `${item.instancePath.replace(/^\//, "") || "value"} ${item.message ?? "is invalid"}`)
    .join("; ");
}
