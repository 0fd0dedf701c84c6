import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MeterBus } from "../../../../src/bus/events.js";
import { MemoryAnnouncedStore } from "../../../../src/sinks/mqtt/announced-store.js";
import { MqttSink } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import type { MeterLabel } from "../../../../src/sinks/mqtt/options.js";
import { numberReading, pushWith } from "../../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../../helpers/meter-events.js";
import { FakeConnection, SINK_OPTIONS, silentLogger } from "./fake-connection.js";
import { deviceDiscoveryProblems } from "./ha-discovery-rules.js";
import {
  counters,
  FLAT_1_KEY,
  FLAT_2_KEY,
  flat1Push,
  flat2Push,
  sharedBus,
  TWO_METERS,
} from "./two-meters.js";

const GOLDEN = fileURLToPath(new URL("./two-meters-discovery.golden.json", import.meta.url));
const FLAT_1_CONFIG = `homeassistant/device/e450_${FLAT_1_KEY}/config`;
const FLAT_2_CONFIG = `homeassistant/device/e450_${FLAT_2_KEY}/config`;
const BRIDGE_CONFIG = "homeassistant/device/e450_bridge_e450/config";
const LINK_IDS = ["frames_received", "frames_rejected", "last_frame", "link_status"];

interface Component {
  readonly platform: string;
  readonly unique_id: string;
  readonly default_entity_id: string;
  readonly availability?: readonly { topic: string }[];
}

interface DevicePayload {
  readonly device: Record<string, unknown>;
  readonly availability: readonly { topic: string }[];
  readonly components: Record<string, Component>;
}

