/**
 * Removal of what an earlier run announced and this one no longer produces (a different meter, a
 * changed option): the record of announced configs (announced-store.ts) is kept up to date, and
 * `staleAfterMs` after this run's first snapshot everything of an earlier run not seen again is
 * removed. Until then the earlier components ride along (earlier-run.ts).
 */
import type { AnnouncedDevice, AnnouncedStore } from "./announced-store.js";
import type { EntityComponent } from "./discovery.js";
import type { DiscoveryPublisher } from "./discovery-publisher.js";
import type { EarlierRun } from "./earlier-run.js";
import type { Logger } from "../../logging/logger.js";
import type { PublishGate } from "./publish-gate.js";
import type { SinkConnection } from "./sink-connection.js";
import type { Topics } from "./topics.js";

export interface StaleEntitiesDependencies {
  readonly store: AnnouncedStore;
  readonly earlier: EarlierRun;
  readonly connection: Pick<SinkConnection, "connected" | "publish">;
  readonly discovery: DiscoveryPublisher;
  /** Forgets the rate-limit state of a cleared topic. */
  readonly gate: Pick<PublishGate, "forget">;
  readonly topics: Topics;
  readonly logger: Logger;
  readonly staleAfterMs: number;
}

/** A full component, not a removal stub (`{"platform": …}` only). */
function isEntityComponent(component: object): component is EntityComponent {
  return "unique_id" in component;
}

/**
 * How long a change waits before the record is written: a start with hundreds of meters announces
 * each one (and again with its first analytics states), and writing the whole record each time made
 * the start quadratic in the number of meters (bench/scale.ts, 500 meters: two minutes).
 */
const SAVE_DELAY_MS = 1_000;

export class StaleEntities {
  private cleanupDue = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: StaleEntitiesDependencies) {}

  /** Arms the stale check on the first snapshot of this run. */
  snapshotArrived(): void {
    if (this.timer === undefined && this.deps.earlier.pending.length > 0) {
      this.timer = setTimeout(() => this.removeStale(), this.deps.staleAfterMs);
    }
  }

  /** A check that fell due while disconnected runs on the next connect. */
  connected(): void {
    if (this.cleanupDue) this.removeStale();
  }

  /** Stops the check, and writes a change still waiting. */
  stop(): void {
    clearTimeout(this.timer);
    if (this.saveTimer !== undefined) this.saveNow();
  }

  /** Records what is announced now, and what of the earlier run is still pending the check, soon. */
  save(): void {
    this.saveTimer ??= setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  private saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const devices = new Map<string, AnnouncedDevice>();
    for (const device of this.deps.earlier.pending) devices.set(device.configTopic, device);
    for (const { message, meterKey } of this.deps.discovery.current()) {
      const components: Record<string, EntityComponent> = {};
      for (const [id, component] of Object.entries(message.payload.components)) {
        if (isEntityComponent(component)) components[id] = component;
      }
      devices.set(message.topic, { configTopic: message.topic, meterKey, components });
    }
    try {
      this.deps.store.save([...devices.values()]);
    } catch (error) {
      this.deps.logger.warn(`Cannot save the list of announced entities: ${(error as Error).message}`);
    }
  }

  /**
   * Entities and devices of an earlier run that this run has not produced within `staleAfterMs` of its
   * first snapshot are removed: a device by an empty retained config (HA then removes all its
   * components), a single component by announcing it once as `{"platform": <its platform>}` (HA
   * docs, device discovery). Their retained states and attributes are cleared too.
   */
  private removeStale(): void {
    const { connection, discovery, topics, logger } = this.deps;
    this.timer = undefined;
    if (!connection.connected) {
      this.cleanupDue = true;
      return;
    }
    this.cleanupDue = false;
    // Taken first: the configs built below must no longer carry the earlier components.
    const earlier = this.deps.earlier.take();
    const current = new Map(discovery.current().map(({ message }) => [message.topic, message]));
    for (const device of earlier) {
      const now = current.get(device.configTopic);
      if (!now) {
        connection.publish(device.configTopic, "");
        for (const component of Object.values(device.components)) this.clearTopics(component);
        if (device.meterKey !== null) connection.publish(topics.meterStatus(device.meterKey), "");
        discovery.forget(device.configTopic);
        logger.info(`Removed the stale Home Assistant device ${device.configTopic}`);
        continue;
      }
      const removed: Record<string, EntityComponent["platform"]> = {};
      for (const [id, component] of Object.entries(device.components)) {
        const live = now.payload.components[id];
        if (!live) removed[id] = component.platform;
        if (!live || (isEntityComponent(live) && live.state_topic !== component.state_topic)) {
          this.clearTopics(component);
        }
      }
      const removedIds = Object.keys(removed);
      if (removedIds.length === 0) continue;
      const stubbed = discovery.rebuild(device.configTopic, { removed });
      if (stubbed) discovery.publish(stubbed, true);
      const final = discovery.rebuild(device.configTopic, {});
      if (final) discovery.publish(final, true);
      logger.info(`Removed stale entities from ${device.configTopic}: ${removedIds.join(", ")}`);
    }
    this.save();
  }

  private clearTopics(component: EntityComponent): void {
    const topics = [component.state_topic];
    if (component.json_attributes_topic) topics.push(component.json_attributes_topic);
    for (const topic of topics) {
      this.deps.gate.forget(topic);
      // An empty retained message deletes the retained state (MQTT 3.1.1 §3.3.1.3).
      this.deps.connection.publish(topic, "");
    }
  }
}
