/** Every rule of the option schema produces a problem that names the option and says what was expected. */
import { describe, expect, it } from "vitest";
import { validateOptions } from "../../../src/config/validate.js";

const KEY = "000102030405060708090a0b0c0d0e0f";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function problemsOf(document: unknown) {
  const result = validateOptions(document);
  return result.ok ? [] : result.problems;
}

describe("validateOptions: one rule, one named problem", () => {
  it.each([
    [
      "unknown top-level option",
      { log_levle: "debug" },
      "log_levle",
      "unknown option (the options here are: meter, meters, scaler_overrides",
    ],
    [
      "unknown meter option",
      { meter: { encrytion_key: KEY } },
      "meter.encrytion_key",
      "unknown option (the options here are: connection, serial_device",
    ],
    [
      "connection not in the list",
      { meter: { connection: "usb" } },
      "meter.connection",
      'expected one of "serial", "tcp", "virtual", got "usb"',
    ],
    [
      "no connection and nothing that implies one",
      { meter: { protocol: "auto", baud_rate: "2400" } },
      "meter.connection",
      'required: "serial" with meter.serial_device, "tcp" with meter.tcp_host and meter.tcp_port, or "virtual" for the built-in simulated meter (its readings are made up)',
    ],
    ["no meter group at all", {}, "meter.connection", 'required: "serial" with meter.serial_device'],
    [
      "both a serial device and a bridge host, without a connection",
      { meter: { serial_device: "/dev/ttyUSB0", tcp_host: "bridge", tcp_port: 1 } },
      "meter.connection",
      'required when both meter.serial_device and meter.tcp_host are set: "serial" or "tcp"',
    ],
    [
      "a bridge host implies tcp, which needs a port",
      { meter: { tcp_host: "bridge" } },
      "meter.tcp_port",
      'required when meter.connection is "tcp" (implied by meter.tcp_host)',
    ],
    [
      "tcp host a bare number",
      { meter: { connection: "tcp", tcp_host: 12, tcp_port: 1 } },
      "meter.tcp_host",
      'expected a host name or IP address such as 192.168.1.20, without a scheme (mqtt://) or a port, got "12"',
    ],
    [
      "tcp host a shortened IPv4 address",
      { meter: { connection: "tcp", tcp_host: "10.1.2", tcp_port: 1 } },
      "meter.tcp_host",
      "expected a host name or IP address such as 192.168.1.20",
    ],
    [
      "mqtt host a bare number",
      { mqtt: { host: "1883" } },
      "mqtt.host",
      "expected a host name or IP address such as 192.168.1.20",
    ],
    [
      "integrity guard reset not a date",
      { reset_integrity_guard: "yes" },
      "reset_integrity_guard",
      'expected a date written YYYY-MM-DD, such as 2026-11-20, got "yes"',
    ],
    [
      "integrity guard reset on a day that does not exist",
      { reset_integrity_guard: "2026-02-30" },
      "reset_integrity_guard",
      'expected a date that exists, written YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      "serial without a device",
      { meter: { connection: "serial" } },
      "meter.serial_device",
      'required when meter.connection is "serial"',
    ],
    [
      "tcp without host",
      { meter: { connection: "tcp", tcp_port: 8000 } },
      "meter.tcp_host",
      'required when meter.connection is "tcp"',
    ],
    [
      "tcp without port",
      { meter: { connection: "tcp", tcp_host: "bridge" } },
      "meter.tcp_port",
      'required when meter.connection is "tcp"',
    ],
    [
      "tcp host with a scheme",
      { meter: { connection: "tcp", tcp_host: "tcp://bridge", tcp_port: 1 } },
      "meter.tcp_host",
      "expected a host name or IP address such as 192.168.1.20, without a scheme (mqtt://) or a port",
    ],
    [
      "tcp port out of range",
      { meter: { connection: "tcp", tcp_host: "bridge", tcp_port: 70000 } },
      "meter.tcp_port",
      "expected a whole number from 1 to 65535, got 70000",
    ],
    [
      "protocol not in the list",
      { meter: { protocol: "dsmr" } },
      "meter.protocol",
      'expected one of "auto", "hdlc-dlms", "mbus-dlms", "iec62056-21", "p1", got "dsmr"',
    ],
    [
      "baud rate not in the list",
      { meter: { baud_rate: 1234 } },
      "meter.baud_rate",
      'expected one of "auto", "300", "600", "1200", "2400", "4800", "9600", "19200", "115200", got "1234"',
    ],
    [
      "serial format not in the list",
      { meter: { serial_format: "8O1" } },
      "meter.serial_format",
      'expected one of "auto", "8N1", "8E1", "7E1", got "8O1"',
    ],
    [
      "layout not in the list",
      { meter: { layout: "vienna" } },
      "meter.layout",
      'expected one of "auto", "push-object-list", "obis-pairs", "burgenland", "burgenland-short", "wiener-netze"',
    ],
    [
      "short encryption key",
      { meter: { encryption_key: KEY.slice(2) } },
      "meter.encryption_key",
      "expected 32 hexadecimal digits (16 bytes), got 30 characters",
    ],
    [
      "authentication key not hex",
      { meter: { encryption_key: KEY, authentication_key: `${KEY.slice(1)}g` } },
      "meter.authentication_key",
      "expected 32 hexadecimal digits (16 bytes), got 32 characters, including characters that are not hexadecimal digits",
    ],
    [
      "authentication key alone",
      { meter: { authentication_key: KEY } },
      "meter.authentication_key",
      "only allowed together with meter.encryption_key",
    ],
    [
      "scaler override not a list",
      { scaler_overrides: { obis: "1-0:1.8.0", scaler: 1 } },
      "scaler_overrides",
      "expected a list, got a group of options",
    ],
    [
      "scaler override without scaler",
      { scaler_overrides: [{ obis: "1-0:1.8.0" }] },
      "scaler_overrides[0].scaler",
      "required",
    ],
    [
      "scaler override with a reduced code",
      { scaler_overrides: [{ obis: "1.8.0", scaler: 1 }] },
      "scaler_overrides[0].obis",
      'expected a full OBIS code such as "1-0:31.7.0", got "1.8.0"',
    ],
    [
      "scaler override group above 255",
      { scaler_overrides: [{ obis: "1-0:1.8.0.256", scaler: 1 }] },
      "scaler_overrides[0].obis",
      'expected every group of the OBIS code to be from 0 to 255, got "1-0:1.8.0.256"',
    ],
    [
      "scaler out of range",
      { scaler_overrides: [{ obis: "1-0:1.8.0", scaler: 12 }] },
      "scaler_overrides[0].scaler",
      "expected a whole number from -9 to 9, got 12",
    ],
    [
      "scaler not a whole number",
      { scaler_overrides: [{ obis: "1-0:1.8.0", scaler: 0.5 }] },
      "scaler_overrides[0].scaler",
      "expected a whole number from -9 to 9, got 0.5",
    ],
    [
      "register overridden twice",
      {
        scaler_overrides: [
          { obis: "1-0:32.7.0", scaler: -1 },
          { obis: "1-0:32.7.0.255", scaler: 0 },
        ],
      },
      "scaler_overrides[1].obis",
      "expected each register once, but 1-0:32.7.0.255 is already set by scaler_overrides[0]",
    ],
    [
      "unknown field in a scaler override",
      { scaler_overrides: [{ obis: "1-0:1.8.0", scaler: 1, unit: "V" }] },
      "scaler_overrides[0].unit",
      "unknown option (the options here are: obis, scaler)",
    ],
    [
      "mqtt host with a port",
      { mqtt: { host: "broker:1883" } },
      "mqtt.host",
      'expected a host name or IP address such as 192.168.1.20, without a scheme (mqtt://) or a port, got "broker:1883"',
    ],
    ["mqtt port without host", { mqtt: { port: 1883 } }, "mqtt.port", "only allowed together with mqtt.host"],
    [
      "mqtt username without host",
      { mqtt: { username: "e450" } },
      "mqtt.username",
      "only allowed together with mqtt.host",
    ],
    [
      "mqtt password without username",
      { mqtt: { host: "broker", password: "pw" } },
      "mqtt.password",
      "only allowed together with mqtt.username",
    ],
    [
      "mqtt tls not a boolean",
      { mqtt: { host: "broker", tls: "sometimes" } },
      "mqtt.tls",
      'expected true or false, got "sometimes"',
    ],
    [
      "mqtt not a group",
      { mqtt: "mqtt://broker" },
      "mqtt",
      'expected a group of options (name: value), got "mqtt://broker"',
    ],
    [
      "discovery prefix with a wildcard",
      { discovery_prefix: "homeassistant/#" },
      "discovery_prefix",
      'expected a topic without wildcards (+ #), spaces, or a leading or trailing /, got "homeassistant/#"',
    ],
    [
      "base topic with a trailing slash",
      { base_topic: "e450/" },
      "base_topic",
      'expected a topic without wildcards (+ #), spaces, or a leading or trailing /, got "e450/"',
    ],
    [
      "publish interval zero",
      { publish_interval: 0 },
      "publish_interval",
      "expected a whole number from 1 to 3600, got 0",
    ],
    [
      "availability timeout of one push",
      { offline_after_missed_pushes: 1 },
      "offline_after_missed_pushes",
      "expected a whole number from 2 to 100, got 1",
    ],
    [
      "max power not a number",
      { max_power_kw: "17 kW" },
      "max_power_kw",
      'expected a number from 1 to 1000, got "17 kW"',
    ],
    [
      "log level not in the list",
      { log_level: "verbose" },
      "log_level",
      'expected one of "trace", "debug", "info", "notice", "warning", "error", "fatal", got "verbose"',
    ],
    ["options not a group", ["meter"], "(options)", "expected a group of options (name: value), got a list"],
  ])("%s", (_rule, document, path, message) => {
    // Messages are compared from their start; a few rows leave out a long tail (the list of known options).
    expect(problemsOf(document)).toContainEqual({
      path,
      message: expect.stringMatching(new RegExp(`^${escapeRegExp(message)}`)),
    });
  });

  it("reports every problem of a document at once", () => {
    const problems = problemsOf({
      meter: { connection: "serial", encryption_key: "abc" },
      scaler_overrides: [{ obis: "x", scaler: 1 }],
      log_level: "loud",
      publish_interval: -5,
    });
    expect(problems.map((problem) => problem.path).sort()).toEqual([
      "log_level",
      "meter.encryption_key",
      "meter.serial_device",
      "publish_interval",
      "scaler_overrides[0].obis",
    ]);
  });

  it("coerces scalars as the Supervisor does, and treats empty values as not set", () => {
    const result = validateOptions({
      meter: { connection: "tcp", tcp_host: "bridge", tcp_port: "8000", baud_rate: 2400, encryption_key: "" },
      mqtt: { host: null, tls: "true" },
      publish_interval: "30",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options.meter).toMatchObject({ tcp_port: 8000, baud_rate: "2400" });
    expect(result.options.meter).not.toHaveProperty("encryption_key");
    expect(result.options.mqtt).toEqual({ tls: true });
    expect(result.options.publish_interval).toBe(30);
  });

  it("accepts a complete, valid document unchanged", () => {
    const document = {
      meter: {
        connection: "serial",
        serial_device: "/dev/ttyUSB0",
        protocol: "hdlc-dlms",
        baud_rate: "9600",
        serial_format: "8N1",
        layout: "wiener-netze",
        encryption_key: KEY,
        authentication_key: KEY.toUpperCase(),
      },
      meters: [],
      scaler_overrides: [{ obis: "1-0:32.7.0", scaler: -1 }],
      mqtt: {
        host: "fd00::1",
        port: 8883,
        username: "e450",
        password: "pw",
        tls: true,
        ca_file: "/ssl/ca.pem",
        tls_insecure: false,
      },
      discovery_prefix: "homeassistant",
      base_topic: "home/e450",
      publish_interval: 5,
      offline_after_missed_pushes: 4,
      max_power_kw: 27.6,
      log_level: "debug",
      tariff: {
        currency: "CHF",
        import_price: 0.24,
        time_of_use: [{ name: "high", price: 0.31, weekdays: "mon-fri", hours: "06-12, 18-24" }],
        capacity: { steps: [] },
      },
      analytics: { forecast: false, anomalies: true, anomaly_sensitivity: "high", sample_retention_days: 90 },
      homeassistant: { url: "http://homeassistant.local:8123", token: "abcdef" },
      http: { password: "correct horse" },
      influxdb: {
        url: "http://a0d7b954-influxdb:8086",
        version: 1,
        database: "homeassistant",
        retention_policy: "autogen",
        username: "e450",
        password: "secret",
        create_database: false,
        precision: "ms",
        gzip: false,
        measurements: ["energy", "power"],
        totals_interval: 60,
        power_interval: 0,
        batch_size: 1000,
        flush_interval: 2,
        max_queue_mb: 100,
        max_queue_days: 7,
      },
    };
    expect(validateOptions(document)).toEqual({ ok: true, options: document });
  });

  it("takes the connection from a serial device or a bridge host", () => {
    const serial = validateOptions({ meter: { serial_device: "/dev/ttyUSB7", baud_rate: "2400" } });
    expect(serial.ok && serial.options.meter).toMatchObject({
      connection: "serial",
      serial_device: "/dev/ttyUSB7",
    });
    const tcp = validateOptions({ meter: { tcp_host: "10.0.0.5", tcp_port: 8000 } });
    expect(tcp.ok && tcp.options.meter).toMatchObject({ connection: "tcp", tcp_host: "10.0.0.5" });
  });

  it.each(["bridge", "e450-bridge.local", "10.0.0.5", "fd00::1", "2001:db8::1", "12abc"])(
    "accepts the host %s",
    (host) => {
      expect(validateOptions({ meter: { tcp_host: host, tcp_port: 1 }, mqtt: { host } }).ok).toBe(true);
    },
  );

  it.each([
    "push-object-list",
    "obis-pairs",
    "burgenland-short",
    "swiss-push-list",
    "steiermark",
    "scaler-unit",
  ])("accepts the layout name %s", (layout) => {
    expect(validateOptions({ meter: { connection: "virtual", layout } }).ok).toBe(true);
  });

  it("never changes the caller's object", () => {
    const document = { meter: { connection: "virtual" } };
    validateOptions(document);
    expect(document).toEqual({ meter: { connection: "virtual" } });
  });
});
