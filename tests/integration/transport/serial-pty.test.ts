/**
 * The serial transport reading the virtual meter through a real pseudo-terminal (socat), as it reads
 * a USB M-Bus adapter: pushes decode, and when the "cable" is pulled and plugged back the transport
 * reopens the port by itself. Line-format changes are checked on the device side with stty; a Linux
 * pty keeps the rate, parodd and cstopb its opener sets but forces cs8 and -parenb (pty_set_termios
 * in drivers/tty/pty.c), so data bits and parity are checked where the port is opened, in the binding.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import {
  type RunningSimulator,
  SIMULATOR_DEFAULT_KEYS,
  startSimulator,
} from "../../../src/simulator/index.js";
import { type PtyBridge, startPtyBridge } from "../../../src/simulator/pty.js";
import { SerialTransport } from "../../../src/transport/serial.js";
import type { LinkState } from "../../../src/model/link-state.js";
import { SERIAL_PRESETS } from "../../../src/transport/transport.js";
import type { BackoffOptions } from "../../../src/util/backoff.js";
import { waitUntil } from "../mqtt/mosquitto.js";

const parts: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const part of parts.splice(0).reverse()) await part.stop();
  vi.restoreAllMocks();
});

/** What the kernel holds for the open pty (its slave side, the device the transport opened). */
function stty(device: string): { speed: number; parodd: boolean; cstopb: boolean } {
  const out = execFileSync("stty", ["-F", device, "-a"], { encoding: "utf8" });
  const flags = new Set(out.split(/[\s;]+/));
  return {
    speed: Number(/speed (\d+) baud/.exec(out)?.[1]),
    parodd: flags.has("parodd"),
    cstopb: flags.has("cstopb"),
  };
}

/**
 * A simulated meter pushing every 200 ms behind a pty, and a transport reading it at 2400 Bd 8E1;
 * `cable` pulls the pty away and plugs it back at the same path.
 */
async function meterOnPty(backoff: BackoffOptions = { initialMs: 100, maxMs: 200, random: () => 1 }) {
  const simulator: RunningSimulator = await startSimulator({
    format: "burgenland",
    intervalMs: 5_000,
    speed: 25,
  });
  parts.push(simulator);
  const link = join(mkdtempSync(join(tmpdir(), "e450-pty-")), "ttyE450");
  let bridge: PtyBridge = await startPtyBridge(simulator, link);
  parts.push({ stop: () => bridge.stop() });
  const opens = vi.spyOn(SerialPort.binding, "open");
  const transport = new SerialTransport({
    path: link,
    format: SERIAL_PRESETS.mbus,
    backoff,
  });
  parts.push({ stop: () => transport.stop() });
  const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
  const seen = { snapshots: 0, states: [] as LinkState[], reasons: [] as string[] };
  transport.on("data", (chunk) => {
    for (const event of decoder.push(chunk, Date.now())) if (event.kind === "snapshot") seen.snapshots++;
  });
  transport.on("state", (state, reason) => {
    seen.states.push(state);
    if (reason) seen.reasons.push(reason);
  });
  await transport.start();
  await waitUntil(() => seen.snapshots >= 1, 10_000, "a push through the pty");
  const flowing = async (what: string) => {
    const before = seen.snapshots;
    await waitUntil(() => seen.snapshots > before + 1, 10_000, what);
  };
  const cable = {
    pull: () => bridge.stop(),
    plugBack: async () => {
      bridge = await startPtyBridge(simulator, link);
    },
  };
  return { link, device: realpathSync(link), transport, opens, seen, flowing, cable };
}

