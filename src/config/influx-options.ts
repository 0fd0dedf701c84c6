/**
 * The `influxdb:` options group: its schema (mirrored key for key by config.yaml), the rules between
 * its keys, and the step to InfluxOptions. A group with a `url` turns forwarding on (unless
 * `enabled: false`); every other key is optional, with the defaults below applied when resolving, as
 * the Supervisor leaves unset optional options out of options.json.
 */
import { MEASUREMENTS, type Measurement } from "../sinks/influx/schema.js";
import type { InfluxOptions } from "../sinks/influx/settings.js";
import { Secret } from "../util/secret.js";
import type { ConfigProblem } from "./problems.js";
import { URL_PATTERN } from "./tariff-schema.js";

const name = { type: "string", minLength: 1 } as const;
const secret = { type: "string", writeOnly: true, minLength: 1 } as const;

export const influxOptionsSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    enabled: { type: "boolean" },
    url: {
      type: "string",
      pattern: URL_PATTERN,
      "x-expected": "an address such as http://a0d7b954-influxdb:8086",
    },
    version: { type: "integer", minimum: 1, maximum: 2 },
    database: name,
    retention_policy: name,
    username: name,
    password: secret,
    create_database: { type: "boolean" },
    org: name,
    bucket: name,
    token: secret,
    precision: { type: "string", enum: ["s", "ms"] },
    ca_file: name,
    tls_insecure: { type: "boolean" },
    gzip: { type: "boolean" },
    // Empty: every measurement. A list the Supervisor requires present, so its default is [].
    measurements: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", enum: [...MEASUREMENTS] },
      default: [],
    },
    totals_interval: { type: "integer", minimum: 0, maximum: 3600 },
    power_interval: { type: "integer", minimum: 0, maximum: 3600 },
    batch_size: { type: "integer", minimum: 100, maximum: 50000 },
    flush_interval: { type: "integer", minimum: 1, maximum: 60 },
    max_queue_mb: { type: "integer", minimum: 1, maximum: 100000 },
    max_queue_days: { type: "integer", minimum: 1, maximum: 3650 },
  },
} as const;

export interface RawInfluxOptions {
  enabled?: boolean;
  url?: string;
  version?: 1 | 2;
  database?: string;
  retention_policy?: string;
  username?: string;
  password?: string;
  create_database?: boolean;
  org?: string;
  bucket?: string;
  token?: string;
  precision?: "s" | "ms";
  ca_file?: string;
  tls_insecure?: boolean;
  gzip?: boolean;
  measurements: Measurement[];
  totals_interval?: number;
  power_interval?: number;
  batch_size?: number;
  flush_interval?: number;
  max_queue_mb?: number;
  max_queue_days?: number;
}

const V1_KEYS = ["database", "retention_policy", "username", "password", "create_database"] as const;
const V2_KEYS = ["org", "bucket", "token"] as const;

/** Which keys each version needs, and that the other version's keys are not mixed in. */
export function checkInfluxOptions(document: unknown): ConfigProblem[] {
  const group = (document as { influxdb?: unknown } | null)?.influxdb as
    | Partial<RawInfluxOptions>
    | undefined;
  if (typeof group !== "object" || group === null) return [];
  const set = (key: string) => (group as Record<string, unknown>)[key] !== undefined;
  const problems: ConfigProblem[] = [];
  const configured = [...V1_KEYS, ...V2_KEYS].filter(set);
  if (!set("url")) {
    if (configured.length > 0) {
      problems.push({
        path: "influxdb.url",
        message: `required with influxdb.${configured[0]}: the server's address, such as http://a0d7b954-influxdb:8086`,
      });
    }
    return problems;
  }
  const version = group.version ?? 1;
  const [own, other] = version === 1 ? [V1_KEYS, V2_KEYS] : [V2_KEYS, V1_KEYS];
  for (const key of other.filter(set)) {
    problems.push({
      path: `influxdb.${key}`,
      message: `not for InfluxDB ${version}: version ${version} takes ${own
        .filter((k) => k !== "create_database" && k !== "retention_policy")
        .map((k) => `influxdb.${k}`)
        .join(", ")}`,
    });
  }
  const required = version === 1 ? (["database"] as const) : (["org", "bucket", "token"] as const);
  for (const key of required.filter((k) => !set(k))) {
    problems.push({
      path: `influxdb.${key}`,
      message: `required for InfluxDB ${version} (influxdb.version: ${version})`,
    });
  }
  if (version === 1 && set("username") !== set("password")) {
    const missing = set("username") ? "password" : "username";
    problems.push({
      path: `influxdb.${missing}`,
      message: "required: influxdb.username and influxdb.password go together",
    });
  }
  return problems;
}

const MB = 1_000_000;
const DAY_MS = 86_400_000;

/** null: forwarding off (no url, or enabled: false). The rules above guarantee each version's keys. */
export function influxFromOptions(raw: RawInfluxOptions): InfluxOptions | null {
  if (raw.url === undefined || raw.enabled === false) return null;
  const version = raw.version ?? 1;
  return {
    url: raw.url,
    target:
      version === 1
        ? {
            version: 1,
            database: raw.database ?? "",
            ...(raw.retention_policy === undefined ? {} : { retentionPolicy: raw.retention_policy }),
            ...(raw.username === undefined ? {} : { username: raw.username }),
            ...(raw.password === undefined ? {} : { password: new Secret(raw.password) }),
            createDatabase: raw.create_database === true,
          }
        : { version: 2, org: raw.org ?? "", bucket: raw.bucket ?? "", token: new Secret(raw.token ?? "") },
    tls: {
      ...(raw.ca_file === undefined ? {} : { caFile: raw.ca_file }),
      insecure: raw.tls_insecure === true,
    },
    gzip: raw.gzip ?? true,
    precision: raw.precision ?? "s",
    measurements: new Set(raw.measurements.length > 0 ? raw.measurements : MEASUREMENTS),
    totalsIntervalSeconds: raw.totals_interval ?? 0,
    fastIntervalSeconds: raw.power_interval ?? 10,
    batchLines: raw.batch_size ?? 5000,
    flushMs: (raw.flush_interval ?? 1) * 1000,
    maxQueueBytes: (raw.max_queue_mb ?? 500) * MB,
    maxQueueAgeMs: (raw.max_queue_days ?? 30) * DAY_MS,
  };
}
