/**
 * The live analytics end to end, as a user meets them: `e450 history import` of a real year
 * (tests/fixtures/bench-data, a Dutch household's 2024), then `e450 run` reading the virtual E450
 * served fast (`e450 simulate --speed`, ten meter hours per wall minute; intervals follow the meter's
 * clock) into a real Mosquitto. Within a minute the cost, forecast and anomaly entities are announced
 * and pass Home Assistant's rules; an outage of twelve meter hours (the simulator stopped and started
 * again later, its registers continued) fires the anomaly event once; a restart of e450 in the middle
 * loses no interval and fires nothing again. Needs `npm run build` first (npm test does it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/logging/logger.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { historyFile } from "../../../src/store/location.js";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import { BrokerLog, type Received } from "../mqtt/broker-log.js";
import { Mosquitto, waitUntil } from "../mqtt/mosquitto.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const DUTCH = fileURLToPath(
  new URL("../../fixtures/bench-data/nl_dsmr_reader_2024_hourly_pv.csv", import.meta.url),
);
/** The virtual meter of the default seed: its serial is its key (cli/history-meter.ts). */
const METER = "29076916";
const ZONE = "Europe/Amsterdam";
const SPEED = 600;
const START = Date.parse("2025-01-01T00:00:00+01:00");
const HOUR = 3_600_000;
const QUARTER = 900_000;
const ENV = { ...process.env, TZ: ZONE };

let broker: Mosquitto;
let log: BrokerLog;
let folder: string;
const children: ChildProcess[] = [];

function spawnCli(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env: ENV });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  children.push(child);
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** The fast virtual meter from `startMs` (meter time), continuing the registers saved in the counters file. */
async function startSimulator(
  startMs: number,
): Promise<{ child: ChildProcess; port: number; startedAt: number }> {
  const sim = spawnCli([
    "simulate",
    ...["--speed", String(SPEED), "--interval", "60", "--start", new Date(startMs).toISOString()],
    ...["--counters", join(folder, "counters.json")],
  ]);
  let port = 0;
  await waitUntil(
    () => {
      port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(sim.output())?.[1] ?? 0);
      return port > 0;
    },
    10_000,
    "the simulator to listen",
  );
  return { child: sim.child, port, startedAt: Date.now() };
}

function startService(name: string, port: number) {
  const config = join(folder, `${name}.yaml`);
  writeFileSync(
    config,
    [
      "meter:",
      "  connection: tcp",
      "  tcp_host: 127.0.0.1",
      `  tcp_port: ${port}`,
      "tariff:",
      "  currency: CHF",
      "  import_price: 0.30",
      "publish_interval: 1",
      "",
    ].join("\n"),
  );
  return spawnCli(["run", "--config", config, "--mqtt", broker.url, "--data-dir", join(folder, "data")]);
}

const stateTopic = (entity: string) => `e450/meter/${METER}/${entity}`;
const deviceTopic = `homeassistant/device/e450_${METER}/config`;

function lastComponents(): Record<string, Record<string, unknown>> {
  const config = log.last(deviceTopic);
  return config ? (JSON.parse(config.payload).components ?? {}) : {};
}

function events(): Received[] {
  return log.on(stateTopic("anomaly_event"));
}

