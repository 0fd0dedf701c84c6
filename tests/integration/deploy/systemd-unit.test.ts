/**
 * deploy/systemd/e450.service: systemd's own checker accepts every line of it, and the command line it
 * runs — moved onto this checkout and run in the sandbox the unit asks for (sandbox.ts) — reads a
 * meter on a serial line of group dialout and publishes to a real Mosquitto as an unprivileged user,
 * then stops on SIGTERM with exit code 0 well within TimeoutStopSec. Needs `npm run build` first, the
 * packages of scripts/install-test-deps.sh, and root (systemd, too, sets the sandbox up as root).
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "../../../src/simulator/index.js";
import { type PtyBridge, startPtyBridge } from "../../../src/simulator/pty.js";
import { BrokerLog } from "../mqtt/broker-log.js";
import { Mosquitto, waitUntil } from "../mqtt/mosquitto.js";
import { innerPid, STAND_IN_ID, sandboxed } from "./sandbox.js";
import { ServiceProcess } from "./service-process.js";
import { localExecStart, readShippedUnit, serviceValue, serviceValues } from "./unit-file.js";

/** Two pushes a second apart: the guard publishes a first total once a second push confirms it. */
const FIRST_TOTALS_MS = 20_000;
/** "Stops cleanly within a few seconds": src/cli/run.ts bounds its own stop at 5 s. */
const STOP_MS = 5_000;

const { text, unit } = readShippedUnit();
let folder: string;
let broker: Mosquitto;
let log: BrokerLog;
const running: { stop(): Promise<void> | void }[] = [];

