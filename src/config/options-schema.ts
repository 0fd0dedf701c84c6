/**
 * The one option schema (JSON Schema draft-07, compiled by ajv). It mirrors the `schema:` of the
 * add-on's config.yaml key for key — tests/unit/addon/schema-mirror.test.ts derives one from the other
 * and compares — and adds what the Supervisor's schema language cannot say: defaults for a plain
 * program, and rules between options (if/then, dependencies).
 *
 * Annotations used by the error formatter (ajv-messages.ts):
 * - `x-expected`: the human phrase for what a pattern accepts;
 * - `writeOnly: true`: a secret (`password` in config.yaml), whose value is never echoed.
 */
import { LOG_LEVELS } from "../logging/logger.js";
import {
  BAUD_RATES,
  CONNECTIONS,
  LAYOUT_ALIASES,
  LAYOUT_NAMES,
  LAYOUTS,
  PROTOCOLS,
  SERIAL_FORMATS,
} from "./choices.js";
import { influxOptionsSchema } from "./influx-options.js";
import { analyticsOptionsSchema, homeAssistantOptionsSchema, tariffOptionsSchema } from "./tariff-schema.js";

/**
 * A host name, dotted IPv4 address or bare IPv6 address; rejects "mqtt://…" and "host:port" mistakes,
 * and a bare number such as 12 (or 1.2.3): no host name is all-numeric (RFC 1123 §2.1), and the
 * resolver would take it for a shortened IPv4 address (inet_aton, 12 → 0.0.0.12).
 */
const HOST_PATTERN = "^(?:(?![\\d.]+$)[^\\s/:@]+|\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)$";
const HOST_EXPECTED = "a host name or IP address such as 192.168.1.20, without a scheme (mqtt://) or a port";

/** An MQTT topic prefix: one or more levels, no wildcards (+ #), no empty level (MQTT 3.1.1 §4.7). */
const TOPIC_PATTERN = "^[^#+/\\s]+(?:/[^#+/\\s]+)*$";
const TOPIC_EXPECTED = "a topic without wildcards (+ #), spaces, or a leading or trailing /";

/** A calendar date, ISO 8601 extended format; rules.ts checks that the day exists. */
const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";
const DATE_EXPECTED = "a date written YYYY-MM-DD, such as 2026-11-20";

/** Keys as utilities hand them out: 16 bytes written as 32 hex digits (DLMS security suite 0, AES-128). */
const KEY_PATTERN = "^[0-9A-Fa-f]{32}$";
const KEY_EXPECTED = "32 hexadecimal digits (16 bytes)";

/** A DLMS system title: 8 bytes, the first three the maker's FLAG id ("LGZ" = 4C475A). */
const SYSTEM_TITLE_PATTERN = "^[0-9A-Fa-f]{16}$";
const SYSTEM_TITLE_EXPECTED = "16 hexadecimal digits, such as 4C475A6700123456";

/** A full OBIS code "A-B:C.D.E" with an optional ".F" or "*F"; each group ≤ 255 is checked in rules.ts. */
const OBIS_PATTERN = "^\\d{1,3}-\\d{1,3}:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}(?:[.*]\\d{1,3})?$";
const OBIS_EXPECTED = 'a full OBIS code such as "1-0:31.7.0"';

/**
 * The Supervisor validates each option on its own; which options a connection needs is said here.
 * `required` inside `if` keeps a missing connection from matching every branch.
 */
function requiredWhenConnection(group: string, connection: string, fields: readonly string[]) {
  return {
    if: { required: ["connection"], properties: { connection: { const: connection } } },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword (draft-07 §6.6.2).
    then: { required: fields, description: `when ${group}.connection is "${connection}"` },
  };
}

const port = { type: "integer", minimum: 1, maximum: 65535 } as const;

const quoted = (names: readonly string[]) => names.map((name) => JSON.stringify(name)).join(", ");
const LAYOUT_EXPECTED = `one of ${quoted(LAYOUT_NAMES)} (or an older name: ${quoted(Object.keys(LAYOUT_ALIASES))})`;

const meterProperties = {
  // No default: validate.ts takes it from serial_device or tcp_host, else asks for it, so that a
  // configuration never reads the made-up virtual meter unless it says so.
  connection: { type: "string", enum: [...CONNECTIONS] },
  serial_device: { type: "string", minLength: 1 },
  tcp_host: { type: "string", pattern: HOST_PATTERN, "x-expected": HOST_EXPECTED },
  tcp_port: port,
  protocol: { type: "string", enum: [...PROTOCOLS], default: "auto" },
  baud_rate: { type: "string", enum: [...BAUD_RATES], default: "auto" },
  serial_format: { type: "string", enum: [...SERIAL_FORMATS], default: "auto" },
  layout: { type: "string", enum: [...LAYOUTS], default: "auto", "x-expected": LAYOUT_EXPECTED },
  encryption_key: { type: "string", writeOnly: true, pattern: KEY_PATTERN, "x-expected": KEY_EXPECTED },
  authentication_key: { type: "string", writeOnly: true, pattern: KEY_PATTERN, "x-expected": KEY_EXPECTED },
} as const;

