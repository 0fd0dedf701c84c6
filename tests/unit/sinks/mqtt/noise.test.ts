/**
 * A noise flood on the meter line, through a real MeterRuntime into the MQTT sink: nothing of it may
 * become a Home Assistant device or keep one online (random bytes yield an IEC 62056-21 readout whose
 * BCC matches one time in 256; the stream decoder credits a nameless one to the line's last meter).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../../src/bus/event-bus.js";
import type { MeterEvents } from "../../../../src/bus/events.js";
import type { Logger } from "../../../../src/logging/logger.js";
import { IntegrityGuard } from "../../../../src/meter/integrity-guard.js";
import { MeterRuntime } from "../../../../src/meter/runtime.js";
import { MemoryTotalsStore } from "../../../../src/meter/totals-store.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import { MemoryAnnouncedStore } from "../../../../src/sinks/mqtt/announced-store.js";
import { MqttSink } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import { Transport } from "../../../../src/transport/transport.js";
import { E450_PUSH, numberReading, pushWith, textReading } from "../../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource, ScriptedReader } from "../../../helpers/meter-events.js";
import { FakeConnection, silentLogger, SINK_OPTIONS } from "./fake-connection.js";

class FakePort extends Transport {
  readonly description = "fake port";
  async start() {
    this.emit("state", "up");
  }
  async stop() {
    this.emit("state", "stopped");
  }
  async write() {}
}

describe("noise on the meter line, as the MQTT sink sees it", () => {
  let connection: FakeConnection;
  let lines: string[];
  let sink: MqttSink;
  let runtime: MeterRuntime;
  let reader: ScriptedReader;
  let port: FakePort;

  beforeEach(async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 13, 0, 0) });
    connection = new FakeConnection();
    lines = [];
    const note = (line: string) => lines.push(line);
    const logger: Logger = { debug() {}, info: note, warn: note, error: note };
    const bus = new EventBus<MeterEvents>((_, error) => {
      throw error;
    });
    sink = new MqttSink(SINK_OPTIONS, logger, {
      ...connection.dependencies(),
      announcedStore: new MemoryAnnouncedStore(),
    });
    sink.start(bus);
    reader = new ScriptedReader();
    port = new FakePort();
    const guard = new IntegrityGuard({ maxPowerKw: 17.25 }, new MemoryTotalsStore(), silentLogger);
    runtime = new MeterRuntime(
      {
        id: "meter",
        transport: port,
        reader,
        guard,
        availability: { missedPushes: 3, initialIntervalMs: 5_000 },
      },
      bus,
      logger,
    );
    await runtime.start();
  });

  afterEach(async () => {
    await runtime.stop();
    await sink.stop();
    vi.useRealTimers();
  });

  function deliver(snapshot: Snapshot, afterMs = 1_000): void {
    vi.advanceTimersByTime(afterMs);
    reader.queue.push(snapshot);
    port.emit("data", new Uint8Array([0]));
  }

  const meterTopics = () => connection.published.filter((m) => m.topic.startsWith("e450/meter/"));

  it("announces no meter and publishes no meter status for empty or nameless readouts", () => {
    // Noise that passes a BCC decodes to random codes: a seeded generator stands in for it.
    let seed = 0x2545f491;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed >>> 8;
    };
    for (let i = 0; i < 300; i++) {
      deliver({ source: "iec62056-21-readout", meterId: null, meterTime: null, readings: [] });
      const code = `${random() % 100}.${random() % 100}.${random() % 100}`;
      deliver(pushWith([textReading(code, "x")], { systemTitle: undefined, source: "iec62056-21-readout" }));
    }
    expect(meterTopics()).toEqual([]);
    expect(connection.to(/^homeassistant\/device\/e450_(?!bridge)/)).toEqual([]);
    expect(lines.filter((line) => line.includes("seen;"))).toEqual([]);
  });

  it("lets no empty readout keep a real meter online", () => {
    const named = pushWith([numberReading("1-0:1.7.0.255", 500, 0, "W")]);
    deliver(named, 5_000);
    deliver(named, 5_000);
    expect(connection.to(/meter\/4c475a670312d687\/status$/).map((m) => m.payload)).toEqual(["online"]);
    // The meter falls silent; noise goes on, credited to it by the decoder (same system title).
    for (let i = 0; i < 60; i++) deliver({ ...named, readings: [] }, 1_000);
    expect(connection.to(/meter\/4c475a670312d687\/status$/).map((m) => m.payload)).toEqual([
      "online",
      "offline",
    ]);
  });
});

describe("MqttSink availability", () => {
  it("publishes no status for a meter it never announced", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 13, 0, 0) });
    try {
      const connection = new FakeConnection();
      const sink = new MqttSink(SINK_OPTIONS, silentLogger, {
        ...connection.dependencies(),
        announcedStore: new MemoryAnnouncedStore(),
      });
      const meters = new MeterEventSource();
      sink.start(meters.bus);
      const identity = {
        key: "meter",
        serialNumber: null,
        systemTitle: null,
        logicalDeviceName: null,
        firmwareVersion: null,
      };
      meters.bus.emit("availability", { meter: "meter", identity, online: true, timeoutMs: 15_000 });
      expect(connection.to(/^e450\/meter\//)).toEqual([]);
      meters.push(E450_PUSH);
      expect(connection.to(/status$/).map((m) => m.topic)).toContain("e450/meter/4c475a670312d687/status");
      meters.stop();
      await sink.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
