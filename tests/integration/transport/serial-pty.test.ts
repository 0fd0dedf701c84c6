/**
 * The serial transport reading the virtual meter through a real pseudo-terminal (socat), as it reads
 * a USB M-Bus adapter: pushes decode, and when the "cable" is pulled and plugged back the transport
 * reopens the port by itself.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import {
  type RunningSimulator,
  SIMULATOR_DEFAULT_KEYS,
  startSimulator,
} from "../../../src/simulator/index.js";
import { type PtyBridge, startPtyBridge } from "../../../src/simulator/pty.js";
import { SerialTransport } from "../../../src/transport/serial.js";
import { type LinkState, SERIAL_PRESETS } from "../../../src/transport/transport.js";
import { waitUntil } from "../mqtt/mosquitto.js";

const parts: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const part of parts.splice(0).reverse()) await part.stop();
});

describe("SerialTransport on a pseudo-terminal", () => {
  it("decodes pushes and reopens the port after the cable is pulled and plugged back", async () => {
    const simulator: RunningSimulator = await startSimulator({
      format: "burgenland",
      intervalMs: 5_000,
      speed: 25,
    });
    parts.push(simulator);
    const link = join(mkdtempSync(join(tmpdir(), "e450-pty-")), "ttyE450");
    let bridge: PtyBridge = await startPtyBridge(simulator, link);
    const transport = new SerialTransport({
      path: link,
      format: SERIAL_PRESETS.mbus,
      backoff: { initialMs: 100, maxMs: 200, random: () => 1 },
    });
    parts.push({ stop: () => transport.stop() });
    parts.push({ stop: () => bridge.stop() });
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    let snapshots = 0;
    const states: LinkState[] = [];
    transport.on("data", (chunk) => {
      for (const event of decoder.push(chunk, Date.now())) if (event.kind === "snapshot") snapshots++;
    });
    transport.on("state", (state) => states.push(state));
    await transport.start();
    await waitUntil(() => snapshots >= 2, 10_000, "two pushes through the pty");

    await bridge.stop(); // the cable is pulled
    await waitUntil(() => states.includes("down"), 5_000, "the link to go down");
    const before = snapshots;
    bridge = await startPtyBridge(simulator, link); // and plugged back
    await waitUntil(() => snapshots > before + 1, 10_000, "pushes after the port was reopened");
    expect(states.filter((state) => state === "up").length).toBeGreaterThanOrEqual(2);
  });

  it("says plainly when the device does not exist, and keeps trying", async () => {
    const transport = new SerialTransport({
      path: "/dev/ttyE450-missing",
      format: SERIAL_PRESETS.mbus,
      backoff: { initialMs: 20, maxMs: 40, random: () => 1 },
    });
    parts.push({ stop: () => transport.stop() });
    const reasons: string[] = [];
    transport.on("state", (state, reason) => state === "down" && reasons.push(reason ?? ""));
    await transport.start();
    await waitUntil(() => reasons.length >= 2, 5_000, "two failed attempts");
    expect(reasons[0]).toMatch(/^serial \/dev\/ttyE450-missing: .*(No such file|ENOENT)/);
  });
});