describe("SerialTransport on a pseudo-terminal", () => {
  it("decodes pushes and reopens the port after the cable is pulled and plugged back", async () => {
    const { seen, cable } = await meterOnPty();
    await waitUntil(() => seen.snapshots >= 2, 10_000, "two pushes through the pty");

    await cable.pull();
    await waitUntil(() => seen.states.includes("down"), 5_000, "the link to go down");
    const before = seen.snapshots;
    await cable.plugBack();
    await waitUntil(() => seen.snapshots > before + 1, 10_000, "pushes after the port was reopened");
    expect(seen.states.filter((state) => state === "up").length).toBeGreaterThanOrEqual(2);
  });

  it("says plainly when the device does not exist, names the ports that do, and keeps trying", async () => {
    const opens = vi.spyOn(SerialPort.binding, "open");
    const transport = new SerialTransport({
      path: "/dev/ttyE450-missing",
      format: SERIAL_PRESETS.mbus,
      backoff: { initialMs: 20, maxMs: 40, random: () => 1 },
    });
    parts.push({ stop: () => transport.stop() });
    const reasons: string[] = [];
    transport.on("state", (state, reason) => state === "down" && reasons.push(reason ?? ""));
    await transport.start();
    await waitUntil(() => opens.mock.calls.length >= 3, 5_000, "three attempts");
    // Whatever this machine has: its adapters, or how to look for one.
    expect(reasons[0]).toMatch(
      /^serial \/dev\/ttyE450-missing: no such device; serial ports on this machine: (none found — is the adapter plugged in, and passed to the add-on\?|\/dev\/\S+)/,
    );
    // Said once: the attempts that failed the same way since were not reported again.
    expect(reasons).toHaveLength(1);
  });

  it("reopens as soon as the device reappears, long before the backoff delay", async () => {
    // A wait of 30 to 60 s: only the device watch can bring the link back within the test's time.
    const { link, seen, cable } = await meterOnPty({ initialMs: 60_000, maxMs: 60_000 });

    await cable.pull(); // the adapter is pulled: its link goes away
    await waitUntil(() => seen.states.includes("down"), 5_000, "the link to go down");
    await waitUntil(() => !existsSync(link), 5_000, "the device link to vanish");
    const replugged = Date.now();
    await cable.plugBack();
    await waitUntil(() => seen.states.at(-1) === "up", 5_000, "the port to be reopened");
    expect(Date.now() - replugged).toBeLessThan(5_000);
    const before = seen.snapshots;
    await waitUntil(() => seen.snapshots > before, 10_000, "pushes after the port was reopened");
  });
});

describe("SerialTransport line-format changes on a pseudo-terminal", () => {
  it("changes only the rate in place, and reopens the port for new data bits, parity or stop bits", async () => {
    const { device, transport, opens, seen, flowing } = await meterOnPty();
    expect(opens).toHaveBeenCalledTimes(1);
    expect(stty(device)).toEqual({ speed: 2400, parodd: false, cstopb: false });

    // The IEC 62056-21 change-over: the rate alone, on the open port.
    await transport.setFormat({ baudRate: 9600, dataBits: 8, parity: "even", stopBits: 1 });
    expect(opens).toHaveBeenCalledTimes(1);
    expect(stty(device)).toEqual({ speed: 9600, parodd: false, cstopb: false });
    await flowing("pushes after the rate changed");

    // A new character frame, which update() cannot set: the device shows it once the port is reopened.
    await transport.setFormat({ baudRate: 9600, dataBits: 8, parity: "odd", stopBits: 2 });
    expect(opens).toHaveBeenCalledTimes(2);
    expect(stty(device)).toEqual({ speed: 9600, parodd: true, cstopb: true });

    // 7E1 (the auto hunt's IEC 62056-21 setting): asked of the device at open, and data still flows.
    await transport.setFormat({ baudRate: 9600, dataBits: 7, parity: "even", stopBits: 1 });
    expect(opens).toHaveBeenCalledTimes(3);
    expect(opens.mock.lastCall?.[0]).toMatchObject({
      baudRate: 9600,
      dataBits: 7,
      parity: "even",
      stopBits: 1,
    });
    expect(stty(device)).toEqual({ speed: 9600, parodd: false, cstopb: false });
    await flowing("pushes after the port was reopened 7E1");

    // The reopens stayed inside one link: no "down", and no second "up" to restart a mode C sign-on.
    expect(seen.states).toEqual(["connecting", "up"]);
  });

  it("rejects a format change the device refuses, and the reconnect loop retries with the new format", async () => {
    const { link, device, transport, opens, seen, flowing } = await meterOnPty();
    unlinkSync(link); // the adapter is gone; the open port does not notice until it is reopened

    await expect(transport.setFormat(SERIAL_PRESETS["iec62056-21"])).rejects.toThrow(
      /^serial .*ttyE450: .*(No such file|ENOENT)/,
    );
    expect(seen.states).toEqual(["connecting", "up", "down"]);
    expect(seen.reasons[0]).toMatch(/(No such file|ENOENT).*; retrying in/);

    symlinkSync(device, link); // and back
    await waitUntil(() => seen.states.filter((state) => state === "up").length === 2, 5_000, "the retry");
    expect(opens.mock.lastCall?.[0]).toMatchObject({
      baudRate: 300,
      dataBits: 7,
      parity: "even",
      stopBits: 1,
    });
    expect(stty(device).speed).toBe(300);
    await flowing("pushes after the retry");
  });
});
