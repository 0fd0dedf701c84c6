/**
 * Several meters in one `e450 run` (issue 12, "Must show"), with real parts: the built CLI reading
 * three `e450 simulate` processes of different formats and publishing to a real Mosquitto —
 * - an encrypted Steiermark push over TCP, through a relay that notes when each push reached e450
 *   (several-meters-relay.ts),
 * - a Swiss push over TCP (the simulator serves as a ser2net-style bridge would),
 * - an IEC 62056-21 mode C optical readout on a serial port: a socat pseudo-terminal (`simulate
 *   --pty`), so that the readout's change-over from 300 Bd happens on a real tty, as with an optical
 *   head; mode-c.test.ts reads the same dialogue over TCP, as through ser2net.
 * Home Assistant must see three devices named as configured with no clashing ids, and a meter whose
 * simulator is killed goes unavailable alone. A second e450 process, with a wrong key for its
 * Austrian meter, shows that meter delaying no other's pushes; a third loads a single-meter options
 * file of before issue 12 and publishes the same device and unique ids as then.
 * Everything about a meter is read from its discovery payload (device, state and availability
 * topics), never from how e450 builds topics. Needs `npm run build` first (npm test does it).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import { type CliProcess, Processes } from "../influx/forwarding-meter.js";
import { Mosquitto, waitUntil } from "../mqtt/mosquitto.js";
import { SINGLE_METER_GOLDEN } from "./several-meters-golden.js";
import {
  type DeviceConfig,
  devicesOf,
  idClashes,
  latestDeviceConfigs,
  liveComponents,
  meterAvailabilityTopics,
  retainedDeviceConfigs,
  stateTopic,
  TimedLog,
} from "./several-meters-mqtt.js";
import { publishDelays, TimingRelay } from "./several-meters-relay.js";
import {
  type MeterItem,
  type SimulatedMeter,
  simulate,
  writeMetersOptions,
} from "./several-meters-simulators.js";

/** The example key of issue 12's options: what the Austrian meters cipher with. */
const KEY = "00112233445566778899AABBCCDDEEFF";
const WRONG_KEY = "FFEEDDCCBBAA99887766554433221100";
const PREFIX = "homeassistant";
const BRIDGE_STATUS = "e450/status";
/**
 * Push interval of the push meters: above publish_interval (1 s, its minimum), so the rate limit never
 * holds a push's clock state back and each push shows as one publication; short, so that the offline
 * timeout (learned interval × offline_after_missed_pushes) is a few seconds.
 */
const PUSH_SECONDS = 1.5;
const MISSED_PUSHES = 2;
const OPTIONS = { publish_interval: 1, offline_after_missed_pushes: MISSED_PUSHES };
/**
 * A mode C meter is polled once a minute (READOUT_POLL_MS in src/service/meters.ts, not an option),
 * and the integrity guard confirms a first total with the next reading: its totals come a minute in.
 */
const READOUT_POLL_MS = 60_000;
/**
 * How long after a push reached e450 its state may reach a subscriber. Decoding and publishing take
 * a few milliseconds; the bound leaves room for a busy shared machine (other test files run beside
 * this one), and stays at a third of the push interval: a push dropped, or queued behind the next,
 * shows as a whole interval.
 */
const PUBLISH_DELAY_BOUND_MS = 500;
/** Until every meter's device is announced: starting four node processes on a busy machine. */
const ANNOUNCED_MS = 30_000;
/**
 * From e450's start to the readout meter's first states: options, broker, plugins, the sign-on
 * dialogue (the baud change-over waits 300 ms) and the readout; half a second on an idle machine, a
 * few seconds on a busy one. A sign-on that failed would retry after 2 s, then 4 s, 8 s (the session's
 * backoff), and the next regular poll is a minute away.
 */
const READOUT_AT_START_MS = 10_000;
/** Timer jitter allowed on the offline timeout. */
const OFFLINE_SLACK_MS = 750;

const processes = new Processes();
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  await processes.endAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(name: string): string {
  const created = mkdtempSync(join(tmpdir(), `e450-meters-${name}-`));
  cleanups.push(() => rmSync(created, { recursive: true, force: true }));
  return created;
}

async function brokerWithLog(): Promise<{ broker: Mosquitto; log: TimedLog }> {
  const broker = await Mosquitto.start();
  cleanups.push(() => broker.stop());
  const log = await TimedLog.connect(broker.url);
  cleanups.push(() => log.close());
  return { broker, log };
}

