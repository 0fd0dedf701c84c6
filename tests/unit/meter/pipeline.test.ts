/** The pipeline shell with a fake port and fake timers: guard in the path, baud hunting, events. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../src/meter/bus.js";
import { IntegrityGuard } from "../../../src/meter/integrity-guard.js";
import { MeterPipeline, type PipelineEvents } from "../../../src/meter/pipeline.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { MemoryTotalsStore } from "../../../src/meter/totals-store.js";
import { createMeterState, generatePush, SIMULATOR_DEFAULT_KEYS } from "../../../src/simulator/index.js";
import { type SerialFormat, SERIAL_PRESETS, Transport } from "../../../src/transport/transport.js";

class FakePort extends Transport {
  readonly description = "fake port";
  readonly formats: SerialFormat[] = [];
  async start() {
    this.emit("state", "up");
  }
  async stop() {
    this.emit("state", "stopped");
  }
  async write() {}
  override async setFormat(format: SerialFormat) {
    this.formats.push(format);
  }
}

const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };
const START = Date.UTC(2026, 5, 1, 12);

function setup(options: { key?: Uint8Array } = {}) {
  const port = new FakePort();
  const decoder = new StreamDecoder(options.key ? { encryptionKey: options.key } : SIMULATOR_DEFAULT_KEYS);
  const guard = new IntegrityGuard({ maxPowerKw: 17.25 }, new MemoryTotalsStore(), quietLogger);
  const bus = new EventBus<PipelineEvents>((_, error) => {
    throw error;
  });
  const events: { name: string; payload: unknown }[] = [];
  for (const name of ["snapshot", "decoded", "issue", "hunt", "link"] as const)
    bus.on(name, (payload) => events.push({ name, payload }));
  const hunt = { formats: [SERIAL_PRESETS.mbus, SERIAL_PRESETS["optical-push"]], afterMs: 20_000 };
  const pipeline = new MeterPipeline(port, decoder, guard, bus, () => Date.now(), null, hunt);
  return { port, pipeline, events };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe("MeterPipeline", () => {
  it("passes pushes through the guard: a first total waits for a second reading", async () => {
    const { port, pipeline, events } = setup();
    await pipeline.start();
    const state = createMeterState({ start: START });
    for (let i = 1; i <= 2; i++) {
      vi.advanceTimersByTime(5_000);
      port.emit("data", generatePush("burgenland", state, START + i * 5_000));
    }
    const published = events
      .filter((e) => e.name === "snapshot")
      .map((e) => e.payload as { readings: { obis: string }[] });
    expect(published).toHaveLength(2);
    const hasImport = (s: { readings: { obis: string }[] }) =>
      s.readings.some((r) => r.obis === "1-0:1.8.0.255");
    expect(hasImport(published[0]!)).toBe(false);
    expect(hasImport(published[1]!)).toBe(true);
    await pipeline.stop();
  });

  it("tries the next line setting after 20 s without a valid frame", async () => {
    const { port, pipeline, events } = setup();
    await pipeline.start();
    vi.advanceTimersByTime(19_000);
    expect(port.formats).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(port.formats).toEqual([SERIAL_PRESETS["optical-push"]]);
    expect(events.filter((e) => e.name === "hunt")).toHaveLength(1);
    await pipeline.stop();
  });

  it("stays on a line setting that carries valid frames, even when the key is wrong", async () => {
    const { port, pipeline, events } = setup({ key: new Uint8Array(16).fill(9) });
    await pipeline.start();
    const state = createMeterState({ start: START });
    for (let i = 1; i <= 12; i++) {
      vi.advanceTimersByTime(5_000);
      port.emit("data", generatePush("steiermark", state, START + i * 5_000));
    }
    expect(port.formats).toEqual([]);
    expect(
      events.some((e) => e.name === "issue" && (e.payload as { code: string }).code === "wrong-key"),
    ).toBe(true);
    await pipeline.stop();
  });
});
