import { describe, expect, it } from "vitest";
import { EventBus } from "../../../src/bus/event-bus.js";
import type { MeterBus, MeterEvents } from "../../../src/bus/events.js";
import { type Plugin, startPlugins, stopPlugins } from "../../../src/bus/plugin.js";
import type { Logger } from "../../../src/logging/logger.js";

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

class Recorder implements Plugin {
  readonly seen: string[] = [];
  private unsubscribe: (() => void) | undefined;
  constructor(
    readonly name: string,
    private readonly failAt?: "start" | "stop",
  ) {}
  async start(bus: MeterBus) {
    if (this.failAt === "start") throw new Error(`${this.name} cannot reach its server`);
    this.unsubscribe = bus.on("issue", ({ issue }) => this.seen.push(issue.code));
  }
  stop() {
    this.unsubscribe?.();
    if (this.failAt === "stop") throw new Error(`${this.name} did not close`);
  }
}

const issue = (code: string): MeterEvents["issue"] => ({
  meter: "meter",
  issue: { code, message: code },
  at: 0,
});

describe("plugins", () => {
  it("a plugin that fails to start is logged and left out; the others run and see events", async () => {
    const logger = recordingLogger();
    const bus: MeterBus = new EventBus<MeterEvents>(() => {});
    const mqtt = new Recorder("mqtt");
    const influx = new Recorder("influx", "start");
    const web = new Recorder("web");
    const { running, failed } = await startPlugins([mqtt, influx, web], bus, logger);
    expect(running.map((plugin) => plugin.name)).toEqual(["mqtt", "web"]);
    expect(failed.map(({ plugin, error }) => [plugin.name, error.message])).toEqual([
      ["influx", "influx cannot reach its server"],
    ]);
    expect(logger.lines).toEqual(["error the influx plugin failed to start: influx cannot reach its server"]);
    bus.emit("issue", issue("checksum"));
    expect([mqtt.seen, web.seen, influx.seen]).toEqual([["checksum"], ["checksum"], []]);
  });

  it("stops in reverse order; a failing stop does not keep the others running", async () => {
    const logger = recordingLogger();
    const bus: MeterBus = new EventBus<MeterEvents>(() => {});
    const first = new Recorder("first");
    const second = new Recorder("second", "stop");
    const { running } = await startPlugins([first, second], bus, logger);
    await stopPlugins(running, logger);
    expect(logger.lines).toEqual(["warn while stopping the second plugin: second did not close"]);
    bus.emit("issue", issue("late"));
    expect([first.seen, second.seen]).toEqual([[], []]);
  });

  it("one listener that throws reaches neither the emitter nor the other listeners", () => {
    const failures: string[] = [];
    const bus: MeterBus = new EventBus<MeterEvents>((event, error) =>
      failures.push(`${String(event)}: ${(error as Error).message}`),
    );
    const seen: string[] = [];
    bus.on("issue", () => {
      throw new Error("broken consumer");
    });
    bus.on("issue", ({ issue: { code } }) => seen.push(code));
    expect(() => bus.emit("issue", issue("frame-fcs"))).not.toThrow();
    expect(seen).toEqual(["frame-fcs"]);
    expect(failures).toEqual(["issue: broken consumer"]);
  });
});

describe("EventBus subscriptions", () => {
  it("unsubscribing twice removes nothing else", () => {
    const bus: MeterBus = new EventBus<MeterEvents>(() => {});
    const seen: string[] = [];
    const off = bus.on("issue", () => seen.push("a"));
    bus.on("issue", () => seen.push("b"));
    off();
    off();
    bus.emit("issue", issue("x"));
    expect(seen).toEqual(["b"]);
  });
});