const meterRules = (group: string) =>
  ({
    allOf: [
      requiredWhenConnection(group, "serial", ["serial_device"]),
      requiredWhenConnection(group, "tcp", ["tcp_host", "tcp_port"]),
    ],
    // The authentication key only enters the GCM tag check (AAD = security control byte ‖ AK);
    // without the encryption key there is nothing to decrypt.
    dependencies: { authentication_key: ["encryption_key"] },
  }) as const;

const meterSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: meterProperties,
  ...meterRules("meter"),
} as const;

/**
 * One meter of several: the single meter's keys, plus the name its Home Assistant device gets (and
 * that `behind` refers to), the area suggested for it, and the meter it sits behind (a sub-meter).
 */
const meterItemSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 64 },
    area: { type: "string", minLength: 1 },
    behind: { type: "string", minLength: 1 },
    ...meterProperties,
    // Only where several meters push on one line (a wired M-Bus): which pushes are this meter's.
    system_title: { type: "string", pattern: SYSTEM_TITLE_PATTERN, "x-expected": SYSTEM_TITLE_EXPECTED },
    serial_number: { type: "string", minLength: 1 },
  },
  ...meterRules("meters[]"),
} as const;

const mqttSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    host: { type: "string", pattern: HOST_PATTERN, "x-expected": HOST_EXPECTED },
    port,
    username: { type: "string", minLength: 1 },
    password: { type: "string", writeOnly: true },
    tls: { type: "boolean" },
    ca_file: { type: "string", minLength: 1 },
    tls_insecure: { type: "boolean" },
  },
  // An empty group means "ask the Supervisor" (the Zigbee2MQTT pattern); anything that only makes
  // sense for a manual broker therefore needs mqtt.host.
  dependencies: { port: ["host"], username: ["host"], password: ["username"] },
} as const;

/**
 * The standalone web server's password (`e450 run --http` on an address other than loopback);
 * the add-on's panel is reached through Home Assistant's ingress, which has its own login.
 */
const httpOptionsSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    password: { type: "string", writeOnly: true, minLength: 1 },
    password_file: { type: "string", minLength: 1 },
  },
} as const;

const scalerOverrideSchema = {
  type: "object",
  additionalProperties: false,
  required: ["obis", "scaler"],
  properties: {
    obis: { type: "string", pattern: OBIS_PATTERN, "x-expected": OBIS_EXPECTED },
    // DLMS scaler_unit.scaler is an integer (A-XDR integer, −128…127); real registers use −3…3.
    scaler: { type: "integer", minimum: -9, maximum: 9 },
  },
} as const;

export const OPTIONS_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  properties: {
    meter: meterSchema,
    // Several meters, each its own Home Assistant device; empty: the single `meter` group.
    meters: { type: "array", items: meterItemSchema, default: [] },
    scaler_overrides: { type: "array", items: scalerOverrideSchema, default: [] },
    mqtt: mqttSchema,
    discovery_prefix: {
      type: "string",
      pattern: TOPIC_PATTERN,
      "x-expected": TOPIC_EXPECTED,
      default: "homeassistant",
    },
    base_topic: { type: "string", pattern: TOPIC_PATTERN, "x-expected": TOPIC_EXPECTED, default: "e450" },
    // The recorder keeps every state change; one every 1–5 s bloats its database
    // (home-assistant/core#81659; the DSMR integration got "time between updates" for it, PR #43057).
    publish_interval: { type: "integer", minimum: 1, maximum: 3600, default: 10 },
    offline_after_missed_pushes: { type: "integer", minimum: 2, maximum: 100, default: 3 },
    // 3 × 25 A × 230 V = 17.25 kW, the most common main fuse in CH/AT homes.
    max_power_kw: { type: "number", minimum: 1, maximum: 1000, default: 17.25 },
    log_level: { type: "string", enum: [...LOG_LEVELS], default: "info" },
    // A date rather than a switch: the reset happens once per new date (service/guard-reset.ts), so an
    // option left set cannot wipe the guard's protection again at every restart.
    reset_integrity_guard: { type: "string", pattern: DATE_PATTERN, "x-expected": DATE_EXPECTED },
    tariff: tariffOptionsSchema,
    analytics: analyticsOptionsSchema,
    homeassistant: homeAssistantOptionsSchema,
    http: httpOptionsSchema,
    influxdb: influxOptionsSchema,
  },
} as const;
