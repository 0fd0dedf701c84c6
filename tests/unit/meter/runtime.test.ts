/** The meter runtime with a fake port and fake timers: guard in the path, events, hunting, deadlines. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../src/bus/event-bus.js";
import type { MeterEvents } from "../../../src/bus/events.js";
import { ModeCSession } from "../../../src/reader/mode-c-session.js";
import type { Logger } from "../../../src/logging/logger.js";
import { IntegrityGuard } from "../../../src/meter/integrity-guard.js";
import { type FormatHunt, MeterRuntime } from "../../../src/meter/runtime.js";
import { MemoryTotalsStore, type TotalsStore } from "../../../src/meter/totals-store.js";
import type { SerialFormat } from "../../../src/model/serial-format.js";
import type { Reader } from "../../../src/reader/reader.js";
import { ScriptedReader } from "../../helpers/meter-events.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { numberReading, pushWith, textReading } from "../../fixtures/mqtt/e450-snapshots.js";
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

/** A Swiss-style push list: what a meter sends every 5 s, with the identity given. */
function listPush(
  identity: Partial<Snapshot>,
  overrides: { current?: bigint; watts?: bigint } = {},
): Snapshot {
  return pushWith(
    [
      numberReading("1-0:32.7.0.255", 2314, -1, "V"),
      numberReading("1-0:31.7.0.255", overrides.current ?? 152n, -2, "A"),
      numberReading("1-0:71.7.0.255", 203, -2, "A"),
      numberReading("1-0:1.7.0.255", overrides.watts ?? 1375n, 0, "W"),
      numberReading("1-0:14.7.0.255", 5001, -2, "Hz"),
    ],
    { systemTitle: undefined, meterId: null, ...identity },
  ) as Snapshot;
}

interface SetupOptions {
  readonly key?: Uint8Array;
  readonly reader?: Reader;
  readonly hunt?: FormatHunt | null;
  readonly store?: TotalsStore;
  readonly logger?: Logger;
}