describe("MqttSink with several configured meters", () => {
  let connection: FakeConnection;
  let store: MemoryAnnouncedStore;
  let sink: MqttSink;
  let flat1: MeterEventSource;
  let flat2: MeterEventSource;
  let bus: MeterBus;
  let logged: string[];

  function createSink(meters: ReadonlyMap<string, MeterLabel> = TWO_METERS) {
    logged = [];
    const logger = { ...silentLogger, info: (line: string) => logged.push(line) };
    sink = new MqttSink({ ...SINK_OPTIONS, meters }, logger, {
      ...connection.dependencies(),
      announcedStore: store,
    });
  }

  /** The latest config on a topic, parsed. */
  function config(topic: string): DevicePayload {
    const last = connection.to(new RegExp(`^${topic}$`)).at(-1);
    if (!last) throw new Error(`nothing on ${topic}`);
    return JSON.parse(last.payload) as DevicePayload;
  }

  /** The latest payload per topic: what the broker retains (every state topic is retained). */
  function latest(filter: (topic: string) => boolean): Record<string, string> {
    const result: Record<string, string> = {};
    for (const { topic, payload } of connection.published) if (filter(topic)) result[topic] = payload;
    return result;
  }

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 13, 0, 0) });
    connection = new FakeConnection();
    store = new MemoryAnnouncedStore();
    flat1 = new MeterEventSource("flat-1");
    flat2 = new MeterEventSource("flat-2", { missedPushes: 3, initialIntervalMs: 5_000 });
    bus = sharedBus([flat1, flat2]);
    createSink();
  });

  afterEach(async () => {
    flat1.stop();
    flat2.stop();
    await sink.stop();
    vi.useRealTimers();
  });

  /** Both links up and counted, one push of each meter, and the rate limit's interval over. */
  function twoMetersRunning() {
    sink.start(bus);
    flat1.link("up");
    flat2.link("up");
    flat1.diagnostics(
      counters({
        framesReceived: 12,
        framesRejected: { checksum: 2 },
        lastFrameAt: Date.UTC(2026, 10, 28, 12, 59, 55),
      }),
    );
    flat2.diagnostics(
      counters({
        framesReceived: 7,
        framesRejected: { "auth-failed": 3 },
        decryptionFailures: 3,
        lastFrameAt: Date.UTC(2026, 10, 28, 12, 59, 50),
      }),
    );
    flat1.push(flat1Push(12_345_678, 1375));
    flat2.push(flat2Push(2_000_500, 420));
    // A second count within the publish interval is held back until it ends (publish-gate.ts).
    vi.advanceTimersByTime(SINK_OPTIONS.publishIntervalMs ?? 0);
  }

  it("the discovery payloads and states of two named meters match the golden file", () => {
    twoMetersRunning();
    const configs = latest((topic) => topic.endsWith("/config"));
    const actual = {
      discovery: Object.fromEntries(
        Object.entries(configs).map(([topic, payload]) => [topic, JSON.parse(payload)]),
      ),
      states: latest((topic) => !topic.endsWith("/config")),
    };
    expect(Object.keys(actual.discovery).sort()).toEqual(
      [BRIDGE_CONFIG, FLAT_1_CONFIG, FLAT_2_CONFIG].sort(),
    );
    for (const [topic, payload] of Object.entries(actual.discovery)) {
      expect(deviceDiscoveryProblems("homeassistant", topic, payload)).toEqual([]);
    }
    // Compared as data; UPDATE_GOLDEN=1 rewrites the file.
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });

  it("names each device after its configured meter and suggests its area", () => {
    twoMetersRunning();
    expect(config(FLAT_1_CONFIG).device).toMatchObject({
      identifiers: [`e450_${FLAT_1_KEY}`],
      name: "Flat 1",
      suggested_area: "Ground floor",
      model: "E450",
      serial_number: "71234567",
    });
    expect(config(FLAT_2_CONFIG).device).toMatchObject({ name: "Flat 2", suggested_area: "First floor" });
    expect(logged).toEqual([
      `Meter ${FLAT_1_KEY} (Flat 1) seen; announced to Home Assistant`,
      `Meter ${FLAT_2_KEY} (Flat 2) seen; announced to Home Assistant`,
    ]);
  });

  it("a meter without an area suggests none", () => {
    createSink(
      new Map([
        ["flat-1", { name: "Flat 1" }],
        ["flat-2", { name: "Flat 2", area: "First floor" }],
      ]),
    );
    twoMetersRunning();
    expect(config(FLAT_1_CONFIG).device).not.toHaveProperty("suggested_area");
    expect(config(FLAT_1_CONFIG).device["name"]).toBe("Flat 1");
  });

  it("no entity id and no unique id is shared by two entities; each meter's carry its identity", () => {
    twoMetersRunning();
    const entityIds: string[] = [];
    const uniqueIds: string[] = [];
    for (const topic of [BRIDGE_CONFIG, FLAT_1_CONFIG, FLAT_2_CONFIG]) {
      for (const component of Object.values(config(topic).components)) {
        entityIds.push(component.default_entity_id);
        uniqueIds.push(component.unique_id);
      }
    }
    expect(new Set(entityIds).size).toBe(entityIds.length);
    expect(new Set(uniqueIds).size).toBe(uniqueIds.length);
    expect(config(FLAT_1_CONFIG).components["energy_import"]).toMatchObject({
      unique_id: `e450_${FLAT_1_KEY}_energy_import`,
      default_entity_id: `sensor.e450_${FLAT_1_KEY}_energy_import`,
    });
    expect(config(FLAT_2_CONFIG).components["energy_import"]).toMatchObject({
      unique_id: `e450_${FLAT_2_KEY}_energy_import`,
      default_entity_id: `sensor.e450_${FLAT_2_KEY}_energy_import`,
    });
    // The bridge is one device for all meters: its ids stay as they are.
    expect(config(BRIDGE_CONFIG).components["frames_received"]?.default_entity_id).toBe(
      "sensor.e450_frames_received",
    );
  });

  it("a meter keyed by its configured id (no identity in its pushes) still gets valid entity ids", () => {
    sink.start(bus);
    flat1.push(pushWith([numberReading("1-1:1.8.0", 1000, 0, "Wh")], { systemTitle: undefined }));
    const component = config("homeassistant/device/e450_flat-1/config").components["energy_import"];
    // "-" is fine in a topic and a unique_id, but not in an entity id (core.py VALID_ENTITY_ID).
    expect(component).toMatchObject({
      unique_id: "e450_flat-1_energy_import",
      default_entity_id: "sensor.e450_flat_1_energy_import",
    });
  });

  it("each meter's device shows its own connection's diagnostics; the bridge keeps the sums", () => {
    twoMetersRunning();
    const states = latest(() => true);
    expect(states[`e450/meter/${FLAT_1_KEY}/frames_received`]).toBe("12");
    expect(states[`e450/meter/${FLAT_2_KEY}/frames_received`]).toBe("7");
    expect(states[`e450/meter/${FLAT_2_KEY}/frames_rejected/attributes`]).toBe('{"auth-failed":3}');
    expect(states[`e450/meter/${FLAT_1_KEY}/last_frame`]).toBe("2026-11-28T12:59:55.000Z");
    expect(states[`e450/meter/${FLAT_2_KEY}/last_frame`]).toBe("2026-11-28T12:59:50.000Z");
    expect(states["e450/bridge/frames_received"]).toBe("19");
    expect(states["e450/bridge/frames_rejected"]).toBe("5");
    expect(states["e450/bridge/last_frame"]).toBe("2026-11-28T12:59:55.000Z");
    // Only the link diagnostics: decryption failures and the rest stay on the bridge.
    const components = config(FLAT_2_CONFIG).components;
    for (const id of LINK_IDS) expect(components[id]).toMatchObject({ entity_category: "diagnostic" });
    expect(components).not.toHaveProperty("decryption_failures");

    // Later counts go to the meter they came from.
    connection.published = [];
    vi.advanceTimersByTime(10_000);
    flat2.diagnostics(counters({ framesReceived: 9, lastFrameAt: Date.UTC(2026, 10, 28, 13, 0, 9) }));
    expect(connection.to(/frames_received$/)).toEqual([
      { topic: "e450/bridge/frames_received", payload: "21" },
      { topic: `e450/meter/${FLAT_2_KEY}/frames_received`, payload: "9" },
    ]);
  });

  it("one link down shows on its own meter; the bridge shows the worst of all", () => {
    twoMetersRunning();
    flat2.link("down");
    const states = latest(() => true);
    expect(states[`e450/meter/${FLAT_1_KEY}/link_status`]).toBe("connected");
    expect(states[`e450/meter/${FLAT_2_KEY}/link_status`]).toBe("disconnected");
    expect(states["e450/bridge/link_status"]).toBe("disconnected");
  });

  it("one meter going silent makes only its own entities unavailable; its link diagnostics stay", () => {
    twoMetersRunning();
    // Flat 1 keeps pushing every 5 s; Flat 2 is silent for more than its 3 × 5 s.
    for (let second = 5; second <= 20; second += 5) {
      vi.advanceTimersByTime(5_000);
      flat1.push(flat1Push(12_345_678 + second, 1375));
    }
    const states = latest(() => true);
    expect(states[`e450/meter/${FLAT_2_KEY}/status`]).toBe("offline");
    expect(states[`e450/meter/${FLAT_1_KEY}/status`]).toBe("online");
    expect(states["e450/status"]).toBe("online");
    expect(connection.to(/\/status$/).filter((m) => m.payload === "offline")).toEqual([
      { topic: `e450/meter/${FLAT_2_KEY}/status`, payload: "offline" },
    ]);
    // The meter's entities need both topics online; its link diagnostics only the add-on's.
    const device = config(FLAT_2_CONFIG);
    expect(device.availability).toEqual([
      { topic: "e450/status" },
      { topic: `e450/meter/${FLAT_2_KEY}/status` },
    ]);
    expect(device.components["energy_import"]).not.toHaveProperty("availability");
    for (const id of LINK_IDS) {
      expect(device.components[id]?.availability).toEqual([{ topic: "e450/status" }]);
    }
  });

  it("one configured meter: named and placed, but ids and entities as before several meters existed", () => {
    createSink(new Map([["flat-1", { name: "Flat 1", area: "Ground floor" }]]));
    twoMetersRunning();
    const device = config(FLAT_1_CONFIG);
    expect(device.device).toMatchObject({ name: "Flat 1", suggested_area: "Ground floor" });
    expect(device.components["energy_import"]?.default_entity_id).toBe("sensor.e450_energy_import");
    expect(Object.keys(device.components).filter((id) => LINK_IDS.includes(id))).toEqual([]);
    expect(connection.to(/^e450\/meter\/.*\/(link_status|frames_received|last_frame)$/)).toEqual([]);
  });

  it("the single meter group keeps its device named E450, with no area", () => {
    createSink(new Map([["meter", { name: null }]]));
    const single = new MeterEventSource();
    sink.start(single.bus);
    single.push(flat1Push(1000, 1));
    single.stop();
    expect(config(FLAT_1_CONFIG).device["name"]).toBe("E450");
    expect(config(FLAT_1_CONFIG).device).not.toHaveProperty("suggested_area");
  });

  it("going back to one meter removes the meter's link diagnostics at the stale check, and only them", async () => {
    twoMetersRunning();
    flat1.stop();
    flat2.stop();
    await sink.stop();
    const before = config(FLAT_1_CONFIG).components;
    expect(LINK_IDS.every((id) => id in before)).toBe(true);

    // The next run reads only Flat 1 (the same store: what the earlier run announced).
    connection = new FakeConnection();
    createSink(new Map([["flat-1", { name: "Flat 1", area: "Ground floor" }]]));
    flat1 = new MeterEventSource("flat-1");
    flat2 = new MeterEventSource("flat-2");
    bus = sharedBus([flat1, flat2]);
    sink.start(bus);
    flat1.push(flat1Push(12_345_700, 1375));
    vi.advanceTimersByTime(SINK_OPTIONS.staleAfterMs ?? 0);
    const [stubbed, final] = connection.to(new RegExp(`^${FLAT_1_CONFIG}$`)).slice(-2);
    const stub = JSON.parse(stubbed?.payload ?? "{}") as DevicePayload;
    for (const id of LINK_IDS) expect(stub.components[id]).toEqual({ platform: "sensor" });
    const kept = Object.keys((JSON.parse(final?.payload ?? "{}") as DevicePayload).components).sort();
    expect(kept).toEqual(["energy_export", "energy_import", "power_import"]);
    expect(connection.to(new RegExp(`^e450/meter/${FLAT_1_KEY}/link_status$`))).toEqual([
      { topic: `e450/meter/${FLAT_1_KEY}/link_status`, payload: "" },
    ]);
    // Flat 2's device went away as a whole.
    expect(connection.to(new RegExp(`^${FLAT_2_CONFIG}$`))).toEqual([{ topic: FLAT_2_CONFIG, payload: "" }]);
  });
});
