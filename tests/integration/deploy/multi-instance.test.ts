/**
 * Several e450 instances, one broker (DOCS.md, "Several e450 instances"): two `e450 run`s started with
 * the unit's command line, each with its own options, data folder and base_topic, each reading its own
 * two meters (simulators on TCP, as serial-to-network bridges serve them), publish into ONE real
 * Mosquitto. Nothing collides: the broker never drops one client for the other (the client ids
 * differ), every device and entity is its own, each instance's availability lives under its own base
 * topic, and stopping one leaves the other's entities available and publishing.
 * Needs `npm run build` first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningSimulator,
  SIMULATOR_DEFAULT_KEYS,
  startSimulator,
} from "../../../src/simulator/index.js";
import { BrokerLog } from "../mqtt/broker-log.js";
import { Mosquitto } from "../mqtt/mosquitto.js";
import { ServiceProcess } from "./service-process.js";
import { localExecStart, readShippedUnit } from "./unit-file.js";

/** Pushes every second; the guard publishes a first total once a second push confirms it. */
const ALL_TOTALS_MS = 30_000;
const STOP_MS = 5_000;

interface Instance {
  readonly baseTopic: string;
  readonly meters: readonly {
    readonly name: string;
    readonly simulator: RunningSimulator;
    readonly encryptionKey?: string;
  }[];
  service: ServiceProcess;
}

let folder: string;
let broker: Mosquitto;
let log: BrokerLog;
const simulators: RunningSimulator[] = [];
const instances: Instance[] = [];

async function simulator(format: "swiss" | "steiermark", seed: number): Promise<RunningSimulator> {
  const started = await startSimulator({ format, seed, intervalMs: 1_000 });
  simulators.push(started);
  return started;
}

