/** What every route reads: the live state from the bus, the history store, zones and settings. */
import type { Tariff } from "../analytics/cost/types.js";
import type { Keys } from "../dlms/cipher.js";
import type { Logger } from "../logging/logger.js";
import type { HistoryStore } from "../store/history-store.js";
import type { ZonedCalendar } from "../time/zoned.js";
import type { Secret } from "../util/secret.js";
import type { BuildingMeter } from "./building.js";
import { ApiError } from "./errors.js";
import type { LiveState } from "./live-state.js";

export interface ApiContext {
  readonly live: LiveState;
  /** The configured meters, in the options' order; empty for a server built without them (the benchmark). */
  readonly meters: readonly BuildingMeter[];
  /** null: the store could not be opened (service/history.ts); history routes answer 503. */
  readonly store: HistoryStore | null;
  readonly storeFile: string | null;
  /** The analytics' zone (the tariff's, else the host's): local days, hours and ISO offsets. */
  readonly zone: ZonedCalendar;
  /** The zone meter clocks are read in (the host's). */
  readonly meterZone: ZonedCalendar;
  readonly tariff: Tariff | null;
  /** Tariffs to compare with in /api/costs, by name (the tariff file's `alternatives`). */
  readonly tariffAlternatives: Readonly<Record<string, Tariff>>;
  readonly version: string;
  readonly startedAt: number;
  readonly now: () => number;
  /** Starts the integrity guard afresh for a meter; null where the service offers no live reset. */
  readonly resetGuard: ((meter: string) => Promise<void> | void) | null;
  /** Each configured meter's keys by its id, for the setup assistant to decrypt recent frames with; never answered. */
  readonly meterKeys: Secret<ReadonlyMap<string, Keys>>;
  readonly logger: Logger;
}

export const METER_QUERY = {
  type: "string",
  pattern: "^[a-z0-9_-]{1,64}$",
  description: "the meter's key (as in MQTT topics); optional when only one meter is known",
} as const;

/** Meters heard since start, then meters with stored history only; sorted within each. */
export function knownMeters(context: ApiContext): string[] {
  const live = [...context.live.meters.keys()].sort();
  const stored = context.store?.meters() ?? [];
  return [...live, ...stored.filter((key) => !context.live.meters.has(key))];
}

/** The meter a request means: the one named, or the only one known. */
export function pickMeter(context: ApiContext, named: string | undefined): string {
  const known = knownMeters(context);
  if (named !== undefined) {
    if (known.includes(named)) return named;
    throw new ApiError(404, "unknown-meter", `no meter ${named}; known: ${known.join(", ") || "none yet"}`);
  }
  if (known.length === 1) return known[0]!;
  if (known.length === 0) throw new ApiError(404, "no-data", "no meter has been heard from yet");
  throw new ApiError(400, "invalid-parameter", `meter: required with several meters (${known.join(", ")})`);
}

export function requireStore(context: ApiContext): HistoryStore {
  if (context.store === null)
    throw new ApiError(503, "unavailable", "the history store could not be opened; the log says why");
  return context.store;
}
