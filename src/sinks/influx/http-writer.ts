/**
 * One write request to InfluxDB, and what its answer means for the lines in it. Written on node:http
 * rather than @influxdata/influxdb-client: the client keeps its own in-memory retry buffer and decides
 * itself when a batch is given up, where the forwarder must decide per answer whether lines stay
 * queued, are split, or are parked (queue.ts); it also has no v1 /write with a database.
 *
 * Endpoints: v1 `POST /write?db=&rp=&precision=ns` with HTTP basic auth (docs.influxdata.com/influxdb/
 * v1/tools/api/#write-http-endpoint); v2 `POST /api/v2/write?org=&bucket=&precision=ns` with
 * `Authorization: Token` (docs.influxdata.com/influxdb/v2/api/#operation/PostWrite). InfluxDB 3 takes
 * both (its compatibility endpoints).
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { InfluxOptions } from "./settings.js";

const gzip = promisify(gzipCallback);

/** Longest a write may take before it counts as a timeout (and is retried). */
const REQUEST_TIMEOUT_MS = 15_000;
/** The most of an error body kept for the message. */
const MAX_ERROR_BODY = 2_000;

export type WriteOutcome =
  | { readonly kind: "written" }
  /** The server is away or busy (connection error, timeout, 5xx, 429): keep the lines, try again. */
  | { readonly kind: "unreachable"; readonly reason: string; readonly retryAfterMs?: number }
  /** The server refused the configuration (credentials, database, bucket): keep the lines, say which option. */
  | { readonly kind: "refused"; readonly status: number; readonly reason: string }
  /** The server refused something in these lines (400, 413, 422): split them to find it. */
  | { readonly kind: "rejected"; readonly status: number; readonly reason: string };

export interface WriteEndpoint {
  write(lines: readonly string[]): Promise<WriteOutcome>;
  /** v1 with create_database: CREATE DATABASE, which succeeds when it exists; null when not asked. */
  ensureDatabase(): Promise<WriteOutcome> | null;
  /** For log lines: the URL without credentials. */
  readonly description: string;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | undefined;
}

export class HttpWriteEndpoint implements WriteEndpoint {
  readonly description: string;
  private readonly base: URL;

  constructor(
    private readonly options: InfluxOptions,
    private readonly ca: Buffer | undefined,
  ) {
    this.base = new URL(options.url);
    this.base.username = "";
    this.base.password = "";
    const target = options.target;
    this.description =
      target.version === 1
        ? `InfluxDB 1 at ${this.base.origin}${this.basePath()} (database ${target.database})`
        : `InfluxDB 2 at ${this.base.origin}${this.basePath()} (bucket ${target.bucket})`;
  }

  async write(lines: readonly string[]): Promise<WriteOutcome> {
    const target = this.options.target;
    const query: Record<string, string> =
      target.version === 1
        ? {
            db: target.database,
            ...(target.retentionPolicy ? { rp: target.retentionPolicy } : {}),
            precision: "ns",
          }
        : { org: target.org, bucket: target.bucket, precision: "ns" };
    const path = target.version === 1 ? "/write" : "/api/v2/write";
    let body: Buffer = Buffer.from(lines.join("\n"));
    const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
    if (this.options.gzip) {
      body = await gzip(body);
      headers["Content-Encoding"] = "gzip";
    }
    return this.classify(await this.send(path, query, body, headers));
  }

