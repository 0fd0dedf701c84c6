import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ForwarderStatus } from "../../../../src/model/forwarder-status.js";
import type { AnnouncedDevice } from "../../../../src/sinks/mqtt/announced-store.js";
import { MemoryAnnouncedStore } from "../../../../src/sinks/mqtt/announced-store.js";
import { BRIDGE_ENTITIES } from "../../../../src/sinks/mqtt/diagnostics.js";
import { bridgeDiscovery, type EntityComponent } from "../../../../src/sinks/mqtt/discovery.js";
import { FORWARDER_ENTITIES } from "../../../../src/sinks/mqtt/forwarder-entities.js";
import { MqttSink } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import { Topics } from "../../../../src/sinks/mqtt/topics.js";
import { E450_PUSH } from "../../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../../helpers/meter-events.js";
import { FakeConnection, SINK_OPTIONS, silentLogger } from "./fake-connection.js";

const BRIDGE_CONFIG = "homeassistant/device/e450_bridge_e450/config";
const FORWARDER_IDS = ["influxdb_queue", "influxdb_oldest", "influxdb_last_error"];
const STALE_AFTER_MS = SINK_OPTIONS.staleAfterMs ?? 0;

const STATUS: ForwarderStatus = {
  queuedLines: 40,
  queuedBytes: 4_000,
  oldestQueuedMs: null,
  writtenLines: 0,
  deadLetters: 1,
  droppedLines: 0,
  lastError: null,
  lastWriteMs: null,
};

/** The bridge device as a run with InfluxDB announced it, as the record in the data folder keeps it. */
function earlierBridgeWithForwarder(): AnnouncedDevice {
  const message = bridgeDiscovery([...BRIDGE_ENTITIES, ...FORWARDER_ENTITIES], {
    topics: new Topics("homeassistant", "e450"),
    origin: { name: "e450", sw_version: "0.0.9" },
  });
  return {
    configTopic: message.topic,
    meterKey: null,
    components: message.payload.components as Record<string, EntityComponent>,
  };
}

