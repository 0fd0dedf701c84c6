/**
 * A stand-in for an InfluxDB v2 server's write API, for the tests: no InfluxDB 2 can be installed
 * here, so this local node:http server answers `POST /api/v2/write` as the v2 documentation describes
 * it, and keeps what it accepted in memory for the tests to read.
 *
 * Sources (docs.influxdata.com):
 * - influxdb/v2/api/write-data/ (PostWrite): query `org` (name or ID) or `orgID`, `bucket`,
 *   `precision` ns|us|ms|s (default ns); `Authorization: Token <token>`; `Content-Encoding: gzip`;
 *   OSS writes synchronously.
 * - influxdb/v2/write-data/troubleshoot/: 204 all written; 400 malformed line protocol, the body names
 *   the first malformed line, nothing written; 401 token missing, malformed or not allowed to write;
 *   404 organization or bucket not found, naming it; 413 body too large, nothing written; 422 some
 *   points rejected (e.g. a field type conflict), the others ingested and queryable; 500.
 * - influxdb/v2/api/response-codes/: 429 rate limit exceeded, 503 overloaded or under maintenance;
 *   the write API reference has both carry Retry-After (seconds to wait).
 * - influxdb/v2/reference/syntax/line-protocol/: escaping and field value types.
 * The docs do not spell the error bodies out; they are `{"code", "message"}` with the codes and texts
 * InfluxDB 2.x sends (`unauthorized access`, `bucket "x" not found`, `failure writing points to
 * database: partial write: field type conflict: …`), as its clients and telegraf's logs quote them.
 * harness.test.ts checks the parsing and the conflict message against a real InfluxDB 1.6.
 *
 * Where it is simpler than the real server: one organization and one bucket; field types are kept
 * per measurement and field (InfluxDB keeps them per shard, i.e. per time range); no body size limit
 * (413) and no rate limit (429); `setDown(true)` answers every request 503 with `Retry-After: 1`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

type FieldType = "float" | "integer" | "unsigned" | "string" | "boolean";

/** A float is a number, an integer or unsigned a bigint (exact), as line protocol typed it. */
type FieldValue = number | bigint | string | boolean;

export interface StoredPoint {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly types: Readonly<Record<string, FieldType>>;
  /** Nanoseconds since the epoch. */
  readonly timestamp: bigint;
}

interface StandInConfig {
  readonly org: string;
  readonly bucket: string;
  readonly token: string;
}

const NS_PER: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
]);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...["t", "T", "true", "True", "TRUE"].map((text) => [text, true] as const),
  ...["f", "F", "false", "False", "FALSE"].map((text) => [text, false] as const),
]);

class ParseError extends Error {}

/** The parts of one line: measurement, tags, fields and timestamp text, unescaped. */
interface ParsedLine {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, FieldValue>;
  readonly types: Record<string, FieldType>;
  readonly timestamp: string | undefined;
}

/**
 * Reads `text` from `start` up to one of `stops` that is not escaped by a backslash; a backslash
 * before one of `escapable` stands for that character, before anything else it is kept as it is.
 */
function readUntil(text: string, start: number, stops: string, escapable: string): [string, number] {
  let value = "";
  let at = start;
  while (at < text.length && !stops.includes(text[at]!)) {
    if (text[at] === "\\" && at + 1 < text.length && escapable.includes(text[at + 1]!)) {
      value += text[at + 1];
      at += 2;
    } else {
      value += text[at];
      at += 1;
    }
  }
  return [value, at];
}

function fieldValue(raw: string): [FieldValue, FieldType] {
  const boolean = BOOLEANS.get(raw);
  if (boolean !== undefined) return [boolean, "boolean"];
  const integer = /^([-+]?\d+)([iu])$/.exec(raw);
  if (integer) {
    const value = BigInt(integer[1]!);
    if (integer[2] === "i") {
      if (value > INT64_MAX || value < -INT64_MAX - 1n) throw new ParseError("value out of range");
      return [value, "integer"];
    }
    if (value < 0n || value > UINT64_MAX) throw new ParseError("value out of range");
    return [value, "unsigned"];
  }
  if (FLOAT.test(raw)) return [Number(raw), "float"];
  throw new ParseError(`invalid field format`);
}

