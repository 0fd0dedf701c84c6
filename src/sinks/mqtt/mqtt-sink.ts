/**
 * Publishes snapshots and diagnostics to Home Assistant over MQTT: device-based discovery, one
 * retained state topic per entity, availability (the add-on's last will plus a per-meter link
 * watchdog), re-announcement on Home Assistant's birth message, removal of stale entities and rate
 * limiting of fast-changing values.
 *
 * Why one topic per entity rather than one JSON topic with value_template: the integrity guard and the
 * rate limit hold values back one by one, which a JSON document would have to express as missing keys
 * (HA then renders the template to nothing and logs a warning per entity); plain payloads need no
 * template rendering in HA, and other consumers (Node-RED, InfluxDB's MQTT input) read them as they are.
 */
import { type MeterIdentity, meterIdentityOf } from "../../meter/meter-identity.js";
import type { Snapshot } from "../../meter/snapshot.js";
import type { AnnouncedDevice, AnnouncedStore } from "./announced-store.js";
import { JsonFileAnnouncedStore } from "./announced-store.js";
import {
  BRIDGE_ENTITIES,
  type DiagnosticsSnapshot,
  diagnosticStates,
  type LinkStatus,
  linkStatusState,
} from "./diagnostics.js";
import {
  bridgeDiscovery,
  bridgeObjectId,
  type DeviceExtras,
  type DiscoveryContext,
  type DiscoveryMessage,
  meterDiscovery,
  meterObjectId,
  type SensorComponent,
} from "./discovery.js";
import type { Cadence, SensorEntity } from "./entity.js";
import { LinkWatchdog } from "./link-watchdog.js";
import type { Logger } from "./logger.js";
import { meterEntitiesOf } from "./meter-entities.js";
import { type ConnectionHandlers, MqttConnection, type OutgoingMessage } from "./mqtt-connection.js";
import { type MqttSinkOptions, type ResolvedMqttSinkOptions, resolveMqttSinkOptions } from "./options.js";
import { PublishGate } from "./publish-gate.js";
import { OFFLINE, ONLINE, Topics } from "./topics.js";

/** The part of MqttConnection the sink uses; unit tests pass a fake. */
export interface SinkConnection {
  readonly connected: boolean;
  start(): void;
  publish(topic: string, payload: string, retain?: boolean): boolean;
  subscribe(topic: string): void;
  stop(finalMessages: readonly OutgoingMessage[]): Promise<void>;
}

export interface MqttSinkDependencies {
  readonly announcedStore?: AnnouncedStore;
  readonly random?: () => number;
  readonly connect?: (
    options: ResolvedMqttSinkOptions,
    topics: Topics,
    logger: Logger,
    handlers: ConnectionHandlers,
  ) => SinkConnection;
}

interface MeterState {
  identity: MeterIdentity;
  readonly entities: Map<string, SensorEntity>;
  readonly watchdog: LinkWatchdog;
}

const ANNOUNCED_FILE = "mqtt-announced.json";
const BRIDGE_CADENCE = new Map(BRIDGE_ENTITIES.map((entity) => [entity.id, entity.cadence]));

function defaultConnect(
  options: ResolvedMqttSinkOptions,
  topics: Topics,
  logger: Logger,
  handlers: ConnectionHandlers,
): SinkConnection {
  return new MqttConnection(
    {
      host: options.host,
      port: options.port,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      clientId: options.clientId,
      protocolVersion: options.protocolVersion,
      will: { topic: topics.bridgeStatus, payload: OFFLINE },
      backoff: { initialMs: options.reconnectInitialDelayMs, maxMs: options.reconnectMaxDelayMs },
    },
    logger,
    handlers,
  );
}

function mergeIdentity(known: MeterIdentity, next: MeterIdentity): MeterIdentity {
  return {
    key: known.key,
    serialNumber: next.serialNumber ?? known.serialNumber,
    systemTitle: next.systemTitle ?? known.systemTitle,
    logicalDeviceName: next.logicalDeviceName ?? known.logicalDeviceName,
    firmwareVersion: next.firmwareVersion ?? known.firmwareVersion,
  };
}

