/** The virtual E450 on a free loopback port: pushes to every client, the mode C dialogue, clean stop. */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type RenderedPush, type RunningSimulator, startSimulator } from "../../../src/simulator/index.js";

const START = Date.UTC(2026, 5, 15, 8, 0, 0);
let running: RunningSimulator | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function open(port: number): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Collects what a socket receives until `done` says enough, with a guard against hanging. */
function receive(socket: Socket, done: (bytes: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
  let received = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${received.length} bytes`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (done(received)) {
        clearTimeout(timer);
        socket.off("data", onData);
        resolve(received);
      }
    };
    socket.on("data", onData);
  });
}

const pushBytes = (push: RenderedPush) => Buffer.concat(push.frames.map((frame) => frame.bytes));

describe("simulator TCP server", () => {
  it("pushes the same whole pushes to every client at the sped-up interval", async () => {
    const pushes: RenderedPush[] = [];
    running = await startSimulator({
      format: "swiss",
      start: START,
      speed: 250,
      seed: 5,
      onPush: (p) => pushes.push(p),
    });
    expect(running.port).toBeGreaterThan(0);
    const [first, second] = await Promise.all([open(running.port), open(running.port)]);
    const pushLength = () => (pushes[0] ? pushBytes(pushes[0]).length : Number.POSITIVE_INFINITY);
    const [a, b] = await Promise.all(
      [first!, second!].map((socket) => receive(socket, (bytes) => bytes.length >= 2 * pushLength())),
    );
    for (const bytes of [a!, b!]) {
      const index = pushes.findIndex((push) =>
        bytes.subarray(0, pushBytes(push).length).equals(pushBytes(push)),
      );
      expect(index).toBeGreaterThanOrEqual(0); // starts at a push boundary …
      const next = pushBytes(pushes[index + 1]!);
      expect(bytes.subarray(pushBytes(pushes[index]!).length).subarray(0, next.length).equals(next)).toBe(
        true,
      ); // … then the next
    }
    // meter time advances one push interval per push: 5 s at speed 250 every 20 ms
    const times = pushes.slice(0, 3).map((push) => push.context.measurements.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(4000);
    first!.destroy();
    second!.destroy();
  });

  it("answers the IEC 62056-21 sign-on and acknowledgement per connection", async () => {
    running = await startSimulator({ format: "iec62056-21", start: START, seed: 5 });
    const socket = await open(running.port);
    socket.write("/?!\r\n");
    const identification = await receive(socket, (bytes) => bytes.includes("\r\n"));
    expect(identification.toString("latin1")).toBe("/LGZ5E450.SIM\r\n");
    socket.write("\x06050\r\n");
    const readout = await receive(
      socket,
      (bytes) => bytes.indexOf(0x03) >= 0 && bytes.indexOf(0x03) < bytes.length - 1,
    );
    expect(readout[0]).toBe(0x02);
    let bcc = 0;
    for (const byte of readout.subarray(1, readout.length - 1)) bcc ^= byte;
    expect(readout[readout.length - 1]).toBe(bcc);
    expect(readout.toString("latin1")).toContain(`C.1.0(${running.identity.serialNumber})\r\n`);
    socket.destroy();
  });

  it("closes every connection and frees the port on stop", async () => {
    running = await startSimulator({ format: "wiener-netze", start: START, speed: 100 });
    const { port } = running;
    const socket = await open(port);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await running.stop();
    running = undefined;
    await closed;
    await expect(open(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("simulator options", () => {
  it("refuses bad options before binding, naming each one", async () => {
    await expect(
      startSimulator({ format: "swiss", speed: 0, intervalMs: -1, faults: { garbageRate: 3 } }),
    ).rejects.toThrow(
      /intervalMs: must be > 0; speed: must be > 0; faults.garbageRate must be a probability/,
    );
  });
});