/** One line of line protocol (docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/). */
function parseLine(line: string): ParsedLine {
  // Measurement: commas and spaces escaped.
  const [measurement, afterMeasurement] = readUntil(line, 0, ", ", ", ");
  let at = afterMeasurement;
  if (measurement === "") throw new ParseError("missing measurement");
  const tags: Record<string, string> = {};
  // Tag keys and values: commas, equals signs and spaces escaped.
  while (line[at] === ",") {
    const [key, afterKey] = readUntil(line, at + 1, ",= ", ",= ");
    if (key === "") throw new ParseError("missing tag key");
    if (line[afterKey] !== "=") throw new ParseError("missing tag value");
    const [value, afterValue] = readUntil(line, afterKey + 1, ", ", ",= ");
    if (value === "") throw new ParseError("missing tag value");
    tags[key] = value;
    at = afterValue;
  }
  if (line[at] !== " ") throw new ParseError("missing fields");
  while (line[at] === " ") at += 1;
  const fields: Record<string, FieldValue> = {};
  const types: Record<string, FieldType> = {};
  for (;;) {
    const [key, afterKey] = readUntil(line, at, ",= ", ",= ");
    if (key === "") throw new ParseError("missing fields");
    if (line[afterKey] !== "=") throw new ParseError("missing field value");
    at = afterKey + 1;
    if (line[at] === '"') {
      // A string field: quotes and backslashes escaped; commas, spaces and equals signs as they are.
      const [value, end] = readUntil(line, at + 1, '"', '"\\');
      if (line[end] !== '"') throw new ParseError("unbalanced quotes");
      fields[key] = value;
      types[key] = "string";
      at = end + 1;
    } else {
      const [raw, end] = readUntil(line, at, ", ", "");
      if (raw === "") throw new ParseError("missing field value");
      [fields[key], types[key]] = fieldValue(raw);
      at = end;
    }
    if (line[at] !== ",") break;
    at += 1;
  }
  while (line[at] === " ") at += 1;
  const timestamp = line.slice(at).trimEnd();
  if (timestamp !== "" && !/^-?\d+$/.test(timestamp)) throw new ParseError("bad timestamp");
  return { measurement, tags, fields, types, timestamp: timestamp === "" ? undefined : timestamp };
}

