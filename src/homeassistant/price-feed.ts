/**
 * Dynamic prices from Home Assistant entities, followed live: one websocket connection, one
 * `subscribe_entities` for the configured price entities, and for the integrations that keep
 * their series behind a service (core Nord Pool, Tibber) a call with return_response now, when
 * the entity changes (at most every 15 minutes) and every hour. Each entity's prices are merged
 * into a PriceTimeline that the cost engine reads as a PriceLookup; while a price is missing the
 * lookup answers NaN, so costs are unpriced, never free.
 */
import type { PriceLookup } from "../analytics/cost/types.js";
import type { ConnectHooks } from "./connection.js";
import { applyEntitiesEvent } from "./entity-stream.js";
import { type EntityState, parsePriceAttributes } from "./price-attributes.js";
import { parseServiceResponse, planFromRegistry, type ServicePlan, serviceCalls } from "./price-services.js";
import { PriceTimeline } from "./price-timeline.js";
import type { PricePoint } from "./price-units.js";

export interface PriceStatus {
  readonly entityId: string;
  readonly state: "connecting" | "ok" | "unrecognised" | "unavailable";
  readonly reason?: string;
  /** The end of the unbroken run of known prices from now. */
  readonly knownUntilMs?: number;
}

/** What the feed needs of home-assistant-js-websocket's Connection (unit tests pass a fake). */
export interface PriceConnection {
  subscribeMessage<Event>(callback: (event: Event) => void, message: { type: string }): Promise<unknown>;
  sendMessagePromise<Result>(message: { type: string }): Promise<Result>;
  addEventListener(event: "ready" | "disconnected" | "reconnect-error", callback: () => void): void;
  close(): void;
}

export interface HomeAssistantPricesOptions {
  readonly entityIds: readonly string[];
  /** Opens the connection, retrying as it sees fit (connection.ts connectHomeAssistant). */
  readonly connect: (hooks: ConnectHooks) => Promise<PriceConnection>;
  readonly onStatus?: (status: PriceStatus) => void;
  readonly now?: () => number;
}

const MINUTE_MS = 60_000;
/** Service-based prices are fetched again this often, so tomorrow's arrive within the hour. */
const SERVICE_REFRESH_MS = 60 * MINUTE_MS;
/** An entity change asks again no sooner than this (core Nord Pool's sensors tick every 15 min). */
const SERVICE_MIN_GAP_MS = 15 * MINUTE_MS;

/** How an entity's prices are read, once its first state has been seen. */
type Source =
  | { readonly kind: "unknown" }
  | { readonly kind: "attributes" }
  | { readonly kind: "registry-lookup" }
  /** The registry named no service either; asked once, not on every state change. */
  | { readonly kind: "no-service"; readonly reason: string }
  | { readonly kind: "service"; readonly plan: ServicePlan; lastCallMs: number };

interface Tracked {
  readonly timeline: PriceTimeline;
  status: PriceStatus;
  source: Source;
}

export class HomeAssistantPrices {
  private readonly tracked = new Map<string, Tracked>();
  private readonly states = new Map<string, EntityState>();
  private readonly now: () => number;
  private abort: AbortController | undefined;
  private connection: PriceConnection | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The next subscription event is the first after (re)subscribing: it lists every entity there is. */
  private awaitingSnapshot = true;

  constructor(private readonly options: HomeAssistantPricesOptions) {
    this.now = options.now ?? Date.now;
    for (const entityId of options.entityIds) {
      this.tracked.set(entityId, {
        timeline: new PriceTimeline(),
        status: { entityId, state: "connecting" },
        source: { kind: "unknown" },
      });
    }
  }