describe("MqttSink with the InfluxDB forwarder", () => {
  let connection: FakeConnection;
  let store: MemoryAnnouncedStore;
  let sink: MqttSink;
  let meters: MeterEventSource;

  const newSink = () => {
    sink = new MqttSink(SINK_OPTIONS, silentLogger, { ...connection.dependencies(), announcedStore: store });
  };
  const forwarder = (status: ForwarderStatus) => meters.bus.emit("forwarder", { status, at: Date.now() });
  const bridgeConfigs = () => connection.to(new RegExp(BRIDGE_CONFIG)).map((m) => JSON.parse(m.payload));
  const componentIds = (config: { components: object }) => Object.keys(config.components);

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 2, 15, 13, 0, 0) });
    connection = new FakeConnection();
    store = new MemoryAnnouncedStore();
    meters = new MeterEventSource();
    newSink();
  });

  afterEach(async () => {
    meters.stop();
    await sink.stop();
    vi.useRealTimers();
  });

  it("without a forwarder report nothing of InfluxDB is announced or published", () => {
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    vi.advanceTimersByTime(STALE_AFTER_MS);
    for (const config of bridgeConfigs()) expect(componentIds(config)).not.toContain("influxdb_queue");
    expect(connection.to(/influxdb/)).toEqual([]);
    vi.advanceTimersByTime(1_000); // the record of announced entities is written a second later
    expect(JSON.stringify(store.devices)).not.toContain("influxdb");
  });

  it("announces the entities on the bridge once, with the first report, then publishes states on change", () => {
    sink.start(meters.bus);
    expect(bridgeConfigs()).toHaveLength(1);
    forwarder(STATUS);
    const configs = bridgeConfigs();
    expect(configs).toHaveLength(2);
    expect(componentIds(configs[1])).toEqual([...BRIDGE_ENTITIES.map((e) => e.id), ...FORWARDER_IDS]);
    expect(connection.to(/^e450\/bridge\/influxdb/)).toEqual([
      { topic: "e450/bridge/influxdb_queue", payload: "40" },
      { topic: "e450/bridge/influxdb_oldest", payload: "0" },
      { topic: "e450/bridge/influxdb_last_error", payload: "none" },
      {
        topic: "e450/bridge/influxdb_queue/attributes",
        payload: '{"queued_bytes":4000,"dead_letters":1,"dropped_lines":0}',
      },
    ]);
    vi.advanceTimersByTime(1_000); // the record of announced entities is written a second later
    const bridge = store.devices.find((device) => device.configTopic === BRIDGE_CONFIG);
    expect(Object.keys(bridge?.components ?? {})).toEqual(expect.arrayContaining(FORWARDER_IDS));

    // Ten seconds later: the queue was sent, a write failed since; the config does not go out again.
    vi.advanceTimersByTime(10_000);
    connection.published = [];
    forwarder({ ...STATUS, queuedLines: 0, queuedBytes: 0, lastError: "InfluxDB answered 503" });
    expect(bridgeConfigs()).toEqual([]);
    expect(connection.to(/^e450\/bridge\/influxdb/)).toEqual([
      { topic: "e450/bridge/influxdb_queue", payload: "0" },
      { topic: "e450/bridge/influxdb_last_error", payload: "InfluxDB answered 503" },
      {
        topic: "e450/bridge/influxdb_queue/attributes",
        payload: '{"queued_bytes":0,"dead_letters":1,"dropped_lines":0}',
      },
    ]);
  });

  it("a first report while the broker is away is announced on connect, with its states", () => {
    connection.start = () => {}; // the broker is unreachable
    sink.start(meters.bus);
    forwarder(STATUS);
    expect(connection.published).toEqual([]);
    connection.connected = true;
    connection.handlers?.connected();
    expect(componentIds(bridgeConfigs().at(-1))).toEqual(expect.arrayContaining(FORWARDER_IDS));
    expect(connection.to(/influxdb_queue$/)).toEqual([
      { topic: "e450/bridge/influxdb_queue", payload: "40" },
    ]);
  });

  it("answers Home Assistant's birth message with the forwarder entities in the bridge's config", () => {
    sink.start(meters.bus);
    forwarder(STATUS);
    connection.published = [];
    connection.handlers?.message("homeassistant/status", "online");
    vi.advanceTimersByTime(SINK_OPTIONS.birthReplyMaxDelayMs ?? 0);
    expect(componentIds(bridgeConfigs().at(-1))).toEqual(expect.arrayContaining(FORWARDER_IDS));
    expect(connection.to(/influxdb_queue$/)).toEqual([
      { topic: "e450/bridge/influxdb_queue", payload: "40" },
    ]);
  });

  it("keeps an earlier run's forwarder entities when the first report comes 10 s after start", () => {
    store.devices = [earlierBridgeWithForwarder()];
    newSink();
    sink.start(meters.bus);
    // Until the report, the earlier components ride along in the bridge's config.
    expect(componentIds(bridgeConfigs().at(-1))).toEqual(expect.arrayContaining(FORWARDER_IDS));
    meters.push(E450_PUSH); // arms the stale check
    vi.advanceTimersByTime(10_000);
    forwarder(STATUS);
    connection.published = [];
    vi.advanceTimersByTime(STALE_AFTER_MS);
    expect(connection.to(/influxdb/)).toEqual([]);
    expect(bridgeConfigs()).toEqual([]);
    vi.advanceTimersByTime(1_000); // the record of announced entities is written a second later
    const bridge = store.devices.find((device) => device.configTopic === BRIDGE_CONFIG);
    expect(Object.keys(bridge?.components ?? {})).toEqual(expect.arrayContaining(FORWARDER_IDS));
    // After the check, the entities are this run's own: a later reconnect still announces them.
    connection.handlers?.connected();
    expect(componentIds(bridgeConfigs().at(-1))).toEqual(expect.arrayContaining(FORWARDER_IDS));
  });

  it("removes an earlier run's forwarder entities when this run forwards nothing (InfluxDB turned off)", () => {
    store.devices = [earlierBridgeWithForwarder()];
    newSink();
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    connection.published = [];
    vi.advanceTimersByTime(STALE_AFTER_MS);
    const [stubbed, final] = bridgeConfigs();
    for (const id of FORWARDER_IDS) expect(stubbed.components[id]).toEqual({ platform: "sensor" });
    expect(componentIds(final)).toEqual(BRIDGE_ENTITIES.map((entity) => entity.id));
    expect(connection.to(/influxdb/)).toEqual([
      { topic: "e450/bridge/influxdb_queue", payload: "" },
      { topic: "e450/bridge/influxdb_queue/attributes", payload: "" },
      { topic: "e450/bridge/influxdb_oldest", payload: "" },
      { topic: "e450/bridge/influxdb_last_error", payload: "" },
    ]);
    vi.advanceTimersByTime(1_000); // the record of announced entities is written a second later
    expect(JSON.stringify(store.devices)).not.toContain("influxdb");
  });
});