/** Splits a body into lines at newlines outside string field values (a string may hold a newline). */
function lines(body: string): string[] {
  const result: string[] = [];
  let start = 0;
  let quoted = false;
  let inFields = false;
  for (let at = 0; at <= body.length; at++) {
    const char = body[at];
    if (char === "\\") {
      at += 1;
    } else if (char === " " && !inFields) {
      inFields = true;
    } else if (char === '"' && inFields) {
      quoted = !quoted;
    } else if (char === undefined || (char === "\n" && !quoted)) {
      result.push(body.slice(start, at));
      start = at + 1;
      quoted = false;
      inFields = false;
    }
  }
  return result;
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

/** An error as InfluxDB 2.x sends it: `{"code", "message"}`, the code also in X-Platform-Error-Code. */
function failure(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  json(response, status, { code, message }, { "x-platform-error-code": code, ...headers });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

function seriesKey(measurement: string, tags: Readonly<Record<string, string>>, timestamp: bigint): string {
  const sorted = Object.keys(tags)
    .sort()
    .map((key) => `${key}=${tags[key]}`);
  return JSON.stringify([measurement, ...sorted, timestamp.toString()]);
}

export class InfluxV2StandIn {
  /** Write requests received, answered or not (also while down). */
  requests = 0;
  /** The organization's ID: 16 hex digits, as v2 IDs are. */
  readonly orgID = randomBytes(8).toString("hex");
  private readonly stored = new Map<string, StoredPoint>();
  /** The type each field got first, by measurement and field. */
  private readonly fieldTypes = new Map<string, FieldType>();
  private down = false;
  private readonly server: Server;

  private constructor(private readonly config: StandInConfig) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        failure(response, 500, "internal error", String(error));
      });
    });
  }

  static async start(config: StandInConfig): Promise<InfluxV2StandIn> {
    const standIn = new InfluxV2StandIn(config);
    await new Promise<void>((resolve, reject) => {
      standIn.server.once("error", reject);
      standIn.server.listen(0, "127.0.0.1", () => resolve());
    });
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The points stored, of one measurement or all, in the order they were first written. */
  points(measurement?: string): StoredPoint[] {
    return [...this.stored.values()].filter(
      (point) => measurement === undefined || point.measurement === measurement,
    );
  }

  /** While down, every request is answered 503 with Retry-After: 1 (an overloaded or restarting server). */
  setDown(down: boolean): void {
    this.down = down;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const body = await readBody(request);
    if (url.pathname === "/api/v2/write" && request.method === "POST") this.requests += 1;
    if (this.down) {
      failure(response, 503, "unavailable", "service unavailable", { "retry-after": "1" });
      return;
    }
    if (url.pathname === "/ping" && (request.method === "GET" || request.method === "HEAD")) {
      response.writeHead(204).end();
    } else if (url.pathname === "/health" && request.method === "GET") {
      json(response, 200, {
        name: "influxdb",
        message: "ready for queries and writes",
        status: "pass",
        checks: [],
        version: "stand-in",
      });
    } else if (url.pathname === "/api/v2/write" && request.method === "POST") {
      this.write(request, url.searchParams, body, response);
    } else {
      failure(response, 404, "not found", "path not found");
    }
  }

  private write(request: IncomingMessage, query: URLSearchParams, raw: Buffer, response: ServerResponse) {
    if (request.headers.authorization !== `Token ${this.config.token}`) {
      return failure(response, 401, "unauthorized", "unauthorized access");
    }
    const precision = query.get("precision") || "ns";
    const scale = NS_PER.get(precision);
    if (scale === undefined) {
      return failure(
        response,
        400,
        "invalid",
        "invalid precision; valid precision units are ns, us, ms, and s",
      );
    }
    const bucket = query.get("bucket");
    if (!bucket) return failure(response, 404, "not found", "bucket not found");
    let text: string;
    try {
      text = (request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
    } catch {
      return failure(response, 400, "invalid", "gzipped HTTP body contains an invalid header");
    }
    const org = query.get("org") ?? query.get("orgID");
    if (!org) return failure(response, 400, "invalid", "Please provide either orgID or org");
    if (org !== this.config.org && org !== this.orgID) {
      const message = query.get("org") ? `organization name "${org}" not found` : "organization not found";
      return failure(response, 404, "not found", message);
    }
    if (bucket !== this.config.bucket)
      return failure(response, 404, "not found", `bucket "${bucket}" not found`);

    // Every line is parsed before anything is stored: a malformed line rejects the whole request.
    const parsed: ParsedLine[] = [];
    for (const line of lines(text)) {
      if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
      try {
        parsed.push(parseLine(line.trimStart()));
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        return failure(response, 400, "invalid", `unable to parse '${line}': ${error.message}`);
      }
    }
    const now = BigInt(Date.now()) * 1_000_000n;
    const conflicts: string[] = [];
    for (const point of parsed) {
      const conflict = this.conflict(point);
      if (conflict) {
        conflicts.push(conflict);
        continue;
      }
      const timestamp = point.timestamp === undefined ? now : BigInt(point.timestamp) * scale;
      this.store({ ...point, timestamp });
    }
    if (conflicts.length > 0) {
      return failure(
        response,
        422,
        "unprocessable entity",
        `failure writing points to database: partial write: ${conflicts[0]} dropped=${conflicts.length}`,
      );
    }
    response.writeHead(204).end();
  }

  /** The first field whose type differs from the one stored for it, as InfluxDB words it. */
  private conflict(point: ParsedLine): string | undefined {
    for (const [field, type] of Object.entries(point.types)) {
      const existing = this.fieldTypes.get(JSON.stringify([point.measurement, field]));
      if (existing !== undefined && existing !== type) {
        return `field type conflict: input field "${field}" on measurement "${point.measurement}" is type ${type}, already exists as type ${existing}`;
      }
    }
    return undefined;
  }

  /** Stores a point; one with the same series and timestamp gets the new field values (an upsert). */
  private store(point: StoredPoint): void {
    for (const [field, type] of Object.entries(point.types)) {
      this.fieldTypes.set(JSON.stringify([point.measurement, field]), type);
    }
    const key = seriesKey(point.measurement, point.tags, point.timestamp);
    const existing = this.stored.get(key);
    this.stored.set(
      key,
      existing
        ? {
            ...point,
            fields: { ...existing.fields, ...point.fields },
            types: { ...existing.types, ...point.types },
          }
        : point,
    );
  }
}
