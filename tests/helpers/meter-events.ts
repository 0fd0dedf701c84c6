/**
 * The events a meter runtime would publish for a snapshot, without a transport or an integrity guard:
 * for testing plugins with hand-made snapshots. It uses the runtime's own identity merging, derived
 * values and availability, so a plugin sees exactly what it would see in the service for a snapshot
 * the runtime has admitted (non-empty, from a confirmed meter, plausible). To test those gates with a
 * plugin, run a real MeterRuntime over a ScriptedReader.
 */
import { EventBus } from "../../src/bus/event-bus.js";
import type { MeterBus, MeterDiagnostics, MeterEvents } from "../../src/bus/events.js";
import { Availability } from "../../src/meter/availability.js";
import { derivedReadings } from "../../src/meter/derived.js";
import { MeterIdentities } from "../../src/meter/identities.js";
import type { LinkState } from "../../src/model/link-state.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { Reader, ReaderOutput } from "../../src/reader/reader.js";
import { DecoderStats } from "../../src/reader/stats.js";

export class MeterEventSource {
  readonly bus: MeterBus = new EventBus<MeterEvents>((event, error) => {
    throw new Error(`a ${String(event)} listener failed: ${(error as Error).message}`);
  });
  private readonly identities: MeterIdentities;
  private readonly availability: Availability;

  constructor(
    private readonly meter = "meter",
    availability = { missedPushes: 3, initialIntervalMs: 60_000 },
  ) {
    this.identities = new MeterIdentities(meter);
    this.availability = new Availability(availability, (identity, online, timeoutMs) =>
      this.bus.emit("availability", { meter, identity, online, timeoutMs }),
    );
  }

  push(snapshot: Snapshot): void {
    const identity = this.identities.identify(snapshot);
    const derived = derivedReadings(snapshot.readings);
    this.bus.emit("snapshot", { meter: this.meter, identity, snapshot, derived, receivedAt: Date.now() });
    this.availability.pushArrived(identity);
  }

  link(state: LinkState): void {
    this.bus.emit("link", { meter: this.meter, state });
  }

  diagnostics(diagnostics: MeterDiagnostics): void {
    this.bus.emit("diagnostics", { meter: this.meter, diagnostics, at: Date.now() });
  }

  stop(): void {
    this.availability.stop();
  }
}

/** A reader that hands out the snapshots a test gives it, one per chunk of bytes. */
export class ScriptedReader implements Reader {
  readonly stats = new DecoderStats();
  readonly queue: Snapshot[] = [];
  /** Signs on at link up, as the IEC 62056-21 mode C session does. */
  polled = false;
  linkUp(): ReaderOutput[] {
    return this.polled ? [{ kind: "write", bytes: new TextEncoder().encode("/?!\r\n") }] : [];
  }
  push(_chunk: Uint8Array, now: number): ReaderOutput[] {
    const snapshot = this.queue.shift();
    if (!snapshot) return [];
    this.stats.framesReceived++;
    this.stats.lastFrameAt = now;
    return [{ kind: "snapshot", snapshot, protocol: "test" }];
  }
  tick(): ReaderOutput[] {
    return [];
  }
  nextDeadline(): number | null {
    return null;
  }
}
