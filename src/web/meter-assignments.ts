/**
 * Which configured meter each physical meter belongs to. The history store keys everything by the
 * physical meter (its identity key: the analytics' choice, so a replaced meter starts afresh), while
 * the building view lists configured meters; the bus says which configured meter a push came on.
 * That pairing is kept in the store as a running value of the physical meter, so that after a
 * restart a meter whose line is down still shows its history under its name.
 */
import type { MeterBus } from "../bus/events.js";
import type { Logger } from "../logging/logger.js";
import type { HistoryStore } from "../store/history-store.js";
import { type ApiContext, knownMeters } from "./context.js";

/** The store's running-value key (HistoryStore.setValue) holding a physical meter's configured id. */
const ASSIGNMENT = "configured-meter";

/**
 * Saves each physical meter's configured id once per run, and again if it moves to another one (a
 * renamed meter). The write waits for the next turn of the event loop: nothing slow on the bus.
 */
export class AssignmentRecorder {
  private readonly saved = new Map<string, string>();
  private readonly due = new Map<string, string>();
  private scheduled: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly logger: Logger,
  ) {}

  attach(bus: MeterBus): void {
    this.unsubscribe = bus.on("snapshot", ({ meter, identity }) => {
      if (this.saved.get(identity.key) === meter) return;
      this.saved.set(identity.key, meter);
      this.due.set(identity.key, meter);
      this.scheduled ??= setImmediate(() => this.save());
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.due.clear();
  }

  private save(): void {
    this.scheduled = undefined;
    for (const [key, meter] of this.due) {
      try {
        if (this.store.getValue<string>(key, ASSIGNMENT) !== meter)
          this.store.setValue(key, ASSIGNMENT, meter);
      } catch (error) {
        // Tried again with the meter's next push; until then the live pairing serves.
        this.saved.delete(key);
        this.logger.warn(`web: ${(error as Error).message}`);
      }
    }
    this.due.clear();
  }
}

/**
 * The configured meter a physical meter belongs to: the one it was heard on since the start, else the
 * one saved in the store, else the only configured meter (history from before the pairing was kept,
 * or imported with `e450 history import`); null when none of these says.
 */
export function assignmentOf(context: ApiContext, key: string): string | null {
  const heard = context.live.meters.get(key)?.configured;
  if (heard !== undefined) return heard;
  const saved = context.store?.getValue<string>(key, ASSIGNMENT) ?? null;
  if (saved !== null) return saved;
  return context.meters.length === 1 ? context.meters[0]!.id : null;
}

/** Every known physical meter's key under the configured meter it belongs to; heard ones first. */
export function keysByMeter(context: ApiContext): Map<string, string[]> {
  const keys = new Map<string, string[]>(context.meters.map((meter) => [meter.id, []]));
  for (const key of knownMeters(context)) {
    const id = assignmentOf(context, key);
    if (id !== null) keys.get(id)?.push(key);
  }
  return keys;
}