function stallEvents(): Received[] {
  return events().filter((m) => JSON.parse(m.payload).event_type === "data-stall");
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "e450-analytics-"));
  broker = await Mosquitto.start();
  log = await BrokerLog.connect(broker.url);
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await log?.client.endAsync();
  await broker?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("live analytics after a history import, against a fast virtual meter", () => {
  it("announces cost, forecast and anomaly entities, fires an outage once, and a restart loses and re-fires nothing", async () => {
    const imported = spawnSync(
      process.execPath,
      [
        CLI,
        ...["history", "import", "--input", DUTCH, "--kind", "interval-kwh", "--timezone", ZONE],
        ...["--column", "1", "--column", "2", "--export-column", "3", "--export-column", "4"],
        ...["--data-dir", join(folder, "data")],
      ],
      { encoding: "utf8", env: ENV },
    );
    expect(imported.status, imported.stderr).toBe(0);

    const sim = await startSimulator(START);
    const first = startService("first", sim.port);
    await log.waitFor(
      () => {
        const components = lastComponents();
        return ["price", "cost_total", "forecast_today", "anomaly", "anomaly_event"].every(
          (id) => id in components,
        );
      },
      "cost, forecast and anomaly entities in the meter's discovery",
      60_000,
    );
    const config = log.last(deviceTopic)!;
    expect(deviceDiscoveryProblems("homeassistant", config.topic, JSON.parse(config.payload))).toEqual([]);
    const components = lastComponents();
    expect(components.anomaly).toMatchObject({ platform: "binary_sensor", device_class: "problem" });
    expect(components.anomaly_event).toMatchObject({ platform: "event" });
    expect(components.anomaly_event!.event_types).toEqual(expect.arrayContaining(["spike", "data-stall"]));
    expect(components.cost_total).toMatchObject({
      device_class: "monetary",
      state_class: "total",
      unit_of_measurement: "CHF",
    });
    expect(components.price).toMatchObject({ unit_of_measurement: "CHF/kWh" });

    await log.waitFor(() => log.last(stateTopic("forecast_today")) !== undefined, "a forecast state", 30_000);
    expect(Number(log.last(stateTopic("price"))!.payload)).toBeCloseTo(0.3, 12);
    expect(Number.isFinite(Number(log.last(stateTopic("forecast_today"))!.payload))).toBe(true);
    const forecastAttributes = JSON.parse(log.last(stateTopic("forecast_today/attributes"))!.payload);
    // Warm from a year of imported history: the model has scored its own errors, so it has an interval.
    expect(typeof forecastAttributes.p10).toBe("number");
    expect(typeof forecastAttributes.p90).toBe("number");
    expect(forecastAttributes.p10).toBeLessThanOrEqual(forecastAttributes.p90);
    expect(stallEvents()).toEqual([]);
    // Live intervals priced: the never-resetting total counts only what this run measured.
    await log.waitFor(
      () => Number(log.last(stateTopic("cost_total"))?.payload ?? 0) > 0.1,
      "live intervals in the total cost",
      30_000,
    );

    // An outage: the meter is silent for twelve of its hours, then pushes again.
    await stop(sim.child);
    const silentFrom = START + (Date.now() - sim.startedAt) * SPEED;
    const back = await startSimulator(silentFrom + 12 * HOUR);
    // The running service reconnects to the bridge's new port only through a restart, which is
    // the second half of this test: restart it now, mid-stream.
    await stop(first.child);
    const totalBefore = Number(JSON.parse(log.last(stateTopic("cost_total"))!.payload));
    const firedBefore = events().length;
    const second = startService("second", back.port);
    await log
      .waitFor(() => stallEvents().length > 0, "the data-stall event", 60_000)
      .catch((error) => {
        const store = HistoryStore.open(
          historyFile(join(folder, "data")),
          createLogger(
            "fatal",
            (t) => t,
            () => {},
          ),
        );
        const dump = JSON.stringify([
          store.anomalies(METER, 0, 2 * Date.now()),
          store
            .intervals(METER, START, 2 * Date.now())
            .map((i) => [new Date(i.startMs).toISOString(), i.source]),
        ]);
        store.close();
        throw new Error(
          `${(error as Error).message}\n${second.output()}\n${dump}\n${events()
            .map((e) => e.payload)
            .join("\n")}`,
        );
      });
    const stall = JSON.parse(stallEvents()[0]!.payload);
    expect(stall.sentence).toMatch(/No data/);
    expect(stallEvents()[0]!.retain).toBe(false);

    // Later intervals go on; nothing fired before the restart comes again.
    await waitUntil(() => Date.now() - back.startedAt > 15_000, 15_000 + 5_000, "a further two meter hours");
    expect(stallEvents()).toHaveLength(1);
    const keys = events()
      .map((m) => JSON.parse(m.payload))
      .map((e) => `${e.event_type}@${e.since}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(events().length).toBeGreaterThanOrEqual(firedBefore + 1);
    expect(Number(JSON.parse(log.last(stateTopic("cost_total"))!.payload))).toBeGreaterThanOrEqual(
      totalBefore,
    );
    expect(second.output()).not.toMatch(/ERROR|error:/);

    await stop(second.child);
    await stop(back.child);
    // Nothing lost across the restart and the outage: every quarter hour from the first push on is
    // stored, live or (inside the outage) estimated.
    const store = HistoryStore.open(
      historyFile(join(folder, "data")),
      createLogger(
        "fatal",
        (t) => t,
        () => {},
      ),
    );
    try {
      const live = store.intervals(METER, START, Number.MAX_SAFE_INTEGER);
      // At least the twelve hours of the outage, which are estimated.
      expect(live.length).toBeGreaterThan(48);
      for (let i = 1; i < live.length; i++) expect(live[i]!.startMs - live[i - 1]!.startMs).toBe(QUARTER);
      expect(live.some((interval) => interval.source === "estimated")).toBe(true);
    } finally {
      store.close();
    }
  }, 180_000);
});
