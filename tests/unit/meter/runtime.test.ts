/** The meter runtime with a fake port and fake timers: guard in the path, events, hunting, deadlines. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../src/bus/event-bus.js";
import type { MeterEvents } from "../../../src/bus/events.js";
import { ModeCSession } from "../../../src/reader/mode-c-session.js";
import type { Logger } from "../../../src/logging/logger.js";
import { IntegrityGuard } from "../../../src/meter/integrity-guard.js";
import { type FormatHunt, MeterRuntime } from "../../../src/meter/runtime.js";
import { MemoryTotalsStore } from "../../../src/meter/totals-store.js";
import type { SerialFormat } from "../../../src/model/serial-format.js";
import type { Reader } from "../../../src/reader/reader.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { createMeterState, generatePush, SIMULATOR_DEFAULT_KEYS } from "../../../src/simulator/index.js";
import { SERIAL_PRESETS, Transport } from "../../../src/transport/transport.js";

class FakePort extends Transport {
  readonly description = "fake port";
  readonly formats: SerialFormat[] = [];
  readonly writes: { at: number; text: string }[] = [];
  failFormat: Error | null = null;
  async start() {
    this.emit("state", "up");
  }
  async stop() {
    this.emit("state", "stopped");
  }
  async write(bytes: Uint8Array) {
    this.writes.push({ at: Date.now(), text: String.fromCharCode(...bytes) });
  }
  override async setFormat(format: SerialFormat) {
    if (this.failFormat) throw this.failFormat;
    this.formats.push({ ...format, at: Date.now() } as SerialFormat);
  }
}

const quietLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const START = Date.UTC(2026, 5, 1, 12);
const HUNT: FormatHunt = { formats: [SERIAL_PRESETS.mbus, SERIAL_PRESETS["optical-push"]], afterMs: 20_000 };

type Recorded = { [K in keyof MeterEvents]: { name: K; payload: MeterEvents[K] } }[keyof MeterEvents];

function setup(options: { key?: Uint8Array; reader?: Reader; hunt?: FormatHunt | null } = {}) {
  const port = new FakePort();
  const reader =
    options.reader ??
    new StreamDecoder(options.key ? { encryptionKey: options.key } : SIMULATOR_DEFAULT_KEYS);
  const guard = new IntegrityGuard({ maxPowerKw: 17.25 }, new MemoryTotalsStore(), quietLogger);
  const bus = new EventBus<MeterEvents>((_, error) => {
    throw error;
  });
  const events: Recorded[] = [];
  const names = ["snapshot", "decoded", "issue", "link", "availability", "diagnostics", "frame"] as const;
  for (const name of names) bus.on(name, (payload) => events.push({ name, payload } as Recorded));
  const runtime = new MeterRuntime(
    {
      id: "flat-1",
      transport: port,
      reader,
      guard,
      hunt: options.hunt === undefined ? HUNT : options.hunt,
      availability: { missedPushes: 3, initialIntervalMs: 60_000 },
    },
    bus,
    quietLogger,
  );
  const of = <K extends keyof MeterEvents>(name: K) =>
    events.filter((event) => event.name === name).map((event) => event.payload as MeterEvents[K]);
  return { port, runtime, events, of };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe("MeterRuntime", () => {
  it("passes pushes through the guard: a first total waits for a second reading", async () => {
    const { port, runtime, of } = setup();
    await runtime.start();
    const state = createMeterState({ start: START });
    for (let i = 1; i <= 2; i++) {
      vi.advanceTimersByTime(5_000);
      port.emit("data", generatePush("burgenland", state, START + i * 5_000));
    }
    const published = of("snapshot");
    expect(published).toHaveLength(2);
    const hasImport = (event: MeterEvents["snapshot"]) =>
      event.snapshot.readings.some((r) => r.obis === "1-0:1.8.0.255");
    expect(hasImport(published[0]!)).toBe(false);
    expect(hasImport(published[1]!)).toBe(true);
    // The raw decode keeps the held total, for the inspector.
    expect(of("decoded")[0]!.snapshot.readings.some((r) => r.obis === "1-0:1.8.0.255")).toBe(true);
    expect(published.every((event) => event.meter === "flat-1")).toBe(true);
    await runtime.stop();
  });

  it("identifies the sender once, derives signed net power, and reports the meter online then offline", async () => {
    const { port, runtime, of } = setup();
    await runtime.start();
    const state = createMeterState({ start: START });
    vi.advanceTimersByTime(5_000);
    port.emit("data", generatePush("burgenland", state, START + 5_000));
    const [event] = of("snapshot");
    const reading = (obis: string) => {
      const found = event!.snapshot.readings.find((r) => r.obis === obis);
      return found?.value.kind === "number" ? found.value.exact : null;
    };
    const drawn = reading("1-0:1.7.0.255")!;
    const fed = reading("1-0:2.7.0.255")!;
    expect(event!.identity.key).toMatch(/^[a-z0-9_-]+$/);
    expect(event!.derived).toEqual([
      {
        obis: "1-0:16.7.0.255",
        value: {
          kind: "number",
          exact: { raw: drawn.raw - fed.raw, scaler: drawn.scaler },
          unit: "W",
        },
      },
    ]);
    expect(of("availability").map(({ online }) => online)).toEqual([true]);
    vi.advanceTimersByTime(3 * 60_000); // three missed pushes of the assumed 60 s interval
    expect(of("availability").map(({ online, identity }) => [online, identity.key])).toEqual([
      [true, event!.identity.key],
      [false, event!.identity.key],
    ]);
    await runtime.stop();
  });

  it("tries the next line setting after 20 s without a valid frame", async () => {
    const { port, runtime } = setup();
    await runtime.start();
    vi.advanceTimersByTime(19_000);
    expect(port.formats).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(port.formats).toEqual([{ ...SERIAL_PRESETS["optical-push"], at: START + 20_000 }]);
    await runtime.stop();
  });

  it("hunts only on an open port: a device that never opened keeps its line settings", async () => {
    const { port, runtime } = setup();
    port.start = async () => {
      port.emit("state", "down", "no such device; retrying in 1.0 s");
    };
    await runtime.start();
    vi.advanceTimersByTime(120_000);
    expect(port.formats).toEqual([]);
    // The device appears: the hunt starts counting from the moment it opened.
    port.emit("state", "up");
    vi.advanceTimersByTime(19_999);
    expect(port.formats).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(port.formats.map(({ baudRate }) => baudRate)).toEqual([9600]);
    port.emit("state", "down", "cable pulled");
    vi.advanceTimersByTime(60_000);
    expect(port.formats).toHaveLength(1);
    await runtime.stop();
  });

  it("stays on a line setting that carries valid frames, even when the key is wrong", async () => {
    const { port, runtime, of } = setup({ key: new Uint8Array(16).fill(9) });
    await runtime.start();
    const state = createMeterState({ start: START });
    for (let i = 1; i <= 12; i++) {
      vi.advanceTimersByTime(5_000);
      port.emit("data", generatePush("steiermark", state, START + i * 5_000));
    }
    expect(port.formats).toEqual([]);
    expect(of("issue").some(({ issue }) => issue.code === "wrong-key")).toBe(true);
    await runtime.stop();
  });

  it("turns a rejected line change into an issue instead of an unhandled rejection", async () => {
    const { port, runtime, of } = setup();
    port.failFormat = new Error("EIO: the adapter was unplugged");
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      await runtime.start();
      vi.advanceTimersByTime(20_000);
      await vi.advanceTimersByTimeAsync(0);
      expect(of("issue").map(({ issue }) => issue)).toEqual([
        {
          code: "line-settings-failed",
          message: "cannot set the line to 9600 Bd 8N1: EIO: the adapter was unplugged",
        },
      ]);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
      await runtime.stop();
    }
  });

  it("wakes the mode C session exactly at its deadline: the baud change comes 300 ms after the ACK", async () => {
    const session = new ModeCSession({ pollIntervalMs: 60_000 });
    const { port, runtime } = setup({ reader: session, hunt: null });
    await runtime.start();
    expect(port.writes).toEqual([{ at: START, text: "/?!\r\n" }]);
    vi.advanceTimersByTime(400);
    port.emit("data", new TextEncoder().encode("/LGZ4ZMF100AC.M26\r\n"));
    expect(port.writes.at(-1)).toEqual({ at: START + 400, text: "\x06040\r\n" });
    await vi.advanceTimersByTimeAsync(299);
    expect(port.formats.map(({ baudRate }) => baudRate)).toEqual([300]);
    await vi.advanceTimersByTimeAsync(1);
    expect(port.formats.at(-1)).toEqual({
      baudRate: 4800,
      dataBits: 7,
      parity: "even",
      stopBits: 1,
      at: START + 700,
    });
    await runtime.stop();
  });

  it("publishes its counters as diagnostics every 10 s", async () => {
    const { port, runtime, of } = setup();
    await runtime.start();
    const state = createMeterState({ start: START });
    vi.advanceTimersByTime(5_000);
    port.emit("data", generatePush("burgenland", state, START + 5_000));
    const spoilt = generatePush("burgenland", state, START + 6_000).slice();
    spoilt[spoilt.length - 2]! ^= 0xff; // the frame check sequence
    port.emit("data", spoilt);
    vi.advanceTimersByTime(5_000);
    expect(of("diagnostics")).toEqual([
      {
        meter: "flat-1",
        at: START + 10_000,
        diagnostics: {
          framesReceived: 1,
          framesRejected: { fcs: 1 },
          lostFrames: 0,
          decryptionFailures: 0,
          lastFrameAt: START + 5_000,
          totalsHeldBack: 0,
        },
      },
    ]);
    await runtime.stop();
  });

  it("turns a reader that throws into an issue and goes on reading", async () => {
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    let broken = true;
    const reader: Reader = {
      stats: decoder.stats,
      linkUp: (now) => decoder.linkUp(now),
      tick: (now) => decoder.tick(now),
      nextDeadline: () => decoder.nextDeadline(),
      push: (chunk, now) => {
        if (broken) throw new TypeError("Cannot read properties of undefined");
        return decoder.push(chunk, now);
      },
    };
    const { port, runtime, of } = setup({ reader });
    await runtime.start();
    const state = createMeterState({ start: START });
    expect(() => port.emit("data", generatePush("burgenland", state, START + 5_000))).not.toThrow();
    expect(of("issue").map(({ issue }) => issue)).toEqual([
      {
        code: "internal-error",
        message: "a bug stopped the decoding of this data: Cannot read properties of undefined",
      },
    ]);
    broken = false;
    port.emit("data", generatePush("burgenland", state, START + 10_000));
    expect(of("snapshot")).toHaveLength(1);
    await runtime.stop();
  });

  it("emits link changes keyed by the configured meter", async () => {
    const { runtime, of } = setup();
    await runtime.start();
    await runtime.stop();
    expect(of("link")).toEqual([
      { meter: "flat-1", state: "up" },
      { meter: "flat-1", state: "stopped" },
    ]);
  });
});
