/**
 * Sends the discovery configs of the bridge device and of every known meter, skipping a config
 * identical to the one last sent on its topic unless forced (after a connect or HA's birth message,
 * where HA may have lost it). The bridge carries the link diagnostics always, and entities of optional
 * parts (the InfluxDB forwarder) once they have reported. With several configured meters each meter's
 * device is named after its configured meter, its entity ids carry its identity, and it carries its
 * own link diagnostics.
 */
import {
  bridgeDiscovery,
  bridgeObjectId,
  type DeviceExtras,
  type DiscoveryContext,
  type DiscoveryMessage,
  meterDiscovery,
  meterObjectId,
} from "./discovery.js";
import { BRIDGE_ENTITIES, METER_LINK_ENTITIES } from "./diagnostics.js";
import type { EarlierRun } from "./earlier-run.js";
import type { SensorEntity } from "./entity.js";
import type { MeterRegistry, MeterState } from "./meter-registry.js";
import type { MeterLabel } from "./options.js";
import type { SinkConnection } from "./sink-connection.js";

export interface CurrentMessage {
  readonly message: DiscoveryMessage;
  /** Null for the bridge device. */
  readonly meterKey: string | null;
}

export class DiscoveryPublisher {
  /** Last discovery payload sent per config topic, to skip identical re-sends between connects. */
  private readonly sent = new Map<string, string>();
  /** Bridge entities besides the link diagnostics, by id. */
  private readonly bridgeExtras = new Map<string, SensorEntity>();

  constructor(
    private readonly context: DiscoveryContext,
    private readonly meters: MeterRegistry,
    private readonly connection: Pick<SinkConnection, "publish">,
    private readonly earlier: EarlierRun,
    private readonly labels: ReadonlyMap<string, MeterLabel>,
  ) {}

  /** More than one configured meter: entity ids with identities, link diagnostics per meter. */
  get several(): boolean {
    return this.labels.size > 1;
  }

  /**
   * True when the broker has this config: handed to the connected client now, or identical to the
   * one sent before. False while disconnected, so that nobody claims an announcement that is not out.
   */
  publish(message: DiscoveryMessage, force: boolean): boolean {
    const json = JSON.stringify(message.payload);
    if (!force && this.sent.get(message.topic) === json) return true;
    if (!this.connection.publish(message.topic, json)) return false;
    this.sent.set(message.topic, json);
    return true;
  }

  /** The config on this topic was deleted: whatever comes next must be sent. */
  forget(configTopic: string): void {
    this.sent.delete(configTopic);
  }

  /** Adds entities to the bridge device; true when its config changed (and must go out). */
  addBridgeEntities(entities: readonly SensorEntity[]): boolean {
    let changed = false;
    for (const entity of entities) {
      if (this.bridgeExtras.has(entity.id)) continue;
      this.bridgeExtras.set(entity.id, entity);
      changed = true;
    }
    return changed;
  }

  meterMessage(meter: MeterState, extras?: DeviceExtras): DiscoveryMessage {
    const entities = [...meter.entities.values(), ...(this.several ? METER_LINK_ENTITIES : [])];
    const topic = this.meterConfigTopic(meter.identity.key);
    const label = this.labels.get(meter.configuredId);
    return meterDiscovery(meter.identity, entities, this.context, extras ?? this.earlier.carriedFor(topic), {
      name: label?.name ?? null,
      area: label?.area,
      // Several meters, or one of several instances (a base topic of its own): ids that never clash.
      identityInEntityIds: this.several || this.context.topics.baseTopic !== "e450",
    });
  }

  bridgeMessage(extras?: DeviceExtras): DiscoveryMessage {
    const topics = this.context.topics;
    const topic = topics.deviceConfig(bridgeObjectId(topics.baseTopic));
    const entities = [...BRIDGE_ENTITIES, ...this.bridgeExtras.values()];
    return bridgeDiscovery(entities, this.context, extras ?? this.earlier.carriedFor(topic));
  }

  /** Every device this run announces: the bridge, then each meter. */
  current(): CurrentMessage[] {
    return [
      { message: this.bridgeMessage(), meterKey: null },
      ...[...this.meters.values()].map((meter) => ({
        message: this.meterMessage(meter),
        meterKey: meter.identity.key,
      })),
    ];
  }

  /** The config on `configTopic` with other extras; undefined when this run has no such device. */
  rebuild(configTopic: string, extras: DeviceExtras): DiscoveryMessage | undefined {
    const bridge = this.bridgeMessage(extras);
    if (bridge.topic === configTopic) return bridge;
    const meter = [...this.meters.values()].find(
      (m) => this.meterConfigTopic(m.identity.key) === configTopic,
    );
    return meter && this.meterMessage(meter, extras);
  }

  private meterConfigTopic(meterKey: string): string {
    return this.context.topics.deviceConfig(meterObjectId(meterKey));
  }
}
