/**
 * `e450 run --config FILE` as a user runs it (the built CLI in a child process) against the virtual
 * meter and a real Mosquitto: Home Assistant would accept every discovery payload, the energy totals
 * are eligible for the Energy dashboard, and availability is right through a kill, a broker restart
 * and a Home Assistant restart. Needs `npm run build` first (npm test does it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceDiscoveryProblems } from "../../unit/sinks/mqtt/ha-discovery-rules.js";
import { BrokerLog } from "../mqtt/broker-log.js";
import { Mosquitto, waitUntil } from "../mqtt/mosquitto.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
/** The virtual meter pushes every 5 s and the guard confirms a first total with a second push. */
const FIRST_TOTALS_MS = 30_000;

let broker: Mosquitto;
let log: BrokerLog;
let folder: string;
const children: ChildProcess[] = [];

function startService(name: string): { child: ChildProcess; output: () => string } {
  const config = join(folder, `${name}.yaml`);
  writeFileSync(
    config,
    ["meter:", "  connection: virtual", "publish_interval: 1", "log_level: debug", ""].join("\n"),
  );
  const child = spawn(
    process.execPath,
    [CLI, "run", "--config", config, "--mqtt", broker.url, "--data-dir", join(folder, name)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
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

function meterConfigs() {
  return log.messages.filter(
    (m) => /^homeassistant\/device\/e450_(?!bridge)[^/]+\/config$/.test(m.topic) && m.payload !== "",
  );
}

/** The guard confirms a first total with a second push, so totals join the device a push later. */
function configsWithTotals() {
  return meterConfigs().filter((m) => JSON.parse(m.payload).components?.energy_import);
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "e450-run-"));
  broker = await Mosquitto.start();
  log = await BrokerLog.connect(broker.url);
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await log?.client.endAsync();
  await broker?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("e450 run against the virtual meter and a real broker", () => {
  it("announces a device Home Assistant accepts, with Energy-dashboard totals, and survives kill, broker and HA restarts", async () => {
    const first = startService("first");
    await log.waitFor(
      () => configsWithTotals().length > 0,
      "meter discovery with energy totals",
      FIRST_TOTALS_MS,
    );
    const config = configsWithTotals().at(-1)!;
    // Retained: a client that subscribes later (Home Assistant after a restart) still gets it.
    const late = await BrokerLog.connect(broker.url, config.topic);
    // The device grows as the analytics add their entities, so the retained config may be a later
    // one than `config`: any retained config with the totals will do.
    await late.waitFor(
      (messages) => messages.some((m) => m.retain && JSON.parse(m.payload).components?.energy_import),
      "the retained config",
    );
    await late.client.endAsync();
    const payload = JSON.parse(config.payload);
    expect(deviceDiscoveryProblems("homeassistant", config.topic, payload)).toEqual([]);
    expect(payload.device.manufacturer).toBe("Landis+Gyr");
    const importTotal = payload.components.energy_import;
    expect(importTotal).toMatchObject({
      device_class: "energy",
      state_class: "total_increasing",
      unit_of_measurement: "kWh",
    });
    await log.waitFor(() => log.on(importTotal.state_topic).length > 0, "an energy import state");
    expect(Number(log.last(importTotal.state_topic)!.payload)).toBeGreaterThan(0);
    await log.waitForPayload("e450/status", "online");

    // Home Assistant restarts: its birth message makes the service announce everything again.
    const before = meterConfigs().length;
    await log.client.publishAsync("homeassistant/status", "online");
    await log.waitFor(
      () => meterConfigs().length > before,
      "discovery republished after HA's birth message",
      10_000,
    );

    // The broker restarts (and forgets everything): the service reconnects and publishes again.
    await broker.halt();
    await broker.resume();
    await waitUntil(() => log.client.connected, 10_000, "test client reconnected");
    await log.client.subscribeAsync("#", { qos: 1 });
    const afterRestart = log.messages.length;
    await log.waitFor(
      (messages) => messages.slice(afterRestart).some((m) => m.topic === importTotal.state_topic),
      "states after the broker restart",
      30_000,
    );
    await log.waitFor(
      (messages) => messages.slice(afterRestart).some((m) => m.topic === config.topic),
      "discovery after the broker restart",
      10_000,
    );

    // The process dies without a goodbye: the broker publishes its last will.
    first.child.kill("SIGKILL");
    await log.waitForPayload("e450/status", "offline", 10_000);
  }, 120_000);

  it("stops cleanly on SIGTERM, marking itself offline", async () => {
    const second = startService("second");
    await log.waitFor(() => second.output().includes("meter link up"), "the service to start", 15_000);
    await log.waitForPayload("e450/status", "online", 10_000);
    const exited = new Promise<number | null>((resolve) =>
      second.child.once("exit", (code) => resolve(code)),
    );
    const stoppedAt = Date.now();
    second.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(log.last("e450/status")?.payload).toBe("offline");
  }, 60_000);
});