function options(instance: Omit<Instance, "service">): string {
  const lines = [
    `base_topic: ${instance.baseTopic}`,
    "publish_interval: 1",
    // The simulators push from this test's process: a busy moment must not read as a meter gone.
    "offline_after_missed_pushes: 10",
    "mqtt:",
    "  host: 127.0.0.1",
    `  port: ${broker.port}`,
    "meters:",
  ];
  for (const { name, simulator, encryptionKey } of instance.meters) {
    lines.push(
      `  - name: ${name}`,
      "    connection: tcp",
      "    tcp_host: 127.0.0.1",
      `    tcp_port: ${simulator.port}`,
    );
    if (encryptionKey) lines.push(`    encryption_key: ${encryptionKey}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The unit's command line, with this instance's options file and state folder. */
function start(instance: Omit<Instance, "service">): Instance {
  const configDir = join(folder, instance.baseTopic, "etc");
  const stateDir = join(folder, instance.baseTopic, "state");
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, "e450.yaml"), options(instance));
  const { unit } = readShippedUnit();
  const service = ServiceProcess.start(localExecStart(unit, { node: process.execPath, configDir, stateDir }));
  const started = { ...instance, service };
  instances.push(started);
  return started;
}

// biome-ignore lint/suspicious/noExplicitAny: discovery payloads are checked field by field below
type Config = any;

/** The newest discovery config of every device, parsed once per new message (the waits poll it). */
const configs = { seen: 0, byTopic: new Map<string, Config>() };
function parsedConfigs(): Config[] {
  for (const message of log.messages.slice(configs.seen)) {
    if (!/^homeassistant\/device\/[^/]+\/config$/.test(message.topic)) continue;
    if (message.payload === "") configs.byTopic.delete(message.topic);
    else configs.byTopic.set(message.topic, JSON.parse(message.payload));
  }
  configs.seen = log.messages.length;
  return [...configs.byTopic.values()];
}

/** The meter device of `simulator` with its energy totals, once announced. */
function meterConfig(simulator: RunningSimulator): Config | undefined {
  // A device is keyed by the system title a ciphered push carries, else by the serial number.
  const { serialNumber, systemTitle } = simulator.identity;
  const ids = [serialNumber, Buffer.from(systemTitle).toString("hex")].map((key) => `e450_${key}`);
  return parsedConfigs().find(
    (config) => ids.includes(config.device.identifiers[0]) && config.components.energy_import,
  );
}

function bridgeConfig(baseTopic: string): Config | undefined {
  return parsedConfigs().find(
    (config) =>
      config.device.model === "E450 reader" && config.availability?.[0]?.topic === `${baseTopic}/status`,
  );
}

function duplicates(values: readonly string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

let houseA: Instance;
let houseB: Instance;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "e450-instances-"));
  broker = await Mosquitto.start();
  log = await BrokerLog.connect(broker.url);
  houseA = start({
    baseTopic: "e450-house-a",
    meters: [
      { name: "Flat 1", simulator: await simulator("swiss", 101) },
      {
        name: "Flat 2",
        simulator: await simulator("steiermark", 102),
        encryptionKey: Buffer.from(SIMULATOR_DEFAULT_KEYS.encryptionKey).toString("hex"),
      },
    ],
  });
  houseB = start({
    baseTopic: "e450-house-b",
    meters: [
      { name: "Workshop", simulator: await simulator("swiss", 201) },
      { name: "Flat 3", simulator: await simulator("swiss", 202) },
    ],
  });
  await log.waitFor(
    () =>
      instances.every(
        (instance) =>
          bridgeConfig(instance.baseTopic) !== undefined &&
          instance.meters.every(({ simulator }) => meterConfig(simulator) !== undefined),
      ),
    `four meters with totals and two readers in discovery\n${instances.map((i) => i.service.output).join("\n")}`,
    ALL_TOTALS_MS,
  );
}, 60_000);

afterAll(async () => {
  for (const instance of instances) instance.service.kill();
  for (const started of simulators) await started.stop();
  await log?.close();
  await broker?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("two e450 instances with their own base topics, one Mosquitto", () => {
  it("keeps every device, entity and availability topic of one instance apart from the other's", async () => {
    for (const instance of instances) {
      const base = instance.baseTopic;
      await log.waitForPayload(`${base}/status`, "online");
      for (const { simulator } of instance.meters) {
        const config = meterConfig(simulator);
        const key = config.device.identifiers[0].replace(/^e450_/, "");
        expect(config.availability).toEqual([
          { topic: `${base}/status` },
          { topic: `${base}/meter/${key}/status` },
        ]);
        expect(config.device.via_device).toBe(bridgeConfig(base).device.identifiers[0]);
        for (const component of Object.values<Config>(config.components)) {
          expect(component.state_topic.startsWith(`${base}/meter/${key}/`)).toBe(true);
        }
      }
      for (const component of Object.values<Config>(bridgeConfig(base).components)) {
        expect(component.state_topic.startsWith(`${base}/`)).toBe(true);
      }
    }
    const devices = instances.flatMap((instance) => [
      bridgeConfig(instance.baseTopic),
      ...instance.meters.map(({ simulator }) => meterConfig(simulator)),
    ]);
    expect(devices).toHaveLength(6);
    expect(duplicates(devices.map((config) => config.device.identifiers[0]))).toEqual([]);
    const components = devices.flatMap((config) => Object.values<Config>(config.components));
    expect(duplicates(components.map((component) => component.unique_id))).toEqual([]);
    expect(duplicates(components.map((component) => component.state_topic))).toEqual([]);
    // Same client id: the broker would drop the older connection for the newer, and each would
    // reconnect and drop the other in turn (MQTT 3.1.1 §3.1.4).
    for (const instance of instances) {
      expect(instance.service.lines("MQTT connected")).toHaveLength(1);
      expect(instance.service.lines("MQTT connection to")).toEqual([]);
    }
  });

  it("suggests entity ids that differ between the instances", () => {
    const components = parsedConfigs().flatMap((config) => Object.values<Config>(config.components));
    // Home Assistant would number a clash (`sensor.e450_frames_received_2`): which is which is a guess.
    expect(duplicates(components.map((component) => component.default_entity_id))).toEqual([]);
  });

  it("leaves the other instance's entities available and updated when one stops", async () => {
    const mark = log.messages.length;
    const since = () => log.messages.slice(mark);
    const stopped = await houseA.service.stop();
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(STOP_MS);
    await log.waitForPayload("e450-house-a/status", "offline");

    const b = houseB.baseTopic;
    expect(log.last(`${b}/status`)?.payload).toBe("online");
    const meterStatuses = houseB.meters.map(({ simulator }) => meterConfig(simulator).availability[1].topic);
    for (const topic of meterStatuses) expect(log.last(topic)?.payload).toBe("online");
    // A state under each meter's topics: the meter clock changes with every push.
    await log.waitFor(
      () =>
        meterStatuses.every((status) =>
          since().some((m) => m.topic.startsWith(status.replace(/status$/, "")) && m.topic !== status),
        ),
      "states from both of house B's meters after house A stopped",
    );
    // Never offline on the way, not even for a moment (a repeated "online" is harmless).
    const bStatuses = since().filter((m) => m.topic.startsWith(`${b}/`) && m.topic.endsWith("/status"));
    expect(bStatuses.filter((m) => m.payload !== "online")).toEqual([]);
    for (const topic of [`${b}/status`, ...meterStatuses]) expect(log.last(topic)?.payload).toBe("online");
    expect(since().filter((m) => m.payload === "" && m.topic.startsWith("homeassistant/"))).toEqual([]);
    expect(houseB.service.lines("MQTT connected")).toHaveLength(1);

    const stoppedB = await houseB.service.stop();
    expect(stoppedB).toMatchObject({ code: 0, signal: null });
  }, 30_000);
});
