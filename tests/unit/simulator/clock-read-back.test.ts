/**
 * The served simulator's clock as e450 publishes it: a push the simulator serves, decoded and turned
 * into the Meter clock state by the MQTT plugin with its default zone, must name the instant of the
 * push whatever zone the host is in. e450 reads a meter's local time in the host's zone; a simulator
 * fixed on Central European Time was therefore published an hour off on a UTC host (two in summer).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { concat } from "../../../src/model/bytes.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { meterEntitiesOf } from "../../../src/sinks/mqtt/meter-entities.js";
import { resolveMqttSinkOptions } from "../../../src/sinks/mqtt/options.js";
import { type RenderedPush, SIMULATOR_DEFAULT_KEYS, startSimulator } from "../../../src/simulator/index.js";

const savedTimeZone = process.env["TZ"];
afterEach(() => {
  vi.useRealTimers();
  if (savedTimeZone === undefined) delete process.env["TZ"];
  else process.env["TZ"] = savedTimeZone;
});

/** The Meter clock state e450 publishes for the first push a served simulator makes at `at`. */
async function publishedClock(at: number): Promise<string | undefined> {
  const pushes: RenderedPush[] = [];
  let wall = 0;
  const simulator = await startSimulator({
    format: "swiss",
    start: at - 5_000,
    clock: () => wall,
    onPush: (push) => pushes.push(push),
  });
  wall = 5_000;
  vi.advanceTimersByTime(5_000);
  await simulator.stop();
  const bytes = concat(pushes[0]?.frames.map((frame) => frame.bytes) ?? []);
  const snapshot = new StreamDecoder(SIMULATOR_DEFAULT_KEYS)
    .push(bytes, at)
    .find((event) => event.kind === "snapshot")?.snapshot;
  if (!snapshot) throw new Error("the push did not decode");
  const { timeZone } = resolveMqttSinkOptions({ host: "h", port: 1883, dataDir: "/d", softwareVersion: "0" });
  return meterEntitiesOf(snapshot, [], timeZone).states.find((state) => state.entityId === "meter_clock")
    ?.payload;
}

describe("the served simulator's clock, read back by e450 on the same host", () => {
  it.each(["UTC", "Europe/Zurich", "America/New_York", "Asia/Kolkata"])(
    "names the right instant with TZ=%s",
    async (zone) => {
      process.env["TZ"] = zone;
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
      for (const at of [Date.UTC(2026, 0, 15, 10, 0, 5), Date.UTC(2026, 6, 1, 10, 0, 5)]) {
        const published = await publishedClock(at);
        expect(published).toBeDefined();
        expect(Date.parse(published ?? "")).toBe(at);
      }
    },
  );
});
