import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Logger } from "../../../src/logging/logger.js";
import { UNREACHABLE_REMINDER_MS } from "../../../src/sinks/mqtt/mqtt-connection.js";
import { MqttSink } from "../../../src/sinks/mqtt/mqtt-sink.js";
import type { MqttSinkOptions } from "../../../src/sinks/mqtt/options.js";
import { E450_PUSH, numberReading, pushWith } from "../../fixtures/mqtt/e450-snapshots.js";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import { BrokerLog } from "./broker-log.js";
import { buildChildSink } from "./child-sink.js";
import { Mosquitto, waitUntil } from "./mosquitto.js";
import { MeterEventSource } from "../../helpers/meter-events.js";

const METER = "4c475a670312d687";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("MQTT sink against a real Mosquitto", () => {
  let broker: Mosquitto;
  let dataDir: string;
  const cleanups: (() => Promise<void>)[] = [];
  let testNumber = 0;

  beforeAll(async () => {
    broker = await Mosquitto.start();
  });

  afterAll(async () => {
    await broker.stop();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Each test gets its own topics and data folder, so retained messages of one never meet another. */
  async function setUp(overrides: Partial<MqttSinkOptions> = {}) {
    testNumber += 1;
    dataDir = mkdtempSync(join(tmpdir(), "e450-sink-"));
    const base = `e450t${testNumber}`;
    const prefix = `ha${testNumber}`;
    const log = await BrokerLog.connect(broker.url);
    cleanups.push(() => log.close());
    const options: MqttSinkOptions = {
      host: "127.0.0.1",
      port: broker.port,
      baseTopic: base,
      discoveryPrefix: prefix,
      dataDir,
      softwareVersion: "0.1.0",
      timeZone: "Europe/Zurich",
      birthReplyMaxDelayMs: 100,
      reconnectInitialDelayMs: 100,
      reconnectMaxDelayMs: 400,
      ...overrides,
    };
    const newSink = (logger: Logger = quiet) => {
      const sink = new MqttSink(options, logger);
      cleanups.push(() => sink.stop());
      return sink;
    };
    const meters = new MeterEventSource();
    cleanups.push(async () => meters.stop());
    return { base, prefix, log, newSink, options, meters };
  }

  it("announces discovery Home Assistant accepts, retained, and the states arrive", async () => {
    const { base, prefix, log, newSink, meters } = await setUp();
    const sink = newSink();
    sink.start(meters.bus);
    await log.waitForPayload(`${base}/status`, "online");
    meters.push(E450_PUSH);
    await log.waitForPayload(`${base}/meter/${METER}/energy_import`, "12345.678");
    await log.waitForPayload(`${base}/meter/${METER}/status`, "online");
    expect(log.last(`${base}/meter/${METER}/power_net`)?.payload).toBe("1375");

    // A client that subscribes now, as Home Assistant does on start, gets the configs as retained messages.
    const late = await BrokerLog.connect(broker.url, `${prefix}/device/+/config`);
    cleanups.push(() => late.close());
    await late.waitFor((messages) => messages.length === 2, "both retained device configs");
    for (const message of late.messages) {
      expect(message.retain).toBe(true);
      expect(deviceDiscoveryProblems(prefix, message.topic, JSON.parse(message.payload))).toEqual([]);
    }
    expect(late.messages.map((message) => message.topic).sort()).toEqual([
      `${prefix}/device/e450_${METER}/config`,
      `${prefix}/device/e450_bridge_${base}/config`,
    ]);
  });

  it("republishes discovery and states when Home Assistant announces itself online", async () => {
    const { base, prefix, log, newSink, meters } = await setUp();
    const sink = newSink();
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    const config = `${prefix}/device/e450_${METER}/config`;
    await log.waitFor((messages) => messages.some((m) => m.topic === config), "the meter config");
    const before = log.messages.length;
    await log.client.publishAsync(`${prefix}/status`, "online");
    await log.waitFor((messages) => {
      const after = messages.slice(before).map((m) => m.topic);
      return after.includes(config) && after.includes(`${base}/meter/${METER}/energy_import`);
    }, "discovery and states again after the birth message");
  });

  it("resumes publishing after the broker is stopped and started again", async () => {
    const { base, prefix, log, newSink, meters } = await setUp();
    const sink = newSink();
    sink.start(meters.bus);
    meters.push(pushWith([numberReading("1-1:1.8.0", 1000, 0, "Wh")]));
    await log.waitForPayload(`${base}/meter/${METER}/energy_import`, "1.000");

    await broker.halt();
    meters.push(pushWith([numberReading("1-1:1.8.0", 2000, 0, "Wh")])); // while the broker is down
    await broker.resume();
    // The test's own client reconnects too, but its subscription went with the broker's state.
    const fresh = await BrokerLog.connect(broker.url);
    cleanups.push(() => fresh.close());
    await fresh.waitForPayload(`${base}/status`, "online", 10_000);
    await fresh.waitForPayload(`${base}/meter/${METER}/energy_import`, "2.000", 10_000);
    await fresh.waitFor(
      (m) => m.some((x) => x.topic === `${prefix}/device/e450_${METER}/config`),
      "config again",
    );
    meters.push(pushWith([numberReading("1-1:1.8.0", 3000, 0, "Wh")]));
    await fresh.waitForPayload(`${base}/meter/${METER}/energy_import`, "3.000");
  });

  it("while the broker is down says so periodically, and claims the announcement only once it is out", async () => {
    const { base, prefix, newSink, meters } = await setUp();
    const lines: string[] = [];
    const note = (message: string) => lines.push(message);
    await broker.halt();
    let resumed = false;
    cleanups.push(async () => {
      if (!resumed) await broker.resume(); // for the tests after this one
    });
    // Only the reminder's interval is fake: the sink's retries and mqtt.js's sockets stay real.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    cleanups.push(async () => {
      vi.useRealTimers();
    });
    const sink = newSink({ debug() {}, info: note, warn: note, error: note });
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    const url = `mqtt://127.0.0.1:${broker.port}`;
    await waitUntil(
      () => lines.some((line) => line.startsWith(`MQTT broker ${url} unreachable`)),
      5_000,
      "the outage",
    );
    expect(lines).toContain(`Meter ${METER} seen; will announce it when the broker is reachable`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few retries, 100 to 400 ms apart
    vi.advanceTimersByTime(UNREACHABLE_REMINDER_MS);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^MQTT broker ${url} still unreachable after \\d+ attempts in .+ \\(last error: ECONNREFUSED\\); readings are not being published$`,
      ),
    );
    expect(lines.some((line) => line.includes("announced to Home Assistant"))).toBe(false);

    vi.useRealTimers();
    await broker.resume();
    resumed = true;
    await waitUntil(
      () => lines.includes(`Meter ${METER} announced to Home Assistant`),
      10_000,
      "the announcement",
    );
    const retained = await BrokerLog.connect(broker.url, `${prefix}/device/e450_${METER}/config`);
    cleanups.push(() => retained.close());
    await retained.waitFor((m) => m.length > 0, "the retained meter config");
    const fresh = await BrokerLog.connect(broker.url, `${base}/meter/${METER}/energy_import`);
    cleanups.push(() => fresh.close());
    await fresh.waitFor((m) => m.length > 0, "the retained total");
  });

  it("the last will marks the add-on offline when its process is killed", async () => {
    const { log } = await setUp();
    const folder = buildChildSink();
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    const base = "e450child";
    const child = spawn(process.execPath, [join(folder, "child.mjs"), String(broker.port), base, dataDir], {
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    });
    await log.waitForPayload(`${base}/status`, "online", 10_000);
    child.kill("SIGKILL");
    await exited;
    await log.waitFor(
      (messages) => messages.at(-1)?.topic === `${base}/status` && messages.at(-1)?.payload === "offline",
      "the last will",
    );
    const retained = await BrokerLog.connect(broker.url, `${base}/status`);
    cleanups.push(() => retained.close());
    await retained.waitFor((m) => m.length > 0, "the retained status");
    expect(retained.messages[0]).toEqual({ topic: `${base}/status`, payload: "offline", retain: true });
  });

  it("removes entities that an earlier run announced and this one does not have", async () => {
    const { base, prefix, log, newSink, options, meters } = await setUp({ staleAfterMs: 300 });
    const config = `${prefix}/device/e450_${METER}/config`;
    const first = newSink();
    first.start(meters.bus);
    meters.push(
      pushWith([numberReading("1-1:1.8.0", 1000, 0, "Wh"), numberReading("1-0:32.7.0", 2301, -1, "V")]),
    );
    await log.waitForPayload(`${base}/meter/${METER}/voltage_l1`, "230.1");
    await first.stop();

    const second = new MqttSink(options, quiet);
    cleanups.push(() => second.stop());
    // A restart: a new run of the meter runtime too, which reports the meter online again.
    const restarted = new MeterEventSource();
    cleanups.push(async () => restarted.stop());
    second.start(restarted.bus);
    restarted.push(pushWith([numberReading("1-1:1.8.0", 1001, 0, "Wh")]));
    await log.waitForPayload(`${base}/meter/${METER}/voltage_l1`, "");
    const components = () => log.on(config).map((m) => JSON.parse(m.payload).components);
    // First announced as platform only (HA removes the entity), then left out.
    await log.waitFor(() => components().some((c) => !("voltage_l1" in c)), "the config without voltage_l1");
    expect(components().some((c) => JSON.stringify(c.voltage_l1) === '{"platform":"sensor"}')).toBe(true);
    expect(components().at(-1)).not.toHaveProperty("voltage_l1");
    const retained = await BrokerLog.retainedUnder(broker.url, `${base}/meter/${METER}`);
    expect(retained.map((m) => [m.topic, m.payload]).sort()).toEqual([
      [`${base}/meter/${METER}/energy_import`, "1.001"],
      [`${base}/meter/${METER}/status`, "online"],
    ]);
  });
});