async function relayTo(meter: SimulatedMeter): Promise<TimingRelay> {
  const relay = await TimingRelay.start(meter.port);
  cleanups.push(() => relay.close());
  return relay;
}

function run(dir: string, config: string, broker: Mosquitto): CliProcess {
  return processes.cli(["run", "--config", config, "--mqtt", broker.url, "--data-dir", join(dir, "data")]);
}

function tcp(port: number): MeterItem {
  return { connection: "tcp", tcp_host: "127.0.0.1", tcp_port: port };
}

/** Adds what e450 printed to a failed wait's error: why a meter never showed is in its log. */
async function watching(e450: CliProcess, wait: Promise<void>): Promise<void> {
  try {
    await wait;
  } catch (error) {
    throw new Error(`${(error as Error).message}
e450 printed:
${e450.log}`);
  }
}

/** Waits until each meter has a device whose components include `components`. */
async function devicesAnnounced(
  log: TimedLog,
  meters: readonly { name: string; sim: SimulatedMeter; components: readonly string[] }[],
  timeoutMs: number,
  e450: CliProcess,
): Promise<void> {
  const ready = () => {
    const configs = latestDeviceConfigs(log, PREFIX);
    return meters.every(({ sim, components }) =>
      devicesOf(configs, sim.marks).some((config) =>
        components.every((id) => config.payload.components[id]?.state_topic),
      ),
    );
  };
  await watching(e450, waitUntil(ready, timeoutMs, `${meters.map((m) => m.name).join(", ")} announced`));
}

/** The one device of a meter; none, or more than one, fails the test. */
function theDevice(configs: readonly DeviceConfig[], sim: SimulatedMeter, name: string): DeviceConfig {
  const devices = devicesOf(configs, sim.marks);
  if (devices.length !== 1) {
    const found = devices.map((device) => device.objectId).join(", ") || "none";
    throw new Error(`${name}: expected one device naming ${sim.marks.join(" or ")}, found ${found}`);
  }
  return devices[0]!;
}

const arrivalTimes = (log: TimedLog, topic: string) =>
  log
    .on(topic)
    .filter((message) => !message.retain)
    .map((message) => message.at);

const numberState = (log: TimedLog, topic: string) => Number(log.last(topic)?.payload);

