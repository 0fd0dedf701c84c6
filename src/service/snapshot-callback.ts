/** A plugin that hands every publishable snapshot to a function: `e450 run`'s console output. */
import type { MeterBus } from "../bus/events.js";
import type { Plugin } from "../bus/plugin.js";
import type { Snapshot } from "../model/snapshot.js";

export class SnapshotCallback implements Plugin {
  readonly name = "console";
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly onSnapshot: (snapshot: Snapshot) => void) {}

  start(bus: MeterBus): void {
    this.unsubscribe = bus.on("snapshot", ({ snapshot }) => this.onSnapshot(snapshot));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
