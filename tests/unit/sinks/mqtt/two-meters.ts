/**
 * Two configured meters on one bus, as `e450 run` with a `meters:` list has them: each with its own
 * event source (its own identities and availability, as one MeterRuntime each), all events on one
 * bus the sink listens to. Shared by the unit tests and the test against a real Mosquitto.
 */
import { EventBus } from "../../../../src/bus/event-bus.js";
import type { MeterBus, MeterDiagnostics, MeterEvents } from "../../../../src/bus/events.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import type { MeterLabel } from "../../../../src/sinks/mqtt/options.js";
import { numberReading, pushWith, textReading } from "../../../fixtures/mqtt/e450-snapshots.js";
import type { MeterEventSource } from "../../../helpers/meter-events.js";

/** Configured id → name and area, as mqttPluginFor builds it from the `meters:` list. */
export const TWO_METERS: ReadonlyMap<string, MeterLabel> = new Map([
  ["flat-1", { name: "Flat 1", area: "Ground floor" }],
  ["flat-2", { name: "Flat 2", area: "First floor" }],
]);

/** Identity keys: the lower-cased system titles of the two pushes below. */
export const FLAT_1_KEY = "4c475a670312d687";
export const FLAT_2_KEY = "4c475a6703120002";

/** A push of Flat 1's meter: energy both ways, power and the serial number. */
export function flat1Push(importWh: number, watts: number): Snapshot {
  return pushWith(
    [
      textReading("0-0:96.1.0.255", "71234567"),
      numberReading("1-0:1.7.0.255", watts, 0, "W"),
      numberReading("1-1:1.8.0.255", importWh, 0, "Wh"),
      numberReading("1-1:2.8.0.255", 2345, 0, "Wh"),
    ],
    { systemTitle: FLAT_1_KEY.toUpperCase(), meterId: "71234567" },
  );
}

/** A push of Flat 2's meter: another system title and serial, the same registers (the collision case). */
export function flat2Push(importWh: number, watts: number): Snapshot {
  return pushWith(
    [
      textReading("0-0:96.1.0.255", "71230002"),
      numberReading("1-0:1.7.0.255", watts, 0, "W"),
      numberReading("1-1:1.8.0.255", importWh, 0, "Wh"),
    ],
    { systemTitle: FLAT_2_KEY.toUpperCase(), meterId: "71230002" },
  );
}

/** Counters of one connection, with the values that differ between meters given. */
export function counters(overrides: Partial<MeterDiagnostics>): MeterDiagnostics {
  return {
    bytesReceived: 0,
    framesReceived: 0,
    framesRejected: {},
    lostFrames: 0,
    decryptionFailures: 0,
    lastFrameAt: null,
    totalsHeldBack: 0,
    readingsRejected: {},
    stateWriteFailures: 0,
    lastStateError: null,
    line: null,
    clockOffsetSeconds: null,
    ...overrides,
  };
}

const FORWARDED = ["snapshot", "availability", "link", "diagnostics"] as const;

function forward<K extends keyof MeterEvents>(from: MeterBus, to: MeterBus, event: K): void {
  from.on(event, (payload) => to.emit(event, payload));
}

/** One bus carrying the events of every source, as main.ts gives all runtimes one bus. */
export function sharedBus(sources: readonly MeterEventSource[]): MeterBus {
  const bus: MeterBus = new EventBus<MeterEvents>((event, error) => {
    throw new Error(`a ${String(event)} listener failed: ${(error as Error).message}`);
  });
  for (const source of sources) for (const event of FORWARDED) forward(source.bus, bus, event);
  return bus;
}
