/**
 * The analytics entities against a real Mosquitto: retained discovery Home Assistant accepts, retained
 * states, and the anomaly event delivered once, never retained, and not fired again by a later update
 * or by a restart of the sink.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { meterIdentityOf } from "../../../src/meter/meter-identity.js";
import { MqttSink } from "../../../src/sinks/mqtt/mqtt-sink.js";
import type { MqttSinkOptions } from "../../../src/sinks/mqtt/options.js";
import { E450_PUSH } from "../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import { COST, FORECAST, QUIET, SPIKE, WATCHING } from "../../unit/sinks/mqtt/insight-states.js";
import { BrokerLog } from "./broker-log.js";
import { Mosquitto } from "./mosquitto.js";

const KEY = "4c475a670312d687";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const identity = meterIdentityOf(E450_PUSH);

describe("analytics entities against a real Mosquitto", () => {
  let broker: Mosquitto;
  let dataDir: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dataDir = mkdtempSync(join(tmpdir(), "e450-insights-"));
  });

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("announces, publishes, fires the event once and never replays it, across a restart", async () => {
    const base = "e450i";
    const prefix = "hai";
    const meter = `${base}/meter/${KEY}`;
    const eventTopic = `${meter}/anomaly_event`;
    const options: MqttSinkOptions = {
      host: "127.0.0.1",
      port: broker.port,
      baseTopic: base,
      discoveryPrefix: prefix,
      dataDir,
      softwareVersion: "0.1.0",
      timeZone: "Europe/Zurich",
      birthReplyMaxDelayMs: 100,
    };
    const log = await BrokerLog.connect(broker.url);
    cleanups.push(() => log.close());
    const events = () => log.on(eventTopic);
    /**
     * A price change published after everything else on the sink's one connection: once it has
     * arrived, so has any event published before it (MQTT 3.1.1 §4.6, ordered delivery).
     */
    let marker = 0.3;
    const flush = async (source: MeterEventSource) => {
      marker += 0.01;
      const price = Number(marker.toFixed(2));
      source.bus.emit("cost", { meter: "meter", identity, state: { ...COST, pricePerKwh: price } });
      await log.waitForPayload(`${meter}/price`, String(price));
    };

    const first = new MeterEventSource();
    cleanups.push(async () => first.stop());
    const sink = new MqttSink(options, quiet);
    sink.start(first.bus);
    await log.waitForPayload(`${base}/status`, "online");
    first.push(E450_PUSH);
    first.bus.emit("cost", { meter: "meter", identity, state: COST });
    first.bus.emit("forecast", { meter: "meter", identity, state: FORECAST });
    first.bus.emit("anomalies", { meter: "meter", identity, state: WATCHING, fired: [SPIKE] });
    await log.waitFor((messages) => messages.some((m) => m.topic === eventTopic), "the anomaly event");
    expect(events()).toHaveLength(1);
    expect(events()[0]?.retain).toBe(false);
    expect(JSON.parse(events()[0]?.payload ?? "{}")).toMatchObject({
      event_type: "spike",
      sentence: SPIKE.message,
    });

    // What Home Assistant gets when it subscribes now: the discovery, retained and valid.
    const late = await BrokerLog.connect(broker.url, `${prefix}/device/+/config`);
    cleanups.push(() => late.close());
    await late.waitFor((messages) => messages.length === 2, "both retained device configs");
    const config = late.messages.find((message) => message.topic === `${prefix}/device/e450_${KEY}/config`);
    expect(config?.retain).toBe(true);
    const payload = JSON.parse(config?.payload ?? "{}");
    expect(deviceDiscoveryProblems(prefix, config?.topic ?? "", payload)).toEqual([]);
    expect(payload.components).toMatchObject({
      energy_import: { platform: "sensor" },
      price: { unit_of_measurement: "CHF/kWh" },
      cost_total: { device_class: "monetary", state_class: "total" },
      forecast_tomorrow: { device_class: "energy" },
      forecast_month_cost: { unit_of_measurement: "CHF" },
      anomaly: { platform: "binary_sensor", device_class: "problem" },
      anomaly_event: { platform: "event", event_types: WATCHING.kinds },
    });

    // The retained states: numbers and JSON, and no retained event.
    const retained = new Map(
      (await BrokerLog.retainedUnder(broker.url, meter)).map((message) => [message.topic, message.payload]),
    );
    expect(retained.get(`${meter}/price`)).toBe("0.2731");
    expect(Number(retained.get(`${meter}/forecast_today`))).toBeCloseTo(12.346);
    expect(JSON.parse(retained.get(`${meter}/cost_today`) ?? "{}")).toMatchObject({ value: 1.3 });
    expect(retained.get(`${meter}/anomaly`)).toBe("ON");
    expect(retained.has(eventTopic)).toBe(false);
    const attributes = new Map(
      (await BrokerLog.retainedUnder(broker.url, `${meter}/forecast_tomorrow`)).map((m) => [
        m.topic,
        m.payload,
      ]),
    );
    expect(JSON.parse(attributes.get(`${meter}/forecast_tomorrow/attributes`) ?? "{}")).toMatchObject({
      p10: 6,
      p90: 18,
    });

    // A later update with nothing newly fired fires nothing, even though the incident is still open.
    first.bus.emit("anomalies", { meter: "meter", identity, state: WATCHING, fired: [] });
    await flush(first);
    expect(events()).toHaveLength(1);

    // Restart: a new sink instance; the analytics report the open incident again, with nothing fired.
    await sink.stop();
    first.stop();
    const second = new MeterEventSource();
    cleanups.push(async () => second.stop());
    const restarted = new MqttSink(options, quiet);
    cleanups.push(() => restarted.stop());
    restarted.start(second.bus);
    second.push(E450_PUSH);
    second.bus.emit("anomalies", { meter: "meter", identity, state: WATCHING, fired: [] });
    await flush(second);
    second.bus.emit("anomalies", { meter: "meter", identity, state: QUIET, fired: [] });
    await log.waitForPayload(`${meter}/anomaly`, "OFF");
    await flush(second);
    expect(events()).toHaveLength(1);
  });
});