  ensureDatabase(): Promise<WriteOutcome> | null {
    const target = this.options.target;
    if (target.version !== 1 || !target.createDatabase) return null;
    const statement = `CREATE DATABASE "${target.database.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    const body = Buffer.from(new URLSearchParams({ q: statement }).toString());
    return this.send("/query", {}, body, { "Content-Type": "application/x-www-form-urlencoded" }).then(
      (answer) => this.classify(answer),
      (error: Error) => ({ kind: "unreachable", reason: error.message }) as const,
    );
  }

  private basePath(): string {
    return this.base.pathname.replace(/\/+$/, "");
  }

  private authorization(): string | undefined {
    const target = this.options.target;
    if (target.version === 2) return `Token ${target.token.reveal()}`;
    if (target.username === undefined) return undefined;
    const password = target.password?.reveal() ?? "";
    return `Basic ${Buffer.from(`${target.username}:${password}`).toString("base64")}`;
  }

  private send(
    path: string,
    query: Record<string, string>,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<Answer | Error> {
    const url = new URL(`${this.basePath()}${path}`, this.base.origin);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const authorization = this.authorization();
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: {
            ...headers,
            "Content-Length": String(body.length),
            ...(authorization ? { Authorization: authorization } : {}),
          },
          timeout: REQUEST_TIMEOUT_MS,
          ...(url.protocol === "https:"
            ? { ...(this.ca ? { ca: this.ca } : {}), rejectUnauthorized: !this.options.tls.insecure }
            : {}),
        },
        (response) => collect(response).then(resolve, resolve),
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on("error", (error) => resolve(error));
      req.end(body);
    });
  }

  private classify(answer: Answer | Error): WriteOutcome {
    if (answer instanceof Error) {
      const code = (answer as NodeJS.ErrnoException).code;
      return { kind: "unreachable", reason: `cannot reach ${this.description}: ${code ?? answer.message}` };
    }
    const { status } = answer;
    if (status >= 200 && status < 300) {
      // InfluxDB 1 answers a failed statement of /query with 200 and an error in the body.
      const error = serverMessage(answer.body);
      return error && /"error"/.test(answer.body)
        ? { kind: "refused", status, reason: error }
        : { kind: "written" };
    }
    const message = serverMessage(answer.body) || `HTTP ${status}`;
    if (status === 429 || status >= 500) {
      const seconds = Number(answer.retryAfter);
      return {
        kind: "unreachable",
        reason: `${this.description} answered ${status}: ${message}`,
        ...(Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
      };
    }
    if (status === 401 || status === 403 || status === 404) {
      return {
        kind: "refused",
        status,
        reason: `${this.description} answered ${status}: ${message}. ${this.advice(status, message)}`,
      };
    }
    return { kind: "rejected", status, reason: message };
  }

  /** What to change, naming the option (ARCHITECTURE §7). */
  private advice(status: number, message: string): string {
    const target = this.options.target;
    if (target.version === 2) {
      return status === 404
        ? "Check influxdb.org and influxdb.bucket: the bucket must exist"
        : "Check influxdb.token: it must be allowed to write to the bucket";
    }
    if (status === 404 && /retention policy/i.test(message)) return "Check influxdb.retention_policy";
    if (status === 404) {
      return `Create the database (CREATE DATABASE "${target.database}") or set influxdb.create_database: true`;
    }
    if (status === 403) return `Check that influxdb.username may write to "${target.database}" (GRANT WRITE)`;
    return target.username === undefined
      ? "The server asks for a login: set influxdb.username and influxdb.password"
      : "Check influxdb.username and influxdb.password";
  }
}

function collect(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      if (body.length < MAX_ERROR_BODY) body += chunk;
    });
    response.on("end", () =>
      resolve({
        status: response.statusCode ?? 0,
        body: body.slice(0, MAX_ERROR_BODY),
        retryAfter: response.headers["retry-after"],
      }),
    );
    response.on("error", reject);
  });
}

/** The reason in an error body: v1 `{"error": …}`, v2 `{"code": …, "message": …}`, else the text. */
function serverMessage(body: string): string {
  const trimmed = body.trim();
  if (trimmed === "") return "";
  try {
    const parsed = JSON.parse(trimmed) as {
      error?: unknown;
      message?: unknown;
      results?: { error?: unknown }[];
    };
    const fromResults = parsed.results?.find((result) => typeof result.error === "string")?.error;
    const reason = parsed.error ?? parsed.message ?? fromResults;
    if (typeof reason === "string") return reason;
  } catch {
    // Not JSON: a proxy's page or plain text.
  }
  return trimmed.replace(/\s+/g, " ");
}