function isSensorComponent(component: object): component is SensorComponent {
  return "unique_id" in component;
}

export class MqttSink {
  private readonly options: ResolvedMqttSinkOptions;
  private readonly topics: Topics;
  private readonly context: DiscoveryContext;
  private readonly connection: SinkConnection;
  private readonly gate: PublishGate;
  private readonly announcedStore: AnnouncedStore;
  private readonly random: () => number;
  private readonly meters = new Map<string, MeterState>();
  /** Devices announced by an earlier run, until the stale check has compared them with this run. */
  private previous: readonly AnnouncedDevice[] = [];
  private cleanupDue = false;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;
  private birthTimer: ReturnType<typeof setTimeout> | undefined;
  /** Last discovery payload sent per config topic, to skip identical re-sends between connects. */
  private readonly sentDiscovery = new Map<string, string>();

  constructor(
    options: MqttSinkOptions,
    private readonly logger: Logger,
    dependencies: MqttSinkDependencies = {},
  ) {
    this.options = resolveMqttSinkOptions(options);
    this.topics = new Topics(this.options.discoveryPrefix, this.options.baseTopic);
    this.context = {
      topics: this.topics,
      origin: {
        name: "e450",
        sw_version: this.options.softwareVersion,
        ...(this.options.supportUrl ? { support_url: this.options.supportUrl } : {}),
      },
    };
    this.announcedStore =
      dependencies.announcedStore ?? new JsonFileAnnouncedStore(`${this.options.dataDir}/${ANNOUNCED_FILE}`);
    this.random = dependencies.random ?? Math.random;
    this.gate = new PublishGate(this.options.publishIntervalMs, (topic, payload) =>
      this.connection.publish(topic, payload),
    );
    const handlers: ConnectionHandlers = {
      connected: () => this.onConnected(),
      message: (topic, payload) => this.onMessage(topic, payload),
    };
    this.connection = (dependencies.connect ?? defaultConnect)(this.options, this.topics, logger, handlers);
  }

  start(): void {
    this.previous = this.announcedStore.load();
    this.setLinkStatus("connecting");
    this.connection.start();
  }

  /** Marks every meter and the add-on offline (retained), then disconnects. */
  async stop(): Promise<void> {
    clearTimeout(this.staleTimer);
    clearTimeout(this.birthTimer);
    // Values still held back by the rate limit go out now rather than never.
    const finalMessages: OutgoingMessage[] = [...this.gate.pending()].map(([topic, payload]) => ({
      topic,
      payload,
    }));
    this.gate.stop();
    for (const [key, meter] of this.meters) {
      meter.watchdog.stop();
      finalMessages.push({ topic: this.topics.meterStatus(key), payload: OFFLINE });
    }
    finalMessages.push({ topic: this.topics.bridgeStatus, payload: OFFLINE });
    await this.connection.stop(finalMessages);
  }

  /** One decoded push (already through the integrity guard): announce what is new, publish states. */
  publishSnapshot(snapshot: Snapshot): void {
    const identity = meterIdentityOf(snapshot, this.options.fallbackMeterKey);
    const { entities, states, skipped } = meterEntitiesOf(snapshot, this.options.timeZone);
    for (const { obis, why } of skipped) this.logger.debug(`Not published: ${obis} (${why})`);
    const meter = this.meterFor(identity);
    const before = JSON.stringify([meter.identity, [...meter.entities.values()]]);
    meter.identity = mergeIdentity(meter.identity, identity);
    for (const entity of entities) meter.entities.set(entity.id, entity);
    if (JSON.stringify([meter.identity, [...meter.entities.values()]]) !== before) {
      this.publishDiscovery(this.meterMessage(meter), false);
      this.saveAnnounced();
    }
    for (const state of states) {
      const cadence = meter.entities.get(state.entityId)?.cadence ?? "fast";
      this.gate.offer(this.topics.meterState(identity.key, state.entityId), state.payload, cadence);
    }
    meter.watchdog.frameArrived();
    if (this.staleTimer === undefined && this.previous.length > 0) {
      this.staleTimer = setTimeout(() => this.removeStale(), this.options.staleAfterMs);
    }
  }