// Each case has its own simulators, broker and folder, so they run side by side: the first waits a
// minute for the readout meter's second readout anyway.
describe.concurrent("several meters in one e450 run", () => {
  it("shows three meters of different formats as three devices, and a killed meter goes unavailable alone", async ({
    expect,
  }) => {
    const dir = folder("three");
    const pty = join(dir, "ttyOptical");
    const [austrian, swiss, optical] = await Promise.all([
      simulate(processes, { format: "steiermark", seed: 1, key: KEY, intervalSeconds: PUSH_SECONDS }),
      simulate(processes, { format: "swiss", seed: 2, intervalSeconds: PUSH_SECONDS }),
      simulate(processes, { format: "iec62056-21", seed: 3, pty }),
    ]);
    const relay = await relayTo(austrian);
    const { broker, log } = await brokerWithLog();
    const items = {
      austrian: { name: "Flat 1", area: "Ground floor", ...tcp(relay.port), encryption_key: KEY },
      swiss: { name: "Workshop", ...tcp(swiss.port) },
      optical: { name: "Heat pump", connection: "serial", serial_device: pty, protocol: "iec62056-21" },
    };
    const config = join(dir, "options.yaml");
    writeMetersOptions(config, [items.austrian, items.swiss, items.optical], OPTIONS);
    const startedAt = Date.now();
    const e450 = run(dir, config, broker);

    // The push meters' totals join their devices with the second push; the readout's with the second
    // readout, a minute later, so at first it shows its instantaneous values.
    await devicesAnnounced(
      log,
      [
        { name: items.austrian.name, sim: austrian, components: ["energy_import", "meter_clock"] },
        { name: items.swiss.name, sim: swiss, components: ["energy_import", "meter_clock"] },
        { name: items.optical.name, sim: optical, components: ["voltage_l1"] },
      ],
      ANNOUNCED_MS,
      e450,
    );
    const announcedMs = Date.now() - startedAt;

    // What a Home Assistant connecting now gets: one device per meter, named as configured.
    const configs = await retainedDeviceConfigs(broker.url, PREFIX);
    const devices = {
      austrian: theDevice(configs, austrian, items.austrian.name),
      swiss: theDevice(configs, swiss, items.swiss.name),
      optical: theDevice(configs, optical, items.optical.name),
    };
    expect(devices.austrian.payload.device.name).toBe(items.austrian.name);
    expect(devices.swiss.payload.device.name).toBe(items.swiss.name);
    expect(devices.optical.payload.device.name).toBe(items.optical.name);
    expect(devices.austrian.payload.device["suggested_area"]).toBe(items.austrian.area);
    // Besides the meters, only the reader's own device.
    const meterTopics = new Set(Object.values(devices).map((device) => device.topic));
    expect(configs.filter((c) => !meterTopics.has(c.topic)).map((c) => c.objectId)).toHaveLength(1);
    expect(idClashes(configs)).toEqual([]);
    for (const device of configs) {
      expect(deviceDiscoveryProblems(PREFIX, device.topic, device.payload), device.topic).toEqual([]);
    }
    for (const device of Object.values(devices)) {
      expect(liveComponents(device).length, device.objectId).toBeGreaterThan(5);
      expect(meterAvailabilityTopics(device, BRIDGE_STATUS), device.objectId).not.toEqual([]);
    }

    // Each meter's states arrive on its own device's topics: what its format carries (the Steiermark
    // push has no voltages, the readout no power), and the push meters' confirmed totals.
    const clock = {
      austrian: stateTopic(devices.austrian, "meter_clock"),
      swiss: stateTopic(devices.swiss, "meter_clock"),
    };
    const readings: [DeviceConfig, string, (value: number) => boolean][] = [
      [devices.austrian, "power_import", (watts) => watts >= 0],
      [devices.austrian, "energy_import", (kwh) => kwh > 0],
      [devices.swiss, "voltage_l1", (volts) => volts > 200],
      [devices.swiss, "energy_import", (kwh) => kwh > 0],
      [devices.optical, "voltage_l1", (volts) => volts > 200],
    ];
    for (const [device, component, plausible] of readings) {
      const topic = stateTopic(device, component);
      await waitUntil(() => plausible(numberState(log, topic)), 5_000, `${device.objectId} ${component}`);
    }
    const status = (device: DeviceConfig) => meterAvailabilityTopics(device, BRIDGE_STATUS);
    const online = (device: DeviceConfig) =>
      status(device).every((topic) => log.last(topic)?.payload === "online");
    await waitUntil(() => Object.values(devices).every(online), 5_000, "every meter online");

    // A few more Swiss pushes, so that its learned interval is the real one; then its bridge dies.
    const swissPushesBefore = arrivalTimes(log, clock.swiss).length;
    await waitUntil(
      () => arrivalTimes(log, clock.swiss).length >= swissPushesBefore + 3,
      10_000,
      "three more Swiss pushes",
    );
    await swiss.process.end("SIGKILL");
    const killedAt = Date.now();
    const wentOffline = () =>
      status(devices.swiss).some((topic) =>
        log.on(topic).some((m) => m.at >= killedAt && m.payload === "offline"),
      );
    await waitUntil(wentOffline, 10_000, "the killed meter to go offline");
    const offlineAt = Math.min(
      ...status(devices.swiss).flatMap((topic) =>
        log
          .on(topic)
          .filter((m) => m.at >= killedAt && m.payload === "offline")
          .map((m) => m.at),
      ),
    );
    // The timeout is the learned interval (the longest of the last eight gaps) × the missed pushes,
    // counted from the last push published (one already sent when the simulator died still counts).
    const swissArrivals = arrivalTimes(log, clock.swiss).filter((at) => at < offlineAt);
    const learnedIntervalMs = Math.max(
      ...swissArrivals.slice(-9).map((at, i, all) => (i === 0 ? 0 : at - all[i - 1]!)),
    );
    const offlineTimeoutMs = learnedIntervalMs * MISSED_PUSHES;
    const offlineAfterLastPushMs = offlineAt - swissArrivals.at(-1)!;
    expect(offlineAfterLastPushMs).toBeLessThanOrEqual(offlineTimeoutMs + OFFLINE_SLACK_MS);

    // The readout meter keeps being read: its second readout confirms its totals, which join its
    // device then and are published.
    const opticalTotalPublished = () => {
      const device = latestDeviceConfigs(log, PREFIX).find((c) => c.topic === devices.optical.topic);
      const topic = device?.payload.components["energy_import"]?.state_topic;
      return topic !== undefined && log.on(topic).some((m) => m.at > killedAt && Number(m.payload) > 0);
    };
    await waitUntil(
      opticalTotalPublished,
      startedAt + READOUT_POLL_MS + 20_000 - Date.now(),
      "the readout meter's second readout (its totals)",
    );
    const observedUntil = Date.now();

    // Only the killed meter went unavailable; the others and the reader were online throughout.
    for (const device of [devices.austrian, devices.optical]) {
      for (const topic of status(device)) {
        expect(
          log.on(topic).map((m) => m.payload),
          topic,
        ).not.toContain("offline");
        expect(log.last(topic)?.payload, topic).toBe("online");
      }
    }
    expect(log.on(BRIDGE_STATUS).map((m) => m.payload)).not.toContain("offline");

    // The Austrian meter published every push on time, before and after the other meter died.
    const austrianPublished = arrivalTimes(log, clock.austrian);
    const delays = publishDelays(
      relay.pushes,
      austrianPublished,
      austrianPublished[0]! + 1,
      observedUntil - PUBLISH_DELAY_BOUND_MS,
    );
    const afterKill = publishDelays(
      relay.pushes,
      austrianPublished,
      killedAt,
      observedUntil - PUBLISH_DELAY_BOUND_MS,
    );
    expect(afterKill.length).toBeGreaterThanOrEqual(
      Math.floor((observedUntil - killedAt) / (PUSH_SECONDS * 1000)) - 2,
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(PUBLISH_DELAY_BOUND_MS);

    await e450.end("SIGTERM");
    expect(e450.child.exitCode).toBe(0);
    report("three meters", {
      announcedMs,
      learnedIntervalMs,
      offlineTimeoutMs,
      offlineAfterKillMs: offlineAt - killedAt,
      offlineAfterLastPushMs,
      austrianPushes: delays.length,
      ...delayFigures(delays),
      totalMs: Date.now() - startedAt,
    });
  }, 150_000);

  it("a wrong key on one meter delays no other meter's pushes", async ({ expect }) => {
    const dir = folder("wrong-key");
    const [austrian, swiss, optical] = await Promise.all([
      simulate(processes, { format: "steiermark", seed: 4, key: KEY, intervalSeconds: PUSH_SECONDS }),
      simulate(processes, { format: "swiss", seed: 5, intervalSeconds: PUSH_SECONDS }),
      simulate(processes, { format: "iec62056-21", seed: 6 }),
    ]);
    const relay = await relayTo(swiss);
    const { broker, log } = await brokerWithLog();
    const items = {
      austrian: { name: "Flat 2", ...tcp(austrian.port), encryption_key: WRONG_KEY },
      swiss: { name: "Shop", ...tcp(relay.port) },
      // Over TCP, as through ser2net: the dialogue goes on at the bridge's fixed rate.
      optical: { name: "Garage", ...tcp(optical.port), protocol: "iec62056-21" },
    };
    const config = join(dir, "options.yaml");
    writeMetersOptions(config, [items.austrian, items.swiss, items.optical], OPTIONS);
    const startedAt = Date.now();
    const e450 = run(dir, config, broker);

    await devicesAnnounced(
      log,
      [
        { name: items.swiss.name, sim: swiss, components: ["meter_clock"] },
        { name: items.optical.name, sim: optical, components: ["voltage_l1"] },
      ],
      ANNOUNCED_MS,
      e450,
    );
    const configs = latestDeviceConfigs(log, PREFIX);
    const swissClock = stateTopic(theDevice(configs, swiss, items.swiss.name), "meter_clock");
    const opticalVoltage = stateTopic(theDevice(configs, optical, items.optical.name), "voltage_l1");
    await waitUntil(() => numberState(log, opticalVoltage) > 200, 5_000, "the readout meter's voltage");
    // From e450's first log line, so that the time node takes to load (seconds on a busy machine) is left out.
    const e450StartedAt = Date.parse(e450.log.split(" ", 1)[0]!);
    const firstReadoutMs = log.on(opticalVoltage)[0]!.at - e450StartedAt;
    const firstSwiss = () => arrivalTimes(log, swissClock)[0];
    await waitUntil(() => firstSwiss() !== undefined, 5_000, "a Swiss push published");
    // Nine more pushes from the Swiss meter while every Austrian push fails to decrypt.
    await waitUntil(
      () => arrivalTimes(log, swissClock).length >= 10,
      10 * PUSH_SECONDS * 1000 + 5_000,
      "ten Swiss pushes published",
    );
    const observedUntil = Date.now();

    // The Austrian meter never got a device (nothing decrypted), and e450 said why.
    const retained = await retainedDeviceConfigs(broker.url, PREFIX);
    expect(devicesOf(retained, austrian.marks)).toEqual([]);
    expect(e450.log).toMatch(new RegExp(`${items.austrian.name}: .*encryption key`));
    // The others were read as if it were not there: every Swiss push on time, the readout at once.
    const delays = publishDelays(
      relay.pushes,
      arrivalTimes(log, swissClock),
      firstSwiss()! + 1,
      observedUntil - PUBLISH_DELAY_BOUND_MS,
    );
    expect(delays.length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...delays)).toBeLessThanOrEqual(PUBLISH_DELAY_BOUND_MS);
    expect(firstReadoutMs).toBeLessThan(READOUT_AT_START_MS);

    await e450.end("SIGTERM");
    expect(e450.child.exitCode).toBe(0);
    report("wrong key", {
      firstReadoutMs,
      swissPushes: delays.length,
      ...delayFigures(delays),
      totalMs: Date.now() - startedAt,
    });
  }, 90_000);

  it("loads a single-meter options file of before issue 12 and publishes the same device and unique ids", async ({
    expect,
  }) => {
    const dir = folder("single");
    const austrian = await simulate(processes, {
      format: "steiermark",
      seed: 1,
      key: KEY,
      intervalSeconds: PUSH_SECONDS,
    });
    const { broker, log } = await brokerWithLog();
    const config = join(dir, "options.yaml");
    writeFileSync(
      config,
      [
        "meter:",
        "  connection: tcp",
        "  tcp_host: 127.0.0.1",
        `  tcp_port: ${austrian.port}`,
        `  encryption_key: ${KEY}`,
        "publish_interval: 1",
        "",
      ].join("\n"),
    );
    const startedAt = Date.now();
    const e450 = run(dir, config, broker);
    const golden = SINGLE_METER_GOLDEN;
    const hasGolden = (
      configs: readonly DeviceConfig[],
      device: typeof golden.meter | typeof golden.bridge,
    ) =>
      configs.some(
        (c) =>
          c.topic === device.topic && Object.keys(device.components).every((id) => c.payload.components[id]),
      );
    await watching(
      e450,
      waitUntil(
        () => {
          const configs = latestDeviceConfigs(log, PREFIX);
          return hasGolden(configs, golden.meter) && hasGolden(configs, golden.bridge);
        },
        ANNOUNCED_MS,
        "the golden entities announced",
      ),
    );

    const configs = await retainedDeviceConfigs(broker.url, PREFIX);
    expect(configs.map((c) => c.topic).sort()).toEqual([golden.bridge.topic, golden.meter.topic].sort());
    expect(devicesOf(configs, austrian.marks).map((c) => c.topic)).toEqual([golden.meter.topic]);
    for (const device of [golden.meter, golden.bridge]) {
      const published = configs.find((c) => c.topic === device.topic)!;
      expect(published.payload.device.identifiers).toEqual(device.identifiers);
      expect(published.payload.device.name).toBe(device.name);
      expect(published.payload.availability?.map((a) => a.topic)).toEqual(device.availability);
      // The same entities, no more and no fewer: a single meter's payloads are unchanged.
      expect(
        liveComponents(published)
          .map(([id]) => id)
          .sort(),
        device.topic,
      ).toEqual(Object.keys(device.components).sort());
      for (const [id, [platform, uniqueId]] of Object.entries(device.components)) {
        expect(published.payload.components[id], `${device.topic} ${id}`).toMatchObject({
          platform,
          unique_id: uniqueId,
          state_topic: `${device.statePrefix}${id}`,
        });
      }
    }
    const total = `${golden.meter.statePrefix}energy_import`;
    await waitUntil(() => numberState(log, total) > 0, 5_000, "the import total");
    await waitUntil(() => log.last(golden.meter.availability[1])?.payload === "online", 5_000, "online");
    // The state files keep their single-meter names (an upgrade finds its integrity guard's totals).
    const files = readdirSync(join(dir, "data"));
    expect(files).toContain("integrity-guard.json");
    expect(files.filter((file) => /\.meter-/.test(file))).toEqual([]);

    await e450.end("SIGTERM");
    expect(e450.child.exitCode).toBe(0);
    report("single meter", { totalMs: Date.now() - startedAt });
  }, 60_000);
});

function delayFigures(delays: readonly number[]): Record<string, number> {
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    delayMedianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    delayMaxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/** The figures a run measured, for the record (vitest shows them with the test's output). */
function report(what: string, figures: Record<string, number>): void {
  console.log(`several meters, ${what}: ${JSON.stringify(figures)}`);
}
