/**
 * The InfluxDB forwarder's entities against a real Mosquitto: announced on the bridge device only once
 * the forwarder reports, retained, valid for Home Assistant, with retained states and attributes; and
 * kept by a restarted sink's stale check when the forwarder reports again after the first snapshot.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ForwarderStatus } from "../../../src/model/forwarder-status.js";
import { MqttSink } from "../../../src/sinks/mqtt/mqtt-sink.js";
import type { MqttSinkOptions } from "../../../src/sinks/mqtt/options.js";
import { numberReading, pushWith } from "../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import { BrokerLog } from "./broker-log.js";
import { Mosquitto } from "./mosquitto.js";

const METER = "4c475a670312d687";
const FORWARDER_IDS = ["influxdb_queue", "influxdb_oldest", "influxdb_last_error"];
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const BACKLOG: ForwarderStatus = {
  queuedLines: 250,
  queuedBytes: 20_000,
  oldestQueuedMs: null,
  writtenLines: 0,
  deadLetters: 3,
  droppedLines: 0,
  lastError: "cannot reach InfluxDB 1 at http://127.0.0.1:9 (database e450): ECONNREFUSED",
  lastWriteMs: null,
};

describe("InfluxDB forwarder entities against a real Mosquitto", () => {
  let broker: Mosquitto;
  let dataDir: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dataDir = mkdtempSync(join(tmpdir(), "e450-forwarder-"));
  });

  afterAll(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("announces them with the first report, and a restart's stale check keeps them", async () => {
    const base = "e450f";
    const prefix = "haf";
    const bridgeConfig = `${prefix}/device/e450_bridge_${base}/config`;
    const options: MqttSinkOptions = {
      host: "127.0.0.1",
      port: broker.port,
      baseTopic: base,
      discoveryPrefix: prefix,
      dataDir,
      softwareVersion: "0.1.0",
      timeZone: "Europe/Zurich",
      staleAfterMs: 300,
    };
    const log = await BrokerLog.connect(broker.url);
    cleanups.push(() => log.close());
    const bridgeComponents = () =>
      log.on(bridgeConfig).map((m) => Object.keys(JSON.parse(m.payload).components));

    const first = new MeterEventSource();
    cleanups.push(async () => first.stop());
    const sink = new MqttSink(options, quiet);
    cleanups.push(() => sink.stop());
    sink.start(first.bus);
    first.push(
      pushWith([numberReading("1-1:1.8.0", 1000, 0, "Wh"), numberReading("1-0:32.7.0", 2301, -1, "V")]),
    );
    await log.waitForPayload(`${base}/meter/${METER}/voltage_l1`, "230.1");
    // Without InfluxDB the bridge has only the link diagnostics.
    expect(bridgeComponents().flat()).not.toContain("influxdb_queue");

    const at = Date.now();
    first.bus.emit("forwarder", { status: { ...BACKLOG, oldestQueuedMs: at - 42_000 }, at });
    await log.waitForPayload(`${base}/bridge/influxdb_last_error`, BACKLOG.lastError ?? "");
    expect(bridgeComponents().at(-1)).toEqual(expect.arrayContaining(FORWARDER_IDS));

    // What Home Assistant gets when it subscribes now: the bridge's config, retained and valid.
    const late = await BrokerLog.connect(broker.url, bridgeConfig);
    cleanups.push(() => late.close());
    await late.waitFor((messages) => messages.length === 1, "the retained bridge config");
    const config = late.messages[0];
    expect(config?.retain).toBe(true);
    const payload = JSON.parse(config?.payload ?? "{}");
    expect(deviceDiscoveryProblems(prefix, bridgeConfig, payload)).toEqual([]);
    expect(payload.device).toMatchObject({ name: "E450 reader" });
    expect(payload.availability).toEqual([{ topic: `${base}/status` }]);
    expect(payload.components).toMatchObject({
      influxdb_queue: {
        state_class: "measurement",
        unit_of_measurement: "lines",
        entity_category: "diagnostic",
        json_attributes_topic: `${base}/bridge/influxdb_queue/attributes`,
      },
      influxdb_oldest: { device_class: "duration", unit_of_measurement: "s", entity_category: "diagnostic" },
      influxdb_last_error: { platform: "sensor", entity_category: "diagnostic" },
    });

    const retained = async () =>
      new Map((await BrokerLog.retainedUnder(broker.url, `${base}/bridge`)).map((m) => [m.topic, m.payload]));
    const states = await retained();
    expect(states.get(`${base}/bridge/influxdb_queue`)).toBe("250");
    expect(states.get(`${base}/bridge/influxdb_oldest`)).toBe("42");
    expect(states.get(`${base}/bridge/influxdb_last_error`)).toBe(BACKLOG.lastError);
    const attributes = await BrokerLog.retainedUnder(broker.url, `${base}/bridge/influxdb_queue`);
    expect(attributes.map((m) => [m.topic, m.payload])).toEqual([
      [
        `${base}/bridge/influxdb_queue/attributes`,
        '{"queued_bytes":20000,"dead_letters":3,"dropped_lines":0}',
      ],
    ]);
    await sink.stop();
    first.stop();

    // A restart: the meter no longer sends voltage (stale), and the forwarder reports after the first
    // snapshot has armed the stale check.
    const second = new MeterEventSource();
    cleanups.push(async () => second.stop());
    const restarted = new MqttSink(options, quiet);
    cleanups.push(() => restarted.stop());
    const before = log.messages.length;
    restarted.start(second.bus);
    second.push(pushWith([numberReading("1-1:1.8.0", 1001, 0, "Wh")]));
    // Right after it, not after a broker round trip: the check is due 300 ms on, and this is about
    // order, not time (the 10 s of a real start are in the unit test, on fake timers).
    second.bus.emit("forwarder", { status: { ...BACKLOG, queuedLines: 0, lastError: null }, at: Date.now() });
    await log.waitForPayload(`${base}/bridge/influxdb_last_error`, "none");
    // The stale check has run once the voltage's retained state is cleared.
    await log.waitForPayload(`${base}/meter/${METER}/voltage_l1`, "");
    const sinceRestart = log.messages.slice(before);
    expect(sinceRestart.filter((m) => m.topic.includes("influxdb") && m.payload === "")).toEqual([]);
    for (const message of sinceRestart.filter((m) => m.topic === bridgeConfig)) {
      expect(Object.keys(JSON.parse(message.payload).components)).toEqual(
        expect.arrayContaining(FORWARDER_IDS),
      );
    }
    const after = await retained();
    expect(after.get(`${base}/bridge/influxdb_queue`)).toBe("0");
    expect(after.get(`${base}/bridge/influxdb_last_error`)).toBe("none");
  });
});
