/**
 * The server as the service runs it: a plugin that listens on a real loopback port, streams events
 * to a Server-Sent Events client, and closes with the stream still open.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HistoryStore } from "../../../src/store/history-store.js";
import { Secret } from "../../../src/util/secret.js";
import { WebServer } from "../../../src/web/server.js";
import { E450_PUSH } from "../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { quiet, SINGLE_METER, ZONE } from "./web-fixture.js";

/** Reads an event stream until `done` says enough, at most `timeoutMs`. */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (text: string) => boolean,
  timeoutMs = 5000,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  return text;
}

describe("WebServer", () => {
  let folder: string;
  let store: HistoryStore;
  let source: MeterEventSource;
  let server: WebServer;
  const lines: string[] = [];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), "e450-web-server-"));
    store = HistoryStore.open(join(folder, "history.sqlite"), quiet);
    source = new MeterEventSource();
    server = new WebServer(
      {
        host: "127.0.0.1",
        port: 0,
        access: { kind: "loopback" },
        timeZone: ZONE,
        meterTimeZone: ZONE,
        tariff: null,
        tariffAlternatives: {},
        version: "1.2.3",
        panelDir: join(folder, "no-panel"),
        meters: [SINGLE_METER],
      },
      {
        store,
        storeFile: join(folder, "history.sqlite"),
        logger: { ...quiet, info: (line) => lines.push(line) },
        meterKeys: new Secret(new Map()),
      },
    );
    await server.start(source.bus);
  });

  afterEach(async () => {
    await server.stop();
    source.stop();
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("listens on loopback and says where", async () => {
    expect(server.port).toBeGreaterThan(0);
    expect(lines).toContain(
      `web panel and API at http://127.0.0.1:${server.port}/ (this machine only, no password)`,
    );
    const response = await fetch(`http://127.0.0.1:${server.port}/api/meters`);
    expect(await response.json()).toEqual({ meters: [], configured: [SINGLE_METER] });
  });

  it("keeps in the store which configured meter a physical meter was heard on", async () => {
    source.push(E450_PUSH);
    const body = (await (await fetch(`http://127.0.0.1:${server.port}/api/meters`)).json()) as {
      meters: { key: string }[];
    };
    const key = body.meters[0]!.key;
    await vi.waitFor(() => expect(store.getValue(key, "configured-meter")).toBe("meter"));
  });

  it("streams snapshots, link changes and issues as Server-Sent Events", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    source.push(E450_PUSH);
    const response = await fetch(`${base}/api/stream`);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    // The latest snapshot at once, then live events.
    const reader = response.body!.getReader();
    const first = await readEvents(reader, (text) => text.includes("event: snapshot"));
    expect(first).toMatch(/^: e450 live stream\n\nevent: snapshot\ndata: \{"meter":"/);
    source.link("down");
    source.bus.emit("issue", {
      meter: "meter",
      issue: { code: "checksum", message: "FCS mismatch" },
      at: Date.now(),
    });
    const more = await readEvents(reader, (text) => text.includes("event: issue"));
    const data = (name: string) =>
      JSON.parse(new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`).exec(more)![1]!);
    const key = JSON.parse(/data: (.*)\n/.exec(first)![1]!).meter;
    expect(data("link")).toEqual({ meter: key, state: "down" });
    expect(data("issue")).toMatchObject({ meter: key, code: "checksum", message: "FCS mismatch" });
  });

  it("pings an idle stream every 15 s with a comment line", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/api/stream`);
      const reader = response.body!.getReader();
      await readEvents(reader, (text) => text.length > 0);
      vi.advanceTimersByTime(14_999);
      vi.advanceTimersByTime(1);
      expect(await readEvents(reader, (text) => text.includes("\n\n"))).toBe(": ping\n\n");
      await reader.cancel();
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops with a stream still open, and unsubscribes it", async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/stream`);
    await readEvents(response.body!.getReader(), (text) => text.length > 0);
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(fetch(`http://127.0.0.1:${server.port}/api/meters`)).rejects.toThrow();
  });
});
