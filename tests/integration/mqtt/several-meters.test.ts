/**
 * Two configured meters on one bus, one MqttSink, a real Mosquitto: what a Home Assistant that
 * subscribes afterwards finds retained there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MqttSink } from "../../../src/sinks/mqtt/mqtt-sink.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import {
  counters,
  FLAT_1_KEY,
  FLAT_2_KEY,
  flat1Push,
  flat2Push,
  sharedBus,
  TWO_METERS,
} from "../../unit/sinks/mqtt/two-meters.js";
import { BrokerLog, type Received } from "./broker-log.js";
import { Mosquitto } from "./mosquitto.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const BASE = "e450multi";
const PREFIX = "hamulti";

/**
 * The retained messages matching `filter`, exactly: the broker sends them on subscription, so all have
 * arrived once a marker published afterwards (to a topic the filter matches) comes back.
 */
async function retained(url: string, filter: string, marker: string): Promise<Map<string, Received>> {
  const log = await BrokerLog.connect(url, filter);
  try {
    await log.client.publishAsync(marker, "end", { qos: 1 });
    await log.waitFor((messages) => messages.some((m) => m.topic === marker), "the marker");
    const before = log.messages.slice(
      0,
      log.messages.findIndex((m) => m.topic === marker),
    );
    return new Map(before.map((message) => [message.topic, message]));
  } finally {
    await log.close();
  }
}

interface Component {
  readonly unique_id: string;
  readonly default_entity_id: string;
  readonly availability?: readonly { topic: string }[];
}

describe("two meters on one bus against a real Mosquitto", () => {
  let broker: Mosquitto;
  let dataDir: string;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dataDir = mkdtempSync(join(tmpdir(), "e450-meters-"));
  });

  afterAll(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("two devices, no id collision, and one meter going offline leaves the other online", async () => {
    const log = await BrokerLog.connect(broker.url);
    const flat1 = new MeterEventSource("flat-1");
    // Flat 2 counts as offline after one missed second (the watchdog's shortest interval).
    const flat2 = new MeterEventSource("flat-2", { missedPushes: 1, initialIntervalMs: 1_000 });
    const sink = new MqttSink(
      {
        host: "127.0.0.1",
        port: broker.port,
        baseTopic: BASE,
        discoveryPrefix: PREFIX,
        dataDir,
        softwareVersion: "0.1.0",
        timeZone: "Europe/Zurich",
        meters: TWO_METERS,
      },
      quiet,
    );
    try {
      sink.start(sharedBus([flat1, flat2]));
      await log.waitForPayload(`${BASE}/status`, "online");
      flat1.link("up");
      flat2.link("up");
      flat1.diagnostics(counters({ framesReceived: 4, lastFrameAt: Date.now() }));
      flat2.diagnostics(counters({ framesReceived: 2, lastFrameAt: Date.now() }));
      flat1.push(flat1Push(12_345_678, 1375));
      flat2.push(flat2Push(2_000_500, 420));
      await log.waitForPayload(`${BASE}/meter/${FLAT_1_KEY}/energy_import`, "12345.678");
      await log.waitForPayload(`${BASE}/meter/${FLAT_2_KEY}/energy_import`, "2000.500");

      // What Home Assistant finds when it subscribes now: three retained device configs.
      const configs = await retained(
        broker.url,
        `${PREFIX}/device/+/config`,
        `${PREFIX}/device/zz_marker/config`,
      );
      const byTopic = new Map(
        [...configs.values()].map((message) => [message.topic, JSON.parse(message.payload)]),
      );
      expect([...configs.values()].every((message) => message.retain)).toBe(true);
      expect([...byTopic.keys()].sort()).toEqual(
        [
          `${PREFIX}/device/e450_${FLAT_1_KEY}/config`,
          `${PREFIX}/device/e450_${FLAT_2_KEY}/config`,
          `${PREFIX}/device/e450_bridge_${BASE}/config`,
        ].sort(),
      );
      for (const [topic, payload] of byTopic) {
        expect(deviceDiscoveryProblems(PREFIX, topic, payload)).toEqual([]);
      }
      const flat1Config = byTopic.get(`${PREFIX}/device/e450_${FLAT_1_KEY}/config`);
      const flat2Config = byTopic.get(`${PREFIX}/device/e450_${FLAT_2_KEY}/config`);
      expect(flat1Config.device).toMatchObject({ name: "Flat 1", suggested_area: "Ground floor" });
      expect(flat2Config.device).toMatchObject({ name: "Flat 2", suggested_area: "First floor" });
      const components = [...byTopic.values()].flatMap(
        (payload) => Object.values(payload.components) as Component[],
      );
      const entityIds = components.map((component) => component.default_entity_id);
      const uniqueIds = components.map((component) => component.unique_id);
      expect(new Set(entityIds).size).toBe(entityIds.length);
      expect(new Set(uniqueIds).size).toBe(uniqueIds.length);
      expect(entityIds).toEqual(
        expect.arrayContaining([
          `sensor.e450_${FLAT_1_KEY}_energy_import`,
          `sensor.e450_${FLAT_2_KEY}_energy_import`,
          `sensor.e450_${FLAT_2_KEY}_link_status`,
        ]),
      );

      // Flat 1 goes on pushing; Flat 2 falls silent.
      const keepAlive = setInterval(() => flat1.push(flat1Push(12_345_678, 1375)), 250);
      try {
        await log.waitForPayload(`${BASE}/meter/${FLAT_2_KEY}/status`, "offline", 10_000);
      } finally {
        clearInterval(keepAlive);
      }
      const states = await retained(broker.url, `${BASE}/meter/+/+`, `${BASE}/meter/zz/marker`);
      const state = (key: string, entity: string) => states.get(`${BASE}/meter/${key}/${entity}`)?.payload;
      expect(state(FLAT_2_KEY, "status")).toBe("offline");
      expect(state(FLAT_1_KEY, "status")).toBe("online");
      expect(log.last(`${BASE}/status`)?.payload).toBe("online");
      expect(log.on(`${BASE}/meter/${FLAT_1_KEY}/status`).map((m) => m.payload)).toEqual(["online"]);
      // Flat 2's values are no longer shown as current; its link diagnostics still are.
      expect(flat2Config.availability).toEqual([
        { topic: `${BASE}/status` },
        { topic: `${BASE}/meter/${FLAT_2_KEY}/status` },
      ]);
      expect(flat2Config.components.link_status.availability).toEqual([{ topic: `${BASE}/status` }]);
      expect(state(FLAT_2_KEY, "link_status")).toBe("connected");
      expect(state(FLAT_2_KEY, "frames_received")).toBe("2");
      expect(state(FLAT_1_KEY, "frames_received")).toBe("4");
    } finally {
      flat1.stop();
      flat2.stop();
      await sink.stop();
      await log.close();
    }
  });
});