function verify(unitText: string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(folder, "verify-"));
  const file = join(dir, "e450.service");
  // verify checks that ExecStart's program exists; node may live elsewhere than /usr/bin here.
  writeFileSync(file, unitText.replace("ExecStart=/usr/bin/node ", `ExecStart=${process.execPath} `));
  return new Promise((resolve) => {
    execFile("systemd-analyze", ["verify", file], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** The group id of `name` from /etc/group. */
function groupId(name: string): number {
  const line = readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${name}:`));
  const gid = Number(line?.split(":")[2]);
  if (!Number.isInteger(gid)) throw new Error(`no group ${name} in /etc/group`);
  return gid;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * /etc/e450 and /var/lib/e450 as an install has them: the options file readable by root and the
 * service's group only, the state folder the service's own (StateDirectoryMode=).
 */
function installLayout(name: string, options: string): { configDir: string; stateDir: string } {
  const configDir = join(folder, name, "etc");
  const stateDir = join(folder, name, "state");
  mkdirSync(configDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  chownSync(stateDir, STAND_IN_ID, STAND_IN_ID);
  chmodSync(stateDir, Number.parseInt(serviceValue(unit, "StateDirectoryMode"), 8));
  const file = join(configDir, "e450.yaml");
  writeFileSync(file, options);
  chownSync(file, 0, STAND_IN_ID);
  chmodSync(file, 0o640);
  return { configDir, stateDir };
}

function startSandboxed(name: string, options: string, extraArgs: readonly string[] = []) {
  const paths = installLayout(name, options);
  const argv = [...localExecStart(unit, { node: process.execPath, ...paths }), ...extraArgs];
  const wrapped = sandboxed(unit, argv, {
    stateDir: paths.stateDir,
    readOnly: [folder],
    workDir: join(folder, name),
  });
  const service = ServiceProcess.start(wrapped, innerPid);
  running.push({ stop: () => service.kill() });
  return { service, ...paths };
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "e450-deploy-"));
  // mkdtemp makes it 0700; the service's user must reach its options and state inside.
  chmodSync(folder, 0o755);
  broker = await Mosquitto.start();
  log = await BrokerLog.connect(broker.url);
});

afterEach(async () => {
  for (const part of running.splice(0).reverse()) await part.stop();
});

afterAll(async () => {
  await log?.close();
  await broker?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("deploy/systemd/e450.service", () => {
  it("passes systemd-analyze verify without a single warning", async () => {
    expect(await verify(text)).toEqual({ code: 0, output: "" });
    // The same check on a misspelt directive: verify reads this file, and a warning is output.
    const misspelt = await verify(text.replace("\nProtectClock=yes\n", "\nProtectClok=yes\n"));
    expect(misspelt.output).toContain("Unknown key 'ProtectClok' in section [Service]");
  });

  it("runs e450 on the directories it declares, with V8's JIT allowed", () => {
    const argv = serviceValue(unit, "ExecStart").split(/\s+/);
    const flagValue = (flag: string) => argv[argv.indexOf(flag) + 1];
    expect(flagValue("--data-dir")).toBe(`/var/lib/${serviceValue(unit, "StateDirectory")}`);
    expect(flagValue("--config")).toBe(`/etc/${serviceValue(unit, "ConfigurationDirectory")}/e450.yaml`);
    // It forbids mapping memory writable and executable, which a JIT compiler needs (systemd.exec(5)).
    expect(serviceValues(unit, "MemoryDenyWriteExecute")).toEqual([]);
    // Room for src/cli/run.ts's own stop bound before systemd's SIGKILL.
    expect(Number.parseInt(serviceValue(unit, "TimeoutStopSec"), 10) * 1000).toBeGreaterThan(STOP_MS);
  });

  describe("its command line, in its sandbox", () => {
    let simulator: RunningSimulator;
    let pty: PtyBridge;

    beforeAll(async () => {
      simulator = await startSimulator({ format: "swiss", seed: 4501, intervalMs: 1_000 });
      pty = await startPtyBridge(simulator, join(folder, "ttyE450"));
    });

    afterAll(async () => {
      await pty?.stop();
      await simulator?.stop();
    });

    it("reads a serial meter as an unprivileged user of group dialout, publishes, and stops on SIGTERM", async () => {
      // A pseudo-terminal made to look like a USB adapter's node: root:dialout, 0660 (udev's rule).
      const device = realpathSync(pty.path);
      chownSync(device, 0, groupId("dialout"));
      chmodSync(device, 0o660);
      const options = [
        "meter:",
        "  connection: serial",
        `  serial_device: ${device}`,
        '  baud_rate: "2400"',
        "  serial_format: 8E1",
        "mqtt:",
        "  host: 127.0.0.1",
        `  port: ${broker.port}`,
        "publish_interval: 1",
        "",
      ].join("\n");
      const { service, stateDir } = startSandboxed("serial", options);
      const withTotals = () =>
        log.messages
          .filter((m) => /^homeassistant\/device\/e450_[^/]+\/config$/.test(m.topic) && m.payload !== "")
          .map((m) => JSON.parse(m.payload))
          .find(
            (config) =>
              config.device.serial_number === simulator.identity.serialNumber &&
              config.components.energy_import,
          );
      await log.waitFor(
        () => {
          if (service.child.exitCode !== null || service.child.signalCode !== null)
            throw new Error(`e450 exited:\n${service.output}`);
          return withTotals() !== undefined;
        },
        `discovery of meter ${simulator.identity.serialNumber} with energy totals\n${service.output}`,
        FIRST_TOTALS_MS,
      );
      const importTopic = withTotals().components.energy_import.state_topic;
      await log.waitFor(() => log.on(importTopic).length > 0, "an energy import state");
      expect(Number(log.last(importTopic)!.payload)).toBeGreaterThan(0);
      await log.waitForPayload("e450/status", "online");

      const stopped = await service.stop();
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.ms).toBeLessThan(STOP_MS);
      await log.waitForPayload("e450/status", "offline");
      // Everything it wrote is in the state folder and belongs to the service's user.
      const written = readdirSync(stateDir);
      expect(written).toEqual(expect.arrayContaining(["integrity-guard.json", "mqtt-announced.json"]));
      for (const name of written) expect(statSync(join(stateDir, name)).uid).toBe(STAND_IN_ID);
      // Nothing was refused along the way: no failed write, no blocked call.
      expect(service.lines(" ERROR ")).toEqual([]);
      expect(service.lines(" WARN ")).toEqual([]);
    }, 60_000);

    it("serves the web panel on 0.0.0.0, as a drop-in adding --http may ask", async () => {
      const port = await freePort();
      const options = ["meter:", "  connection: virtual", "http:", "  password: only-for-this-test", ""].join(
        "\n",
      );
      const { service } = startSandboxed("http", options, ["--http", `0.0.0.0:${port}`]);
      // Unauthorized is the answer of a running server that wants the password.
      await waitUntil(
        async () => {
          if (service.child.exitCode !== null) throw new Error(`e450 exited:\n${service.output}`);
          const response = await fetch(`http://127.0.0.1:${port}/api/meters`).catch(() => null);
          return response?.status === 401;
        },
        20_000,
        "the web panel to answer",
      );
      const stopped = await service.stop();
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.ms).toBeLessThan(STOP_MS);
    }, 60_000);
  });
});