  publishDiagnostics(diagnostics: DiagnosticsSnapshot): void {
    const { states, attributes } = diagnosticStates(diagnostics);
    for (const state of states) {
      const cadence: Cadence = BRIDGE_CADENCE.get(state.entityId) ?? "fast";
      this.gate.offer(this.topics.bridgeState(state.entityId), state.payload, cadence);
    }
    for (const [entityId, json] of attributes) {
      this.gate.offer(this.topics.bridgeAttributes(entityId), json, "fast");
    }
  }

  setLinkStatus(status: LinkStatus): void {
    const state = linkStatusState(status);
    this.gate.offer(this.topics.bridgeState(state.entityId), state.payload, "on-change");
  }

  private meterFor(identity: MeterIdentity): MeterState {
    let meter = this.meters.get(identity.key);
    if (!meter) {
      const key = identity.key;
      const watchdog = new LinkWatchdog(
        {
          missedPushes: this.options.offlineAfterMissedPushes,
          initialIntervalMs: this.options.initialPushIntervalMs,
        },
        (online) => {
          this.connection.publish(this.topics.meterStatus(key), online ? ONLINE : OFFLINE);
          if (!online)
            this.logger.warn(`Meter ${key}: no valid frame for ${watchdog.timeoutMs} ms; marked offline`);
        },
      );
      meter = { identity, entities: new Map(), watchdog };
      this.meters.set(key, meter);
      this.logger.info(`Meter ${key} seen; announcing it to Home Assistant`);
    }
    return meter;
  }

  private onConnected(): void {
    this.connection.publish(this.topics.bridgeStatus, ONLINE);
    this.connection.subscribe(this.topics.homeAssistantStatus);
    this.announceAll();
    if (this.cleanupDue) this.removeStale();
  }

  private onMessage(topic: string, payload: string): void {
    if (topic !== this.topics.homeAssistantStatus || payload.trim() !== ONLINE) return;
    // HA restarted: it has lost non-retained state and may have missed discovery. Answer after a
    // random delay so that many publishers do not flood it at once (HA MQTT docs, "birth message").
    clearTimeout(this.birthTimer);
    const delay = Math.round(this.random() * this.options.birthReplyMaxDelayMs);
    this.birthTimer = setTimeout(() => {
      this.birthTimer = undefined;
      this.logger.info("Home Assistant came online; announcing again");
      this.announceAll();
    }, delay);
  }

  /** Discovery, availability and the latest state of everything: after a connect or HA's birth. */
  private announceAll(): void {
    if (!this.connection.connected) return;
    this.publishDiscovery(this.bridgeMessage(), true);
    for (const [key, meter] of this.meters) {
      this.publishDiscovery(this.meterMessage(meter), true);
      this.connection.publish(this.topics.meterStatus(key), meter.watchdog.online ? ONLINE : OFFLINE);
    }
    // A meter from an earlier run that has not pushed yet: its retained "online" may be stale after
    // a crash (the last will only covers the bridge topic).
    for (const device of this.previous) {
      if (device.meterKey !== null && !this.meters.has(device.meterKey)) {
        this.connection.publish(this.topics.meterStatus(device.meterKey), OFFLINE);
      }
    }
    for (const [topic, payload] of this.gate.latest()) this.connection.publish(topic, payload);
    this.saveAnnounced();
  }

  private meterConfigTopic(meterKey: string): string {
    return this.topics.deviceConfig(meterObjectId(meterKey));
  }

  private meterMessage(meter: MeterState, extras?: DeviceExtras): DiscoveryMessage {
    const entities = [...meter.entities.values()];
    const topic = this.meterConfigTopic(meter.identity.key);
    return meterDiscovery(meter.identity, entities, this.context, extras ?? this.extrasFor(topic));
  }

  private bridgeMessage(extras?: DeviceExtras): DiscoveryMessage {
    const topic = this.topics.deviceConfig(bridgeObjectId(this.options.baseTopic));
    return bridgeDiscovery(BRIDGE_ENTITIES, this.context, extras ?? this.extrasFor(topic));
  }

