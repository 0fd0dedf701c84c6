import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { meterIdentityOf } from "../../../../src/meter/meter-identity.js";
import type { AnomalyIncident, AnomalyState } from "../../../../src/model/insights.js";
import { MemoryAnnouncedStore } from "../../../../src/sinks/mqtt/announced-store.js";
import { MqttSink } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import { E450_PUSH } from "../../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../../helpers/meter-events.js";
import { FakeConnection, SINK_OPTIONS, silentLogger } from "./fake-connection.js";
import { COST, FORECAST, QUIET, SPIKE, WATCHING } from "./insight-states.js";

const KEY = "4c475a670312d687";
const METER = `e450/meter/${KEY}`;
const METER_CONFIG = `homeassistant/device/e450_${KEY}/config`;
const EVENT_TOPIC = `${METER}/anomaly_event`;
const identity = meterIdentityOf(E450_PUSH);

describe("MqttSink with the live analytics", () => {
  let connection: FakeConnection;
  let store: MemoryAnnouncedStore;
  let sink: MqttSink;
  let meters: MeterEventSource;

  const newSink = () => {
    sink = new MqttSink(SINK_OPTIONS, silentLogger, { ...connection.dependencies(), announcedStore: store });
  };
  const anomalies = (state: AnomalyState, fired: readonly AnomalyIncident[]) =>
    meters.bus.emit("anomalies", { meter: "meter", identity, state, fired });
  const components = () =>
    JSON.parse(connection.to(new RegExp(METER_CONFIG)).at(-1)?.payload ?? "{}").components;
  const events = () => connection.published.filter((message) => message.topic === EVENT_TOPIC);

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

  it("puts the cost entities on the meter's device with retained states and attributes", () => {
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    meters.bus.emit("cost", { meter: "meter", identity, state: COST });
    expect(Object.keys(components())).toEqual(
      expect.arrayContaining(["energy_import", "price", "cost_total"]),
    );
    const price = connection.published.find((message) => message.topic === `${METER}/price`);
    expect(price).toEqual({ topic: `${METER}/price`, payload: "0.2731", retain: true });
    expect(connection.to(/cost_today\/attributes$/)).toEqual([
      {
        topic: `${METER}/cost_today/attributes`,
        payload: JSON.stringify({ import_kwh: 4.251, export_kwh: 3, unpriced_intervals: 2 }),
      },
    ]);
    // The same state again changes nothing on the broker.
    const before = connection.published.length;
    meters.bus.emit("cost", { meter: "meter", identity, state: COST });
    expect(connection.published.length).toBe(before);
  });

  it("announces the forecast's cost only once a cost state has named the currency", () => {
    sink.start(meters.bus);
    meters.bus.emit("forecast", { meter: "meter", identity, state: FORECAST });
    expect(Object.keys(components())).not.toContain("forecast_month_cost");
    meters.bus.emit("cost", { meter: "meter", identity, state: COST });
    meters.bus.emit("forecast", { meter: "meter", identity, state: FORECAST });
    expect(components()["forecast_month_cost"]).toMatchObject({ unit_of_measurement: "CHF" });
  });

  it("fires an event once per new incident, never retained, and never again on reconnect or HA's birth", () => {
    sink.start(meters.bus);
    anomalies(WATCHING, [SPIKE]);
    expect(events()).toEqual([
      { topic: EVENT_TOPIC, payload: expect.stringContaining('"event_type":"spike"'), retain: false },
    ]);
    expect(connection.to(/\/anomaly$/).at(-1)?.payload).toBe("ON");

    anomalies(WATCHING, []); // the same incident still open: nothing fires
    connection.handlers?.connected();
    connection.handlers?.message("homeassistant/status", "online");
    vi.advanceTimersByTime(3_000);
    expect(events()).toHaveLength(1);

    anomalies(QUIET, []);
    expect(connection.to(/\/anomaly$/).at(-1)?.payload).toBe("OFF");
    expect(events()).toHaveLength(1);
  });

  it("holds an event that found the broker unreachable and sends it once on connect", () => {
    connection.start = () => {}; // the broker is unreachable
    sink.start(meters.bus);
    anomalies(WATCHING, [SPIKE]);
    expect(events()).toEqual([]);
    connection.connected = true;
    connection.handlers?.connected();
    expect(events()).toHaveLength(1);
    expect(events()[0]?.retain).toBe(false);
    connection.handlers?.connected();
    expect(events()).toHaveLength(1);
  });

  it("a stale binary_sensor is removed as a binary_sensor, with its attributes cleared", () => {
    store.devices = [
      {
        configTopic: METER_CONFIG,
        meterKey: KEY,
        components: {
          anomaly: {
            platform: "binary_sensor",
            unique_id: `e450_${KEY}_anomaly`,
            default_entity_id: "binary_sensor.e450_anomaly",
            name: "Anomaly",
            state_topic: `${METER}/anomaly`,
            json_attributes_topic: `${METER}/anomaly/attributes`,
            device_class: "problem",
            payload_on: "ON",
            payload_off: "OFF",
          },
        },
      },
    ];
    newSink();
    sink.start(meters.bus);
    meters.push(E450_PUSH);
    expect(components()["anomaly"]).toMatchObject({ platform: "binary_sensor" }); // rides along
    connection.published = [];
    vi.advanceTimersByTime(SINK_OPTIONS.staleAfterMs ?? 0);
    const [stubbed, final] = connection.to(new RegExp(METER_CONFIG)).map((m) => JSON.parse(m.payload));
    expect(stubbed.components.anomaly).toEqual({ platform: "binary_sensor" });
    expect(final.components).not.toHaveProperty("anomaly");
    expect(connection.to(/\/anomaly(\/attributes)?$/)).toEqual([
      { topic: `${METER}/anomaly`, payload: "" },
      { topic: `${METER}/anomaly/attributes`, payload: "" },
    ]);
  });
});