  /** Connects in the background; progress and failures arrive as statuses. */
  start(): void {
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort.signal);
    this.refreshTimer = setInterval(() => this.refreshServices(true), SERVICE_REFRESH_MS);
  }

  stop(): void {
    this.abort?.abort(new Error("stopped"));
    clearInterval(this.refreshTimer);
    this.connection?.close();
    this.connection = undefined;
  }

  /** The live prices of one configured entity. */
  lookup(entityId: string): PriceLookup {
    return this.entry(entityId).timeline;
  }

  status(entityId: string): PriceStatus {
    return this.entry(entityId).status;
  }

  private entry(entityId: string): Tracked {
    const tracked = this.tracked.get(entityId);
    if (!tracked) throw new Error(`${entityId} is not one of the configured price entities`);
    return tracked;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let connection: PriceConnection;
    try {
      connection = await this.options.connect({
        signal,
        onRetry: (reason, delayMs) =>
          this.setAll("connecting", `${reason}; retrying in ${Math.ceil(delayMs / 1000)} s`),
      });
    } catch (error) {
      if (!signal.aborted) this.setAll("unavailable", describe(error));
      return;
    }
    if (signal.aborted) {
      connection.close();
      return;
    }
    this.connection = connection;
    connection.addEventListener("disconnected", () =>
      this.setAll("connecting", "lost the connection to Home Assistant; reconnecting"),
    );
    connection.addEventListener("ready", () => {
      this.states.clear();
      this.awaitingSnapshot = true;
    });
    connection.addEventListener("reconnect-error", () =>
      this.setAll("unavailable", "Home Assistant refused the access token when reconnecting"),
    );
    try {
      await connection.subscribeMessage((event) => this.onEntities(event), {
        type: "subscribe_entities",
        entity_ids: [...this.tracked.keys()],
      } as { type: string });
    } catch (error) {
      this.setAll("unavailable", `subscribe_entities failed: ${describe(error)}`);
    }
  }

  private onEntities(event: unknown): void {
    const touched = applyEntitiesEvent(this.states, event);
    const snapshot = this.awaitingSnapshot;
    this.awaitingSnapshot = false;
    for (const entityId of snapshot ? this.tracked.keys() : touched) {
      if (this.tracked.has(entityId)) this.evaluate(entityId);
    }
  }

  private evaluate(entityId: string): void {
    const tracked = this.entry(entityId);
    const entity = this.states.get(entityId);
    if (!entity) {
      this.setStatus(tracked, "unavailable", `Home Assistant has no entity ${entityId}`);
      return;
    }
    if (tracked.source.kind === "service") {
      void this.refreshService(entityId, tracked, tracked.source, false);
      return;
    }
    if (tracked.source.kind === "registry-lookup") return;
    const parsed = parsePriceAttributes(entity);
    if (parsed.kind === "points") {
      tracked.source = { kind: "attributes" };
      this.merge(tracked, parsed.points);
    } else if (parsed.kind === "invalid") {
      this.setStatus(tracked, "unrecognised", `${parsed.source} attributes: ${parsed.reason}`);
    } else if (entity.state === "unavailable" || entity.state === "unknown") {
      this.setStatus(tracked, "unavailable", `the entity is ${entity.state} in Home Assistant`);
    } else if (tracked.source.kind === "no-service") {
      this.setStatus(tracked, "unrecognised", tracked.source.reason);
    } else {
      tracked.source = { kind: "registry-lookup" };
      void this.resolveService(entityId, tracked, parsed.reason);
    }
  }

  /** An entity without an attribute series may belong to an integration that offers a service. */
  private async resolveService(entityId: string, tracked: Tracked, noSeries: string): Promise<void> {
    let registryEntry: unknown;
    try {
      registryEntry = await this.connection?.sendMessagePromise({
        type: "config/entity_registry/get",
        entity_id: entityId,
      } as { type: string });
    } catch {
      // Not in the registry (a template or YAML sensor without unique_id): attributes were the only hope.
    }
    const plan =
      registryEntry === undefined ? noSeries : planFromRegistry(registryEntry, this.states.get(entityId));
    if (typeof plan === "string") {
      const reason = registryEntry === undefined ? noSeries : `${noSeries}; ${plan}`;
      tracked.source = { kind: "no-service", reason };
      this.setStatus(tracked, "unrecognised", reason);
      return;
    }
    const source = { kind: "service" as const, plan, lastCallMs: Number.NEGATIVE_INFINITY };
    tracked.source = source;
    await this.refreshService(entityId, tracked, source, true);
  }

  private refreshServices(force: boolean): void {
    for (const [entityId, tracked] of this.tracked) {
      if (tracked.source.kind === "service")
        void this.refreshService(entityId, tracked, tracked.source, force);
    }
  }

  private async refreshService(
    entityId: string,
    tracked: Tracked,
    source: Extract<Source, { kind: "service" }>,
    force: boolean,
  ): Promise<void> {
    const connection = this.connection;
    const nowMs = this.now();
    if (!connection) return;
    if (!force && nowMs - source.lastCallMs < SERVICE_MIN_GAP_MS) {
      this.merge(tracked, []);
      return;
    }
    source.lastCallMs = nowMs;
    const calls = serviceCalls(source.plan, nowMs);
    const answers = await Promise.allSettled(
      calls.map((call) =>
        connection.sendMessagePromise<{ response?: unknown }>({
          type: "call_service",
          domain: call.domain,
          service: call.service,
          service_data: call.data,
          return_response: true,
        } as { type: string }),
      ),
    );
    const points: PricePoint[] = [];
    for (const [index, answer] of answers.entries()) {
      const name = `${calls[index]!.domain}.${calls[index]!.service}`;
      if (answer.status === "rejected") {
        // Only the first call (now) must succeed: tomorrow's fails until the prices are published.
        if (index === 0) {
          this.setStatus(
            tracked,
            "unavailable",
            `${name} failed for ${entityId}: ${describe(answer.reason)}`,
          );
          return;
        }
        continue;
      }
      const parsed = parseServiceResponse(source.plan, answer.value?.response);
      if (!parsed.ok) {
        this.setStatus(tracked, "unrecognised", `${name}: ${parsed.reason}`);
        return;
      }
      points.push(...parsed.points);
    }
    this.merge(tracked, points);
  }

  private merge(tracked: Tracked, points: readonly PricePoint[]): void {
    const nowMs = this.now();
    tracked.timeline.merge(points, nowMs);
    const knownUntilMs = tracked.timeline.knownUntil(nowMs);
    if (knownUntilMs !== undefined) {
      this.setStatus(tracked, "ok", undefined, knownUntilMs);
      return;
    }
    const latest = tracked.timeline.latestEnd();
    this.setStatus(
      tracked,
      "unavailable",
      latest === undefined
        ? "the entity lists no prices yet"
        : latest <= nowMs
          ? `its prices end at ${new Date(latest).toISOString()}, before now`
          : "it lists no price for the current time",
    );
  }

  private setAll(state: PriceStatus["state"], reason: string): void {
    for (const tracked of this.tracked.values()) {
      this.setStatus(tracked, state, reason, tracked.timeline.knownUntil(this.now()));
    }
  }

  private setStatus(
    tracked: Tracked,
    state: PriceStatus["state"],
    reason?: string,
    knownUntilMs?: number,
  ): void {
    const next: PriceStatus = {
      entityId: tracked.status.entityId,
      state,
      ...(reason === undefined ? {} : { reason }),
      ...(knownUntilMs === undefined ? {} : { knownUntilMs }),
    };
    const previous = tracked.status;
    if (
      previous.state === next.state &&
      previous.reason === next.reason &&
      previous.knownUntilMs === next.knownUntilMs
    ) {
      return;
    }
    tracked.status = next;
    this.options.onStatus?.(next);
  }
}

/**
 * A readable reason from what a rejection carries: an Error, HA's error {code, message}, or the
 * library's whole result message {error: {code, message}} for a command cut off by a disconnect.
 */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    const record = error as { code?: unknown; message?: unknown; error?: unknown };
    if (record.message === undefined && record.error !== undefined) return describe(record.error);
    return record.code === undefined
      ? String(record.message)
      : `${String(record.message)} (${String(record.code)})`;
  }
  return `error ${String(error)}`;
}
