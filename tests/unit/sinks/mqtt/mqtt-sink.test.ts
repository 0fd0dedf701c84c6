import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryAnnouncedStore } from "../../../../src/sinks/mqtt/announced-store.js";
import { MqttSink } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import { E450_PUSH, numberReading, pushWith } from "../../../fixtures/mqtt/e450-snapshots.js";
import { FakeConnection, silentLogger, SINK_OPTIONS } from "./fake-connection.js";
import { MeterEventSource } from "../../../helpers/meter-events.js";
import type { Logger } from "../../../../src/logging/logger.js";

const METER = "e450/meter/4c475a670312d687";
const METER_CONFIG = "homeassistant/device/e450_4c475a670312d687/config";
const BRIDGE_CONFIG = "homeassistant/device/e450_bridge_e450/config";

function powerAndEnergy(watts: number, wattHours: number) {
  return pushWith([
    numberReading("1-0:1.7.0", watts, 0, "W"),
    numberReading("1-1:1.8.0", wattHours, 0, "Wh"),
  ]);
}

describe("MqttSink", () => {
  let connection: FakeConnection;
  let store: MemoryAnnouncedStore;
  let sink: MqttSink;
  let meters: MeterEventSource;

  function createSink(random = () => 0.5, logger: Logger = silentLogger) {
    sink = new MqttSink(SINK_OPTIONS, logger, {
      ...connection.dependencies(),
      announcedStore: store,
      random,
    });
  }

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 13, 0, 0) });
    connection = new FakeConnection();
    store = new MemoryAnnouncedStore();
    meters = new MeterEventSource();
    createSink();
  });

  afterEach(async () => {
    meters.stop();
    await sink.stop();
    vi.useRealTimers();
  });

  it("announces the bridge on connect but the meter only after its first snapshot", () => {
    sink.start(meters.bus);
    expect(connection.published.slice(0, 2)).toEqual([
      { topic: "e450/status", payload: "online", retain: true },
      { topic: BRIDGE_CONFIG, payload: expect.any(String), retain: true },
    ]);
    expect(connection.subscriptions).toEqual(["homeassistant/status"]);
    expect(connection.to(/e450_4c475a/)).toEqual([]);

    meters.push(E450_PUSH);
    const order = connection.published.map((message) => message.topic);
    expect(order.indexOf(METER_CONFIG)).toBeLessThan(order.indexOf(`${METER}/energy_import`));
    expect(connection.to(/\/energy_import$/)).toEqual([
      { topic: `${METER}/energy_import`, payload: "12345.678" },
    ]);
    expect(connection.to(/meter\/.*\/status$/)).toEqual([{ topic: `${METER}/status`, payload: "online" }]);
    vi.advanceTimersByTime(1_000); // the record of announced entities is written a second later
    expect(store.devices.map((device) => device.configTopic).sort()).toEqual([METER_CONFIG, BRIDGE_CONFIG]);
  });

  it("claims an announcement only once the discovery config went out to a connected broker", () => {
    const lines: string[] = [];
    const note = (message: string) => lines.push(message);
    createSink(() => 0.5, { debug() {}, info: note, warn: note, error: note });
    connection.start = () => {}; // the broker is unreachable
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    meters.push(E450_PUSH);
    expect(lines).toEqual(["Meter 4c475a670312d687 seen; will announce it when the broker is reachable"]);
    expect(connection.to(new RegExp(METER_CONFIG))).toEqual([]);

    connection.connected = true; // it answers at last
    connection.handlers?.connected();
    expect(connection.to(new RegExp(METER_CONFIG))).toHaveLength(1);
    expect(lines.slice(1)).toEqual(["Meter 4c475a670312d687 announced to Home Assistant"]);
    connection.handlers?.connected(); // a later reconnect announces again, quietly
    expect(lines).toHaveLength(2);
  });

  it("says a meter was announced when the broker is there", () => {
    const lines: string[] = [];
    createSink(() => 0.5, { ...silentLogger, info: (message) => lines.push(message) });
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    expect(lines).toEqual(["Meter 4c475a670312d687 seen; announced to Home Assistant"]);
  });

  it("publishes totals on every change and power at most once per interval", () => {
    sink.start(meters.bus);
    for (let push = 0; push < 4; push++) {
      meters.push(powerAndEnergy(1000 + push, 5000 + push));
      vi.advanceTimersByTime(2_000);
    }
    expect(connection.to(/energy_import$/).map((m) => m.payload)).toEqual([
      "5.000",
      "5.001",
      "5.002",
      "5.003",
    ]);
    expect(connection.to(/power_import$/).map((m) => m.payload)).toEqual(["1000"]);
    vi.advanceTimersByTime(2_000); // 10 s after the first power state
    expect(connection.to(/power_import$/).map((m) => m.payload)).toEqual(["1000", "1003"]);
  });

  it("answers Home Assistant's birth message after a random delay with discovery and current states", () => {
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    connection.published = [];
    connection.handlers?.message("homeassistant/status", "online");
    vi.advanceTimersByTime(1_499); // random 0.5 × 3 s
    expect(connection.published).toEqual([]);
    vi.advanceTimersByTime(1);
    const topics = connection.published.map((message) => message.topic);
    expect(topics).toEqual(
      expect.arrayContaining([BRIDGE_CONFIG, METER_CONFIG, `${METER}/status`, `${METER}/energy_import`]),
    );
    connection.published = [];
    connection.handlers?.message("homeassistant/status", "offline");
    vi.advanceTimersByTime(5_000);
    expect(connection.published).toEqual([]);
  });

  it("marks the meter offline when pushes stop, and online again with the next frame", () => {
    sink.start(meters.bus);
    meters.push(powerAndEnergy(1, 1));
    vi.advanceTimersByTime(5_000);
    meters.push(powerAndEnergy(1, 1));
    vi.advanceTimersByTime(15_000); // 3 missed pushes of 5 s
    meters.push(powerAndEnergy(1, 2));
    expect(connection.to(/meter\/.*\/status$/).map((m) => m.payload)).toEqual([
      "online",
      "offline",
      "online",
    ]);
  });

  it("removes a device and components announced by an earlier run that do not come back", () => {
    store.devices = [
      {
        configTopic: "homeassistant/device/e450_oldmeter/config",
        meterKey: "oldmeter",
        components: {
          energy_import: {
            platform: "sensor",
            unique_id: "e450_oldmeter_energy_import",
            default_entity_id: "sensor.e450_energy_import",
            name: "Energy import",
            state_topic: "e450/meter/oldmeter/energy_import",
          },
        },
      },
      {
        configTopic: METER_CONFIG,
        meterKey: "4c475a670312d687",
        components: {
          voltage_l1: {
            platform: "sensor",
            unique_id: "e450_4c475a670312d687_voltage_l1",
            default_entity_id: "sensor.e450_voltage_l1",
            name: "Voltage L1",
            state_topic: `${METER}/voltage_l1`,
          },
        },
      },
    ];
    createSink();
    sink.start(meters.bus);
    // Until the stale check, the earlier meter is marked offline and its components ride along.
    expect(connection.to(/oldmeter\/status$/)).toEqual([
      { topic: "e450/meter/oldmeter/status", payload: "offline" },
    ]);
    meters.push(powerAndEnergy(1, 1));
    const announced = JSON.parse(connection.to(new RegExp(METER_CONFIG)).at(-1)?.payload ?? "{}");
    expect(Object.keys(announced.components).sort()).toEqual(["energy_import", "power_import", "voltage_l1"]);

    connection.published = [];
    vi.advanceTimersByTime(60_000);
    expect(connection.to(/oldmeter/)).toEqual([
      { topic: "homeassistant/device/e450_oldmeter/config", payload: "" },
      { topic: "e450/meter/oldmeter/energy_import", payload: "" },
      { topic: "e450/meter/oldmeter/status", payload: "" },
    ]);
    expect(connection.to(/voltage_l1$/)).toEqual([{ topic: `${METER}/voltage_l1`, payload: "" }]);
    const [stubbed, final] = connection.to(new RegExp(METER_CONFIG)).map((m) => JSON.parse(m.payload));
    expect(stubbed.components.voltage_l1).toEqual({ platform: "sensor" });
    expect(Object.keys(final.components).sort()).toEqual(["energy_import", "power_import"]);
    vi.advanceTimersByTime(1_000); // the record of announced entities is written a second later
    expect(store.devices.map((device) => device.configTopic).sort()).toEqual([METER_CONFIG, BRIDGE_CONFIG]);
  });

  it("on stop sends held values, then the meter and the add-on offline", async () => {
    sink.start(meters.bus);
    meters.push(powerAndEnergy(1000, 1));
    vi.advanceTimersByTime(1_000);
    meters.push(powerAndEnergy(1500, 1));
    await sink.stop();
    expect(connection.finalMessages).toEqual([
      { topic: `${METER}/power_import`, payload: "1500" },
      { topic: `${METER}/status`, payload: "offline" },
      { topic: "e450/status", payload: "offline" },
    ]);
  });

  it("publishes diagnostics on the bridge, rejected frames and readings with their reasons as attributes", () => {
    sink.start(meters.bus);
    meters.link("up");
    meters.diagnostics({
      bytesReceived: 480,
      framesReceived: 12,
      framesRejected: { checksum: 2, "auth-failed": 1 },
      lostFrames: 3,
      decryptionFailures: 1,
      lastFrameAt: Date.UTC(2026, 10, 28, 12, 59, 55),
      totalsHeldBack: 0,
      readingsRejected: { current: 2, voltage: 1 },
      stateWriteFailures: 4,
      lastStateError: "EROFS: read-only file system",
      line: null,
      clockOffsetSeconds: null,
    });
    expect(connection.to(/^e450\/bridge\//)).toEqual([
      { topic: "e450/bridge/link_status", payload: "connecting" },
      { topic: "e450/bridge/link_status", payload: "connected" },
      { topic: "e450/bridge/frames_received", payload: "12" },
      { topic: "e450/bridge/frames_rejected", payload: "3" },
      { topic: "e450/bridge/lost_frames", payload: "3" },
      { topic: "e450/bridge/decryption_failures", payload: "1" },
      { topic: "e450/bridge/totals_held_back", payload: "0" },
      { topic: "e450/bridge/readings_rejected", payload: "3" },
      { topic: "e450/bridge/state_write_failures", payload: "4" },
      { topic: "e450/bridge/last_frame", payload: "2026-11-28T12:59:55.000Z" },
      { topic: "e450/bridge/frames_rejected/attributes", payload: '{"auth-failed":1,"checksum":2}' },
      { topic: "e450/bridge/readings_rejected/attributes", payload: '{"current":2,"voltage":1}' },
      {
        topic: "e450/bridge/state_write_failures/attributes",
        payload: '{"last_error":"EROFS: read-only file system"}',
      },
    ]);
  });
});
