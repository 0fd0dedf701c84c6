import { describe, expect, it } from "vitest";
import type { ForwarderStatus } from "../../../../src/model/forwarder-status.js";
import { BRIDGE_ENTITIES } from "../../../../src/sinks/mqtt/diagnostics.js";
import { bridgeDiscovery, type DiscoveryContext } from "../../../../src/sinks/mqtt/discovery.js";
import { FORWARDER_ENTITIES, forwarderStates } from "../../../../src/sinks/mqtt/forwarder-entities.js";
import { Topics } from "../../../../src/sinks/mqtt/topics.js";
import { deviceDiscoveryProblems } from "./ha-discovery-rules.js";

const CONTEXT: DiscoveryContext = {
  topics: new Topics("homeassistant", "e450"),
  origin: { name: "e450", sw_version: "0.1.0" },
};
const AT = Date.UTC(2026, 2, 15, 12, 0, 0);

/** A queue that has been waiting 95.4 s, after a failed write. */
const BACKLOG: ForwarderStatus = {
  queuedLines: 1234,
  queuedBytes: 98_765,
  oldestQueuedMs: AT - 95_400,
  writtenLines: 50_000,
  deadLetters: 2,
  droppedLines: 7,
  lastError: "cannot reach InfluxDB 1 at http://127.0.0.1:8086 (database e450): ECONNREFUSED",
  lastWriteMs: AT - 120_000,
};
const HEALTHY: ForwarderStatus = {
  ...BACKLOG,
  queuedLines: 0,
  queuedBytes: 0,
  oldestQueuedMs: null,
  deadLetters: 0,
  droppedLines: 0,
  lastError: null,
};

const bridge = () => bridgeDiscovery([...BRIDGE_ENTITIES, ...FORWARDER_ENTITIES], CONTEXT);

function statesOf(status: ForwarderStatus) {
  const { states, attributes } = forwarderStates(status, AT);
  return {
    states: Object.fromEntries(states.map((state) => [state.entityId, state.payload])),
    attributes: Object.fromEntries(attributes),
  };
}

describe("the InfluxDB forwarder's entities", () => {
  it("pass Home Assistant's rules on the bridge device, next to the link diagnostics", () => {
    const message = bridge();
    expect(message.topic).toBe("homeassistant/device/e450_bridge_e450/config");
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
    expect(Object.keys(message.payload.components)).toEqual([
      ...BRIDGE_ENTITIES.map((entity) => entity.id),
      "influxdb_queue",
      "influxdb_oldest",
      "influxdb_last_error",
    ]);
  });

  it("announce exactly these diagnostic components (golden)", () => {
    const { components } = bridge().payload;
    expect({
      influxdb_queue: components["influxdb_queue"],
      influxdb_oldest: components["influxdb_oldest"],
      influxdb_last_error: components["influxdb_last_error"],
    }).toEqual({
      influxdb_queue: {
        platform: "sensor",
        unique_id: "e450_bridge_e450_influxdb_queue",
        default_entity_id: "sensor.e450_influxdb_queue",
        name: "InfluxDB queue",
        state_topic: "e450/bridge/influxdb_queue",
        entity_category: "diagnostic",
        json_attributes_topic: "e450/bridge/influxdb_queue/attributes",
        icon: "mdi:database-arrow-up",
        state_class: "measurement",
        unit_of_measurement: "lines",
      },
      influxdb_oldest: {
        platform: "sensor",
        unique_id: "e450_bridge_e450_influxdb_oldest",
        default_entity_id: "sensor.e450_influxdb_oldest",
        name: "InfluxDB oldest queued point",
        state_topic: "e450/bridge/influxdb_oldest",
        entity_category: "diagnostic",
        device_class: "duration",
        state_class: "measurement",
        unit_of_measurement: "s",
      },
      influxdb_last_error: {
        platform: "sensor",
        unique_id: "e450_bridge_e450_influxdb_last_error",
        default_entity_id: "sensor.e450_influxdb_last_error",
        name: "InfluxDB last error",
        state_topic: "e450/bridge/influxdb_last_error",
        entity_category: "diagnostic",
        icon: "mdi:database-alert",
      },
    });
  });

  it("publish the queue, the oldest line's age in whole seconds and the error, with the counts as attributes", () => {
    expect(statesOf(BACKLOG)).toEqual({
      states: {
        influxdb_queue: "1234",
        influxdb_oldest: "95",
        influxdb_last_error: "cannot reach InfluxDB 1 at http://127.0.0.1:8086 (database e450): ECONNREFUSED",
      },
      attributes: {
        influxdb_queue: '{"queued_bytes":98765,"dead_letters":2,"dropped_lines":7}',
      },
    });
  });

  it("an empty queue is age 0 and a working forwarder has the error 'none' (not empty: that deletes a retained state)", () => {
    expect(statesOf(HEALTHY)).toEqual({
      states: { influxdb_queue: "0", influxdb_oldest: "0", influxdb_last_error: "none" },
      attributes: { influxdb_queue: '{"queued_bytes":0,"dead_letters":0,"dropped_lines":0}' },
    });
  });

  it("a line queued after the report was taken (clocks a tick apart) is age 0, never negative", () => {
    expect(statesOf({ ...BACKLOG, oldestQueuedMs: AT + 400 }).states["influxdb_oldest"]).toBe("0");
  });

  it("a long error is cut to Home Assistant's 255 characters, counted as Python counts them", () => {
    const long = `InfluxDB answered 400: ${"ü🙂".repeat(200)}`;
    const payload = statesOf({ ...BACKLOG, lastError: long }).states["influxdb_last_error"] ?? "";
    expect(Array.from(payload)).toHaveLength(255);
    expect(payload.endsWith("…")).toBe(true);
    expect(long.startsWith(payload.slice(0, -1))).toBe(true);
    const exact = "x".repeat(255);
    expect(statesOf({ ...BACKLOG, lastError: exact }).states["influxdb_last_error"]).toBe(exact);
  });
});
