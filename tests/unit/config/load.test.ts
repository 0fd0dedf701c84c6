import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeLoadFailure, type LoadOptionsRequest, loadOptions } from "../../../src/config/load.js";

const KEY = "000102030405060708090a0b0c0d0e0f";
let folder: string;
/** Never a file named config.*: the Supervisor would take its folder for an add-on. */
let missingAddonFile: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "e450-config-"));
  missingAddonFile = join(folder, "absent-options.json");
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, text);
  return file;
}

async function load(request: LoadOptionsRequest) {
  return loadOptions({ addonOptionsFile: missingAddonFile, ...request });
}

describe("loadOptions", () => {
  it("reads the built-in virtual meter when nothing is configured, printing instead of publishing", async () => {
    const result = await load({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options).toMatchObject({
      source: { kind: "embedded" },
      meters: [
        {
          id: "meter",
          name: null,
          connection: { kind: "virtual" },
          protocol: "auto",
          layout: "auto",
          scalerOverrides: new Map(),
        },
      ],
      mqtt: { kind: "none" },
      discoveryPrefix: "homeassistant",
      baseTopic: "e450",
      publishIntervalSeconds: 10,
      offlineAfterMissedPushes: 3,
      maxPowerW: 17250,
      logLevel: "info",
      dataDir: resolve(".data"),
    });
  });

  it("reads a YAML file with the add-on's option names", async () => {
    const file = await write(
      "e450-options.yaml",
      `meter:
  connection: serial
  serial_device: /dev/ttyUSB0
  baud_rate: 2400
  serial_format: 8E1
  encryption_key: ${KEY}
scaler_overrides:
  - obis: 1-0:32.7.0
    scaler: -1
mqtt:
  host: broker.local
  username: e450
  password: pw
  tls: true
max_power_kw: 27.6
`,
    );
    const result = await load({ configFile: file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { options } = result;
    expect(options.source).toEqual({ kind: "file", file });
    expect(options.meters[0]?.connection).toEqual({
      kind: "serial",
      device: "/dev/ttyUSB0",
      baudRate: 2400,
      serialFormat: "8E1",
    });
    expect(options.meters[0]?.encryptionKey?.reveal()).toEqual(Uint8Array.from({ length: 16 }, (_, i) => i));
    expect(options.meters[0]?.authenticationKey).toBeUndefined();
    expect([...(options.meters[0]?.scalerOverrides ?? [])]).toEqual([["1-0:32.7.0.255", -1]]);
    expect(options.mqtt.kind === "broker" && options.mqtt.broker).toMatchObject({
      host: "broker.local",
      port: 8883,
      tls: { insecure: false },
      username: "e450",
    });
    expect(options.mqtt.kind === "broker" && options.mqtt.broker.password?.reveal()).toBe("pw");
    expect(options.maxPowerW).toBe(27600);
  });

  it("reads a JSON file the same way", async () => {
    const file = await write(
      "e450-options.json",
      JSON.stringify({ meter: { connection: "tcp", tcp_host: "10.0.0.5", tcp_port: 8000 } }),
    );
    const result = await load({ configFile: file });
    expect(result.ok && result.options.meters[0]?.connection).toEqual({
      kind: "tcp",
      host: "10.0.0.5",
      port: 8000,
    });
  });

  it("reads the Supervisor's options file inside the add-on, asks the Supervisor for MQTT and keeps state in /data", async () => {
    const file = await write(
      "supervisor-options.json",
      JSON.stringify({ meter: { connection: "virtual" }, mqtt: { tls_insecure: true } }),
    );
    const result = await loadOptions({ addonOptionsFile: file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options.source).toEqual({ kind: "addon", file });
    expect(result.options.mqtt).toEqual({ kind: "supervisor", tls: { insecure: true } });
    expect(result.options.dataDir).toBe("/data");
  });

  it("lets --mqtt and --data-dir override the file", async () => {
    const file = await write(
      "override.yaml",
      "meter:\n  connection: virtual\nmqtt:\n  host: ignored\n  ca_file: /ssl/ca.pem\n",
    );
    const result = await load({ configFile: file, mqttUrl: "mqtts://u:p@127.0.0.1:8884", dataDir: "state" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options.mqtt.kind === "broker" && result.options.mqtt.broker).toMatchObject({
      host: "127.0.0.1",
      port: 8884,
      tls: { caFile: "/ssl/ca.pem", insecure: false },
      username: "u",
    });
    expect(result.options.dataDir).toBe(resolve("state"));
  });

  it("reports the file's problems and a bad --mqtt together", async () => {
    const file = await write("two-problems.yaml", "meter:\n  connection: virtual\nlog_level: chatty\n");
    const result = await load({ configFile: file, mqttUrl: "http://broker" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path)).toEqual(["--mqtt", "log_level"]);
    expect(describeLoadFailure(result)).toBe(
      `The configuration in ${file} has 2 problems:\n` +
        `  - --mqtt: expected mqtt://[user[:password]@]host[:port] or mqtts://…, got "http://broker" (the scheme http:// is not supported)\n` +
        `  - log_level: expected one of "trace", "debug", "info", "notice", "warning", "error", "fatal", got "chatty"`,
    );
  });

  it.each([
    ["a missing file", "does-not-exist.yaml", null, /^cannot read .*does-not-exist\.yaml: no such file$/],
    [
      "broken YAML",
      "broken.yaml",
      "meter:\n  connection: [serial\n",
      /broken\.yaml: not valid YAML at line \d+, column \d+ \(\w+\)$/,
    ],
    [
      "a duplicate key",
      "duplicate.yaml",
      "log_level: info\nlog_level: debug\n",
      /duplicate\.yaml: not valid YAML at line 2, column 1 \(DUPLICATE_KEY\)$/,
    ],
    ["broken JSON", "broken.json", "{meter:", /broken\.json: not valid JSON \(/],
    [
      "a list at the top",
      "list.yaml",
      "- meter\n",
      /list\.yaml: expected options as name: value pairs at the top level$/,
    ],
  ])("names --config for %s", async (_case, name, text, message) => {
    const file = text === null ? join(folder, name) : await write(name, text);
    const result = await load({ configFile: file });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ path: "--config", message: expect.stringMatching(message) }]);
  });

  const CONNECTION_REQUIRED = {
    path: "meter.connection",
    message:
      'required: "serial" with meter.serial_device, "tcp" with meter.tcp_host and meter.tcp_port, ' +
      'or "virtual" for the built-in simulated meter (its readings are made up)',
  };

  it.each([
    ["an empty file", "no-meter-empty.yaml", ""],
    ["an empty document", "no-meter-braces.yaml", "{}\n"],
    ["meter: null", "no-meter-null.yaml", "meter: null\n"],
    ["meter: ~", "no-meter-tilde.yaml", "meter: ~\n"],
    ["an empty meter group", "no-meter-empty-group.yaml", "meter:\n"],
    ["meter: null in JSON", "no-meter-null.json", '{"meter": null}'],
    ["a meter without a connection", "no-connection.yaml", "meter:\n  baud_rate: 2400\n  layout: auto\n"],
  ])("never reads the virtual meter from a file that does not ask for it: %s", async (_case, name, text) => {
    const file = await write(name, text);
    const result = await load({ configFile: file });
    expect(result.ok ? result.options.meters[0]?.connection : result.problems).toEqual([CONNECTION_REQUIRED]);
  });

  it("never reads the virtual meter from the add-on's options when they do not ask for it", async () => {
    const file = await write(
      "supervisor-untouched.json",
      JSON.stringify({ meter: { protocol: "auto" }, mqtt: {} }),
    );
    const result = await loadOptions({ addonOptionsFile: file });
    expect(result.ok ? result.options.meters[0]?.connection : result.problems).toEqual([CONNECTION_REQUIRED]);
  });

  it("takes a serial device as a serial connection, and a bridge host as a TCP one", async () => {
    const serial = await write(
      "implied-serial.yaml",
      'meter:\n  serial_device: /dev/ttyUSB7\n  baud_rate: "2400"\n',
    );
    expect((await load({ configFile: serial })).ok && (await load({ configFile: serial }))).toMatchObject({
      options: { meters: [{ connection: { kind: "serial", device: "/dev/ttyUSB7", baudRate: 2400 } }] },
    });
    const tcp = await write("implied-tcp.yaml", "meter:\n  tcp_host: 192.168.1.20\n  tcp_port: 4059\n");
    expect(await load({ configFile: tcp })).toMatchObject({
      ok: true,
      options: { meters: [{ connection: { kind: "tcp", host: "192.168.1.20", port: 4059 } }] },
    });
  });

  it.each([
    ["steiermark", "obis-pairs"],
    ["scaler-unit", "obis-pairs"],
    ["swiss-push-list", "push-object-list"],
    ["burgenland-short", "burgenland-short"],
  ])("hands the layout %s to the decoder as %s", async (layout, decoderName) => {
    const file = await write(`layout-${layout}.yaml`, `meter:\n  connection: virtual\n  layout: ${layout}\n`);
    const result = await load({ configFile: file });
    expect(result.ok && result.options.meters[0]?.layout).toBe(decoderName);
  });

  it("reads the virtual meter from a file that asks for it", async () => {
    const file = await write("asks-virtual.yaml", "meter:\n  connection: virtual\n");
    const result = await load({ configFile: file });
    expect(result.ok && result.options.meters[0]?.connection).toEqual({ kind: "virtual" });
  });

  it.each([
    ["YAML", "numeric-host.yaml", "meter:\n  tcp_host: 12\n  tcp_port: 4059\n"],
    ["JSON", "numeric-host.json", '{"meter": {"tcp_host": 12, "tcp_port": 4059}}'],
  ])("refuses a bare number as the bridge host (%s)", async (_case, name, text) => {
    const file = await write(name, text);
    const result = await load({ configFile: file });
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: "meter.tcp_host",
        message:
          'expected a host name or IP address such as 192.168.1.20, without a scheme (mqtt://) or a port, got "12"',
      },
    ]);
  });
});