  /** Before the stale check, components of an earlier run ride along unchanged. */
  private extrasFor(configTopic: string): DeviceExtras {
    const earlier = this.previous.find((device) => device.configTopic === configTopic);
    return earlier ? { carried: earlier.components } : {};
  }

  private publishDiscovery(message: DiscoveryMessage, force: boolean): void {
    const json = JSON.stringify(message.payload);
    if (!force && this.sentDiscovery.get(message.topic) === json) return;
    if (this.connection.publish(message.topic, json)) this.sentDiscovery.set(message.topic, json);
  }

  private currentMessages(): { message: DiscoveryMessage; meterKey: string | null }[] {
    return [
      { message: this.bridgeMessage(), meterKey: null },
      ...[...this.meters.values()].map((meter) => ({
        message: this.meterMessage(meter),
        meterKey: meter.identity.key,
      })),
    ];
  }

  private saveAnnounced(): void {
    const devices = new Map<string, AnnouncedDevice>();
    for (const device of this.previous) devices.set(device.configTopic, device);
    for (const { message, meterKey } of this.currentMessages()) {
      const components: Record<string, SensorComponent> = {};
      for (const [id, component] of Object.entries(message.payload.components)) {
        if (isSensorComponent(component)) components[id] = component;
      }
      devices.set(message.topic, { configTopic: message.topic, meterKey, components });
    }
    try {
      this.announcedStore.save([...devices.values()]);
    } catch (error) {
      this.logger.warn(`Cannot save the list of announced entities: ${(error as Error).message}`);
    }
  }

  /**
   * Entities and devices of an earlier run that this run has not produced within `staleAfterMs` of its
   * first snapshot are removed: a device by an empty retained config (HA then removes all its
   * components), a single component by announcing it once as `{"platform": "sensor"}` (HA docs,
   * device discovery). Their retained states are cleared too.
   */
  private removeStale(): void {
    this.staleTimer = undefined;
    if (!this.connection.connected) {
      this.cleanupDue = true;
      return;
    }
    this.cleanupDue = false;
    const earlier = this.previous;
    this.previous = [];
    const current = new Map(this.currentMessages().map(({ message }) => [message.topic, message]));
    for (const device of earlier) {
      const now = current.get(device.configTopic);
      if (!now) {
        this.connection.publish(device.configTopic, "");
        for (const component of Object.values(device.components)) this.clearState(component.state_topic);
        if (device.meterKey !== null) this.connection.publish(this.topics.meterStatus(device.meterKey), "");
        this.sentDiscovery.delete(device.configTopic);
        this.logger.info(`Removed the stale Home Assistant device ${device.configTopic}`);
        continue;
      }
      const removed: string[] = [];
      for (const [id, component] of Object.entries(device.components)) {
        const live = now.payload.components[id];
        if (!live) removed.push(id);
        if (!live || (isSensorComponent(live) && live.state_topic !== component.state_topic)) {
          this.clearState(component.state_topic);
        }
      }
      if (removed.length === 0) continue;
      const stubbed = this.rebuild(device.configTopic, { removed });
      if (stubbed) this.publishDiscovery(stubbed, true);
      const final = this.rebuild(device.configTopic, {});
      if (final) this.publishDiscovery(final, true);
      this.logger.info(`Removed stale entities from ${device.configTopic}: ${removed.join(", ")}`);
    }
    this.saveAnnounced();
  }

  private rebuild(configTopic: string, extras: DeviceExtras): DiscoveryMessage | undefined {
    const bridge = this.bridgeMessage(extras);
    if (bridge.topic === configTopic) return bridge;
    const meter = [...this.meters.values()].find(
      (m) => this.meterConfigTopic(m.identity.key) === configTopic,
    );
    return meter && this.meterMessage(meter, extras);
  }

  private clearState(topic: string): void {
    this.gate.forget(topic);
    // An empty retained message deletes the retained state (MQTT 3.1.1 §3.3.1.3).
    this.connection.publish(topic, "");
  }
}
