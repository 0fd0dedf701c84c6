/** The TCP transport against a real loopback server: data, a bridge restart, an idle bridge. */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TcpTransport } from "../../../src/transport/tcp.js";
import type { LinkState } from "../../../src/model/link-state.js";

function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error("condition not met in time"));
      setTimeout(poll, 10);
    };
    poll();
  });
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function bridge() {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, sockets };
}

describe("TcpTransport", () => {
  it("delivers bytes and reconnects after the bridge restarts", async () => {
    const first = bridge();
    const port = await listen(first.server);
    const transport = new TcpTransport({
      host: "127.0.0.1",
      port,
      backoff: { initialMs: 20, maxMs: 100, random: () => 1 },
    });
    const received: number[] = [];
    const states: LinkState[] = [];
    transport.on("data", (chunk) => received.push(...chunk));
    transport.on("state", (state) => states.push(state));
    cleanups.push(() => transport.stop());
    await transport.start();
    const socket = await waitFor(() => first.sockets[0]);
    socket.write(Buffer.of(1, 2, 3));
    await waitFor(() => (received.length === 3 ? true : undefined));

    // The bridge goes away and comes back on the same port.
    for (const s of first.sockets) s.destroy();
    await new Promise<void>((resolve) => first.server.close(() => resolve()));
    await waitFor(() => (states.includes("down") ? true : undefined));
    const second = bridge();
    await listen(second.server, port);
    const again = await waitFor(() => second.sockets[0]);
    again.write(Buffer.of(4));
    await waitFor(() => (received.length === 4 ? true : undefined));
    expect(received).toEqual([1, 2, 3, 4]);
    expect(states.filter((state) => state === "up").length).toBe(2);
  });

  it("drops a bridge that stops forwarding, and reconnects", async () => {
    const quiet = bridge();
    const port = await listen(quiet.server);
    const transport = new TcpTransport({
      host: "127.0.0.1",
      port,
      idleTimeoutMs: 100,
      backoff: { initialMs: 20, random: () => 1 },
    });
    const reasons: string[] = [];
    transport.on("state", (state, reason) => state === "down" && reasons.push(reason ?? ""));
    cleanups.push(() => transport.stop());
    await transport.start();
    await waitFor(() => (quiet.sockets.length >= 2 ? true : undefined));
    expect(reasons[0]).toMatch(/no data from tcp:\/\/127\.0\.0\.1:\d+ for 0\.1 s/);
  });

  it("keeps retrying while nothing listens, reporting the refusal once", async () => {
    const probe = bridge();
    const port = await listen(probe.server);
    await new Promise<void>((resolve) => probe.server.close(() => resolve()));
    cleanups.pop();
    const transport = new TcpTransport({
      host: "127.0.0.1",
      port,
      backoff: { initialMs: 10, maxMs: 20, random: () => 1 },
    });
    const reasons: string[] = [];
    const states: LinkState[] = [];
    transport.on("state", (state, reason) => {
      states.push(state);
      if (state === "down") reasons.push(reason ?? "");
    });
    cleanups.push(() => transport.stop());
    await transport.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // some 15 refused attempts
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("ECONNREFUSED");

    const late = bridge(); // the bridge comes up at last
    await listen(late.server, port);
    await waitFor(() => late.sockets[0]);
    await waitFor(() => (states.at(-1) === "up" ? true : undefined));
    expect(states).toEqual(["connecting", "down", "up"]);
  });
});