function setup(options: SetupOptions = {}) {
  const port = new FakePort();
  const reader =
    options.reader ??
    new StreamDecoder(options.key ? { encryptionKey: options.key } : SIMULATOR_DEFAULT_KEYS);
  const logger = options.logger ?? quietLogger;
  const guard = new IntegrityGuard({ maxPowerKw: 17.25 }, options.store ?? new MemoryTotalsStore(), logger);
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
      // The simulator's meters keep Central European Time.
      meterTimeZone: "Europe/Vienna",
      availability: { missedPushes: 3, initialIntervalMs: 60_000 },
    },
    bus,
    logger,
  );
  const of = <K extends keyof MeterEvents>(name: K) =>
    events.filter((event) => event.name === name).map((event) => event.payload as MeterEvents[K]);
  /** One snapshot from the scripted reader, `afterMs` after the previous. */
  const deliver = (snapshot: Snapshot, afterMs = 5_000) => {
    vi.advanceTimersByTime(afterMs);
    (reader as ScriptedReader).queue.push(snapshot);
    port.emit("data", new Uint8Array([0]));
  };
  return { port, runtime, events, of, guard, deliver };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe("MeterRuntime", () => {
  it("publishes a meter from its second push, whose totals the first one already began to confirm", async () => {
    const { port, runtime, of } = setup();
    await runtime.start();
    const state = createMeterState({ start: START });
    for (let i = 1; i <= 3; i++) {
      vi.advanceTimersByTime(5_000);
      port.emit("data", generatePush("burgenland", state, START + i * 5_000));
    }
    // The first push waits for a second that names the same meter; it is not published itself, but the
    // guard has seen its totals, so the second push's totals are confirmed and go out.
    const published = of("snapshot");
    expect(published.map(({ receivedAt }) => receivedAt)).toEqual([START + 10_000, START + 15_000]);
    const hasImport = (event: MeterEvents["snapshot"]) =>
      event.snapshot.readings.some((r) => r.obis === "1-0:1.8.0.255");
    expect(published.map(hasImport)).toEqual([true, true]);
    // The raw decode keeps everything, for the inspector.
    expect(of("decoded")).toHaveLength(3);
    expect(of("decoded")[0]!.snapshot.readings.some((r) => r.obis === "1-0:1.8.0.255")).toBe(true);
    expect(published.every((event) => event.meter === "flat-1")).toBe(true);
    await runtime.stop();
  });

  it("identifies the sender once, derives signed net power, and reports the meter online then offline", async () => {
    const { port, runtime, of } = setup();
    await runtime.start();
    const state = createMeterState({ start: START });
    for (let i = 1; i <= 2; i++) {
      vi.advanceTimersByTime(5_000);
      port.emit("data", generatePush("burgenland", state, START + i * 5_000));
    }
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
    const good = generatePush("burgenland", state, START + 5_000);
    port.emit("data", good);
    const spoilt = generatePush("burgenland", state, START + 6_000).slice();
    spoilt[spoilt.length - 2]! ^= 0xff; // the frame check sequence
    port.emit("data", spoilt);
    vi.advanceTimersByTime(5_000);
    expect(of("diagnostics")).toEqual([
      {
        meter: "flat-1",
        at: START + 10_000,
        diagnostics: {
          bytesReceived: good.length + spoilt.length,
          framesReceived: 1,
          framesRejected: { fcs: 1 },
          lostFrames: 0,
          decryptionFailures: 0,
          lastFrameAt: START + 5_000,
          totalsHeldBack: 0,
          readingsRejected: {},
          stateWriteFailures: 0,
          lastStateError: null,
          // The hunt's first setting, kept: a frame with a good checksum came 5 s ago.
          line: { format: { baudRate: 2400, dataBits: 8, parity: "even", stopBits: 1 }, hunting: false },
          // The push is stamped with the second it was sent, and arrives in the same one.
          clockOffsetSeconds: 0,
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
    port.emit("data", generatePush("burgenland", state, START + 15_000));
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

describe("MeterRuntime: what may speak for a meter", () => {
  const SERIAL = { meterId: "71234567" };

  it("never publishes an empty snapshot, and never lets one keep the meter online", async () => {
    const reader = new ScriptedReader();
    const { runtime, of, deliver } = setup({ reader, hunt: null });
    await runtime.start();
    deliver(listPush(SERIAL));
    deliver(listPush(SERIAL));
    expect(of("snapshot")).toHaveLength(1);
    // Noise that decodes to an empty readout, credited by the decoder to the line's last named meter.
    for (let i = 0; i < 60; i++) deliver({ ...listPush(SERIAL), readings: [] });
    expect(of("snapshot")).toHaveLength(1);
    expect(of("availability").map(({ online }) => online)).toEqual([true, false]);
    expect(of("issue").map(({ issue }) => issue.code)).toEqual(Array(60).fill("empty-snapshot"));
    vi.advanceTimersByTime(10_000);
    expect(of("diagnostics").at(-1)?.diagnostics.framesRejected).toEqual({ "empty-snapshot": 60 });
    await runtime.stop();
  });

  it("announces a named meter only from its second push with that name", async () => {
    const reader = new ScriptedReader();
    const { runtime, of, deliver } = setup({ reader, hunt: null });
    await runtime.start();
    deliver(listPush({ meterId: "71234567" }));
    deliver(listPush({ meterId: "71234547" })); // a serial changed by compensating bit errors
    expect(of("snapshot")).toEqual([]);
    expect(of("availability")).toEqual([]);
    deliver(listPush({ meterId: "71234567" }));
    deliver(listPush({ meterId: "71234567" }));
    expect(of("snapshot").map(({ identity }) => identity.key)).toEqual(["71234567", "71234567"]);
    expect(of("availability").map(({ identity }) => identity.key)).toEqual(["71234567"]);
    await runtime.stop();
  });

  it("keeps several meters on one line apart, each confirmed by its own second push", async () => {
    const reader = new ScriptedReader();
    const { runtime, of, deliver } = setup({ reader, hunt: null });
    await runtime.start();
    for (let i = 0; i < 2; i++) {
      deliver(listPush({ meterId: "A1" }));
      deliver(listPush({ meterId: "B2" }));
    }
    expect(of("snapshot").map(({ identity }) => identity.key)).toEqual(["a1", "b2"]);
    await runtime.stop();
  });

  it("holds nameless pushes until the line names its meter, then refuses nameless ones", async () => {
    const reader = new ScriptedReader();
    const { runtime, of, deliver } = setup({ reader, hunt: null });
    await runtime.start();
    for (let i = 0; i < 11; i++) deliver(listPush({})); // the 5-second list, before the minute list
    expect(of("snapshot")).toEqual([]);
    deliver(listPush(SERIAL)); // the minute list names the meter
    deliver(listPush(SERIAL)); // from here on the decoder credits the 5-second list to it
    expect(of("snapshot").map(({ identity }) => identity.key)).toEqual(["71234567"]);
    deliver(listPush({}));
    expect(of("snapshot")).toHaveLength(1);
    expect(of("issue").map(({ issue }) => issue.code)).toEqual(["unidentified"]);
    expect(of("availability").map(({ identity }) => identity.key)).toEqual(["71234567"]);
    await runtime.stop();
  });

  it("publishes a meter that never names itself under the configured id after 2 minutes of one list", async () => {
    const reader = new ScriptedReader();
    const lines: string[] = [];
    const note = (line: string) => lines.push(line);
    const logger: Logger = { debug: () => {}, info: note, warn: note, error: note };
    const { runtime, of, deliver } = setup({ reader, hunt: null, logger });
    await runtime.start();
    for (let i = 1; i <= 24; i++) deliver(listPush({})); // START + 5 s … START + 120 s
    expect(of("snapshot")).toEqual([]);
    deliver(listPush({})); // 2 minutes after the first
    expect(of("snapshot").map(({ identity, receivedAt }) => [identity.key, receivedAt])).toEqual([
      ["flat-1", START + 125_000],
    ]);
    expect(lines.filter((line) => line.includes("carry no identity"))).toHaveLength(1);
    expect(lines.filter((line) => line.includes("publishing it as meter flat-1"))).toHaveLength(1);
    await runtime.stop();
  });

  it("never publishes nameless noise, whose shape changes from one frame to the next", async () => {
    const reader = new ScriptedReader();
    const { runtime, of, deliver } = setup({ reader, hunt: null });
    await runtime.start();
    for (let i = 0; i < 200; i++) {
      deliver(pushWith([textReading(`0-0:96.${i % 250}.0.255`, "x")], { systemTitle: undefined }), 1_000);
    }
    expect(of("snapshot")).toEqual([]);
    expect(of("availability")).toEqual([]);
    await runtime.stop();
  });

  it("publishes a polled readout at once: it answers the runtime's own request", async () => {
    const reader = new ScriptedReader();
    reader.polled = true;
    const { runtime, of, deliver } = setup({ reader, hunt: null });
    await runtime.start();
    deliver(listPush(SERIAL), 60_000);
    expect(of("snapshot").map(({ identity }) => identity.key)).toEqual(["71234567"]);
    await runtime.stop();
  });

  it("publishes a meter the guard's state knows at once: an earlier run published it", async () => {
    const store = new MemoryTotalsStore();
    const total = { value: { raw: 1000n, scaler: 0 }, unit: "Wh" as const, at: START - 60_000 };
    store.save(new Map([["71234567", new Map([["energy_import", total]])]]));
    const reader = new ScriptedReader();
    const { runtime, of, deliver } = setup({ reader, hunt: null, store });
    await runtime.start();
    deliver(listPush(SERIAL));
    expect(of("snapshot").map(({ identity }) => identity.key)).toEqual(["71234567"]);
    await runtime.stop();
  });
});

describe("MeterRuntime: plausibility", () => {
  const SERIAL = { meterId: "71234567" };

  async function admitted(deliverCount = 2) {
    const reader = new ScriptedReader();
    const context = setup({ reader, hunt: null });
    await context.runtime.start();
    for (let i = 0; i < deliverCount; i++) context.deliver(listPush(SERIAL));
    return context;
  }

  const obisOf = (event: MeterEvents["snapshot"] | undefined) => event?.snapshot.readings.map((r) => r.obis);

  it("drops Current L1 = 327.68 A, publishes the rest, and counts and reports it", async () => {
    const { runtime, of, deliver } = await admitted();
    deliver(listPush(SERIAL, { current: 32768n }));
    const last = of("snapshot").at(-1);
    expect(obisOf(last)).toEqual(["1-0:32.7.0.255", "1-0:71.7.0.255", "1-0:1.7.0.255", "1-0:14.7.0.255"]);
    expect(of("issue").map(({ issue }) => issue)).toEqual([
      {
        code: "implausible-current",
        message:
          "Meter 71234567: Current L1 (1-0:31.7.0.255) = 327.68 A is outside -120…120 A; not published",
      },
    ]);
    vi.advanceTimersByTime(10_000);
    expect(of("diagnostics").at(-1)?.diagnostics.readingsRejected).toEqual({ current: 1 });
    await runtime.stop();
  });

  it("bounds power by the guard's max power with the fuse margin: 1.6 × 17.25 kW", async () => {
    const { runtime, of, deliver } = await admitted();
    deliver(listPush(SERIAL, { watts: 27_600n }));
    expect(obisOf(of("snapshot").at(-1))).toContain("1-0:1.7.0.255");
    deliver(listPush(SERIAL, { watts: 27_601n }));
    expect(obisOf(of("snapshot").at(-1))).not.toContain("1-0:1.7.0.255");
    expect(of("issue").map(({ issue }) => issue.code)).toEqual(["implausible-power"]);
    await runtime.stop();
  });

  it("refuses a whole push whose list changed suddenly once the meter's list was stable", async () => {
    const { runtime, of, deliver } = await admitted(4);
    const published = of("snapshot").length;
    const corrupt = listPush(SERIAL);
    const readings = corrupt.readings.map((r) =>
      r.obis === "1-0:71.7.0.255" ? { ...r, obis: "1-0:71.135.0.255" } : r,
    );
    deliver({ ...corrupt, readings });
    expect(of("snapshot")).toHaveLength(published);
    expect(of("issue").map(({ issue }) => [issue.code, issue.message])).toEqual([
      [
        "implausible-shape",
        "Meter 71234567: the meter's push list changed suddenly: 1-0:71.135.0.255 instead of 1-0:71.7.0.255; push not published",
      ],
    ]);
    deliver(listPush(SERIAL));
    expect(of("snapshot")).toHaveLength(published + 1);
    vi.advanceTimersByTime(10_000);
    expect(of("diagnostics").at(-1)?.diagnostics.framesRejected).toEqual({ "implausible-shape": 1 });
    await runtime.stop();
  });
});