describe("loadOptions: the broker password outside the command line", () => {
  async function brokerOf(request: LoadOptionsRequest) {
    const result = await load(request);
    if (!result.ok) throw new Error(describeLoadFailure(result));
    if (result.options.mqtt.kind !== "broker") throw new Error(`no broker: ${result.options.mqtt.kind}`);
    const { broker } = result.options.mqtt;
    return { ...broker, password: broker.password?.reveal() };
  }

  it("takes the password of the user in --mqtt from --mqtt-password-file, without its line ending", async () => {
    const file = await write("mqtt-password", "Sec/Ret7x@#?\n");
    expect(await brokerOf({ mqttUrl: "mqtt://e450@127.0.0.1", mqttPasswordFile: file })).toMatchObject({
      host: "127.0.0.1",
      username: "e450",
      password: "Sec/Ret7x@#?",
    });
  });

  it("names E450_MQTT_URL when the URL from the environment is wrong", async () => {
    const result = await load({ mqttUrl: "http://broker", mqttUrlFrom: "E450_MQTT_URL" });
    expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toEqual(["E450_MQTT_URL"]);
  });

  it.each([
    ["no broker URL", {}, "only together with --mqtt or E450_MQTT_URL"],
    ["no user name", { mqttUrl: "mqtt://127.0.0.1" }, "needs a user name in the URL of --mqtt"],
    [
      "a password in the URL too",
      { mqttUrl: "mqtt://u:p@127.0.0.1" },
      "the URL of --mqtt holds a password too",
    ],
  ])("refuses --mqtt-password-file with %s", async (_case, request, message) => {
    const file = await write("mqtt-password-refused", "hunter2-hunter2\n");
    const result = await load({ ...request, mqttPasswordFile: file });
    expect(result.ok ? [] : result.problems).toEqual([
      { path: "--mqtt-password-file", message: expect.stringContaining(message) },
    ]);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  it.each([
    ["a missing file", null, /^cannot read .*absent-password: no such file$/],
    ["an empty file", "\n", /is empty; expected the password on its one line$/],
    ["two lines", "hunter2-hunter2\nsecond\n", /has more than one line; expected the password alone$/],
  ])("refuses %s as the password file, without echoing it", async (_case, text, message) => {
    const file = text === null ? join(folder, "absent-password") : await write("password-bad", text);
    const result = await load({ mqttUrl: "mqtt://u@127.0.0.1", mqttPasswordFile: file });
    expect(result.ok ? [] : result.problems).toEqual([
      { path: "--mqtt-password-file", message: expect.stringMatching(message) },
    ]);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });
});
