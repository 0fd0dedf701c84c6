/**
 * The MQTT plugin: publishes the meters' events to Home Assistant with device-based discovery, one
 * retained state topic per entity, availability (the add-on's last will plus each meter's online
 * state as its runtime reports it), re-announcement on Home Assistant's birth message, removal of
 * stale entities and rate limiting of fast-changing values. The live analytics' cost, forecast and
 * anomaly states become entities on the same meter device (cost-, forecast-, anomaly-entities.ts);
 * the InfluxDB forwarder's status becomes entities on the bridge device (forwarder-entities.ts).
 * Meters are keyed by their identity (one device each); the configured meter an event came through
 * (its `meter`) names the device and, with several meters, feeds its own link diagnostics.
 * This class holds the lifecycle and routes events to the parts:
 * meter-registry.ts (what each meter has shown), discovery-publisher.ts (configs), publish-gate.ts
 * (states), stale-entities.ts (what an earlier run left behind).
 *
 * Why one topic per entity rather than one JSON topic with value_template: the integrity guard and the
 * rate limit hold values back one by one, which a JSON document would have to express as missing keys
 * (HA then renders the template to nothing and logs a warning per entity); plain payloads need no
 * template rendering in HA, and other consumers (Node-RED, InfluxDB's MQTT input) read them as they are.
 */
import type { MeterBus, MeterDiagnostics, MeterEvents } from "../../bus/events.js";
import type { Plugin } from "../../bus/plugin.js";
import type { Logger } from "../../logging/logger.js";
import type { LinkState } from "../../model/link-state.js";
import type { MeterIdentity } from "../../model/meter-identity.js";
import { type AnnouncedStore, JsonFileAnnouncedStore } from "./announced-store.js";
import { ANOMALY_EVENT_ID, anomalyEntities, anomalyEventPayloads } from "./anomaly-entities.js";
import { costEntities } from "./cost-entities.js";
import {
  BRIDGE_ENTITIES,
  type DiagnosticStates,
  diagnosticStates,
  type LinkStatus,
  linkStatusState,
  METER_LINK_ENTITIES,
  meterLinkStates,
} from "./diagnostics.js";
import { DiscoveryPublisher } from "./discovery-publisher.js";
import { EarlierRun } from "./earlier-run.js";
import type { Announcement, Cadence } from "./entity.js";
import { forecastEntities } from "./forecast-entities.js";
import { FORWARDER_ENTITIES, forwarderStates } from "./forwarder-entities.js";
import { utcToOffsetIso } from "./local-time.js";
import { meterEntitiesOf } from "./meter-entities.js";
import { MeterRegistry } from "./meter-registry.js";
import type { ConnectionHandlers, OutgoingMessage } from "./mqtt-connection.js";
import { type MqttSinkOptions, type ResolvedMqttSinkOptions, resolveMqttSinkOptions } from "./options.js";
import { PublishGate } from "./publish-gate.js";
import { connectToBroker, type SinkConnection } from "./sink-connection.js";
import { StaleEntities } from "./stale-entities.js";
import { OFFLINE, ONLINE, Topics } from "./topics.js";

export type { SinkConnection } from "./sink-connection.js";

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

const ANNOUNCED_FILE = "mqtt-announced.json";
const BRIDGE_CADENCE = new Map(
  [...BRIDGE_ENTITIES, ...FORWARDER_ENTITIES].map((entity) => [entity.id, entity.cadence]),
);
const METER_LINK_CADENCE = new Map(METER_LINK_ENTITIES.map((entity) => [entity.id, entity.cadence]));

/** The link status Home Assistant shows for a transport state. */
const LINK_STATUS: Readonly<Record<LinkState, LinkStatus>> = {
  connecting: "connecting",
  up: "connected",
  down: "disconnected",
  stopped: "disconnected",
};
/**
 * Event messages held while the broker is unreachable, sent on the next connect. Bounded: a long outage
 * must not grow memory, and a flood of stale notifications helps nobody.
 */
const MAX_UNSENT_EVENTS = 20;

/** With several connections, the bridge shows the worst of them. */
const LINK_STATUS_RANK: Readonly<Record<LinkStatus, number>> = {
  connected: 0,
  connecting: 1,
  disconnected: 2,
};

export class MqttSink implements Plugin {
  readonly name = "mqtt";
  private readonly options: ResolvedMqttSinkOptions;
  private readonly topics: Topics;
  private readonly connection: SinkConnection;
  private readonly gate: PublishGate;
  private readonly random: () => number;
  private readonly meters = new MeterRegistry();
  private readonly earlier: EarlierRun;
  private readonly discovery: DiscoveryPublisher;
  private readonly stale: StaleEntities;
  /** Per configured meter (connection): its latest counters and link status, summed for the bridge. */
  private readonly diagnostics = new Map<string, MeterDiagnostics>();
  private readonly links = new Map<string, LinkStatus>();
  /** Per meter key: the tariff's currency from its latest cost state (the forecast's cost unit). */
  private readonly currencies = new Map<string, string>();
  /** Event payloads (never retained) that found the broker unreachable. */
  private readonly unsentEvents: OutgoingMessage[] = [];
  private unsubscribe: (() => void)[] = [];
  /** Meters seen while the broker was unreachable, whose announcement is still to be logged. */
  private readonly awaitingAnnouncement = new Set<string>();
  private birthTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    options: MqttSinkOptions,
    private readonly logger: Logger,
    dependencies: MqttSinkDependencies = {},
  ) {
    this.options = resolveMqttSinkOptions(options);
    const topics = new Topics(this.options.discoveryPrefix, this.options.baseTopic);
    this.topics = topics;
    this.random = dependencies.random ?? Math.random;
    const handlers: ConnectionHandlers = {
      connected: () => this.onConnected(),
      message: (topic, payload) => this.onMessage(topic, payload),
    };
    const connection = (dependencies.connect ?? connectToBroker)(this.options, topics, logger, handlers);
    this.connection = connection;
    this.gate = new PublishGate(this.options.publishIntervalMs, (topic, payload) =>
      connection.publish(topic, payload),
    );
    const store =
      dependencies.announcedStore ??
      new JsonFileAnnouncedStore(`${this.options.dataDir}/${ANNOUNCED_FILE}`, logger);
    this.earlier = new EarlierRun(store);
    const origin = {
      name: "e450",
      sw_version: this.options.softwareVersion,
      ...(this.options.supportUrl ? { support_url: this.options.supportUrl } : {}),
    };
    this.discovery = new DiscoveryPublisher(
      { topics, origin },
      this.meters,
      connection,
      this.earlier,
      this.options.meters,
    );
    this.stale = new StaleEntities({
      store,
      earlier: this.earlier,
      connection,
      discovery: this.discovery,
      gate: this.gate,
      topics,
      logger,
      staleAfterMs: this.options.staleAfterMs,
    });
  }

  start(bus: MeterBus): void {
    this.earlier.load();
    this.publishLinkStatus();
    this.unsubscribe = [
      bus.on("snapshot", (event) => this.onSnapshot(event)),
      bus.on("availability", (event) => this.onAvailability(event)),
      bus.on("link", (event) => this.onLink(event)),
      bus.on("diagnostics", (event) => this.onDiagnostics(event)),
      bus.on("cost", (event) => this.onCost(event)),
      bus.on("forecast", (event) => this.onForecast(event)),
      bus.on("anomalies", (event) => this.onAnomalies(event)),
      bus.on("forwarder", (event) => this.onForwarder(event)),
    ];
    this.connection.start();
  }

  /** Marks every meter and the add-on offline (retained), then disconnects. */
  async stop(): Promise<void> {
    for (const undo of this.unsubscribe.splice(0)) undo();
    this.stale.stop();
    clearTimeout(this.birthTimer);
    // Values still held back by the rate limit go out now rather than never.
    const finalMessages: OutgoingMessage[] = [...this.gate.pending()].map(([topic, payload]) => ({
      topic,
      payload,
    }));
    this.gate.stop();
    for (const meter of this.meters.values()) {
      finalMessages.push({ topic: this.topics.meterStatus(meter.identity.key), payload: OFFLINE });
    }
    finalMessages.push({ topic: this.topics.bridgeStatus, payload: OFFLINE });
    await this.connection.stop(finalMessages);
  }

  /** One push (already through the integrity guard): announce what is new, publish states. */
  private onSnapshot({ meter, identity, snapshot, derived }: MeterEvents["snapshot"]): void {
    const { entities, states, skipped } = meterEntitiesOf(snapshot, derived, this.options.timeZone);
    for (const { obis, why } of skipped) this.logger.debug(`Not published: ${obis} (${why})`);
    this.announceOnMeter(meter, identity, { entities, states });
    this.stale.snapshotArrived();
  }

  private onCost({ meter, identity, state }: MeterEvents["cost"]): void {
    this.currencies.set(identity.key, state.currency);
    this.announceOnMeter(meter, identity, costEntities(state, this.iso));
  }

  private onForecast({ meter, identity, state }: MeterEvents["forecast"]): void {
    const currency = this.currencies.get(identity.key) ?? null;
    this.announceOnMeter(meter, identity, forecastEntities(state, { currency, iso: this.iso }));
  }

  /**
   * The anomaly entities' states, then one event per newly opened incident. Events go out once and
   * are never retained (HA ignores retained events, mqtt/event.py), so neither a reconnect, nor HA's
   * birth message, nor a restart of this add-on replays them.
   */
  private onAnomalies({ meter, identity, state, fired }: MeterEvents["anomalies"]): void {
    this.announceOnMeter(meter, identity, anomalyEntities(state, this.iso));
    const topic = this.topics.meterState(identity.key, ANOMALY_EVENT_ID);
    for (const payload of anomalyEventPayloads(fired, this.iso)) this.sendEvent({ topic, payload });
  }

  private readonly iso = (utcMs: number): string => utcToOffsetIso(utcMs, this.options.timeZone);

  /** Announces what is new on the meter's device, then offers the states (and attributes) to the gate. */
  private announceOnMeter(
    configuredId: string,
    identity: MeterIdentity,
    { entities, states }: Announcement,
  ): void {
    const { meter, changed, isNew } = this.meters.update(configuredId, identity, entities);
    const announced = changed && this.discovery.publish(this.discovery.meterMessage(meter), false);
    if (changed) this.stale.save();
    if (isNew) {
      // The configured name too, so that a log with several meters says which key is whose.
      const name = this.options.meters.get(configuredId)?.name;
      const who = `Meter ${identity.key}${name ? ` (${name})` : ""}`;
      if (announced) this.logger.info(`${who} seen; announced to Home Assistant`);
      else {
        this.logger.info(`${who} seen; will announce it when the broker is reachable`);
        this.awaitingAnnouncement.add(identity.key);
      }
      // Its link diagnostics so far: the link came up, and was counted, before the meter was identified.
      this.offerMeterLink(configuredId);
    }
    const cadences = new Map<string, Cadence>();
    for (const entity of entities) if (entity.platform !== "event") cadences.set(entity.id, entity.cadence);
    for (const state of states) {
      const cadence = cadences.get(state.entityId) ?? "fast";
      this.gate.offer(this.topics.meterState(identity.key, state.entityId), state.payload, cadence);
      if (state.attributes !== undefined) {
        const topic = this.topics.meterAttributes(identity.key, state.entityId);
        this.gate.offer(topic, state.attributes, cadence);
      }
    }
  }

  /** With several meters: the configured meter's link diagnostics on the device of each meter it reads. */
  private offerMeterLink(configuredId: string): void {
    if (!this.discovery.several) return;
    const { states, attributes } = meterLinkStates(
      this.diagnostics.get(configuredId),
      this.links.get(configuredId),
    );
    for (const { identity } of this.meters.readBy(configuredId)) {
      for (const state of states) {
        const cadence = METER_LINK_CADENCE.get(state.entityId) ?? "fast";
        this.gate.offer(this.topics.meterState(identity.key, state.entityId), state.payload, cadence);
      }
      for (const [entityId, json] of attributes) {
        this.gate.offer(this.topics.meterAttributes(identity.key, entityId), json, "fast");
      }
    }
  }

  private sendEvent(message: OutgoingMessage): void {
    if (this.connection.publish(message.topic, message.payload, false)) return;
    this.unsentEvents.push(message);
    if (this.unsentEvents.length > MAX_UNSENT_EVENTS) this.unsentEvents.shift();
  }

  private onAvailability({ identity, online }: MeterEvents["availability"]): void {
    const meter = this.meters.get(identity.key);
    // A retained status topic for a meter that was never announced would outlive it in the broker.
    if (!meter) return;
    meter.online = online;
    this.connection.publish(this.topics.meterStatus(identity.key), online ? ONLINE : OFFLINE);
  }

  private onLink({ meter, state }: MeterEvents["link"]): void {
    this.links.set(meter, LINK_STATUS[state]);
    this.publishLinkStatus();
    this.offerMeterLink(meter);
  }

  private publishLinkStatus(): void {
    let worst: LinkStatus = this.links.size === 0 ? "connecting" : "connected";
    for (const status of this.links.values()) {
      if (LINK_STATUS_RANK[status] > LINK_STATUS_RANK[worst]) worst = status;
    }
    const state = linkStatusState(worst);
    this.gate.offer(this.topics.bridgeState(state.entityId), state.payload, "on-change");
  }

  private onDiagnostics({ meter, diagnostics }: MeterEvents["diagnostics"]): void {
    this.diagnostics.set(meter, diagnostics);
    this.offerBridgeStates(diagnosticStates([...this.diagnostics.values()]));
    this.offerMeterLink(meter);
  }

  /**
   * The forwarder reports only while InfluxDB is configured, so its entities are announced with its
   * first report and never without it. An earlier run's forwarder entities ride along in the bridge's
   * config until then (earlier-run.ts); the stale check, 15 min after the first snapshot by default,
   * comes long after the first report (every 10 s), so it removes them only when forwarding is off.
   */
  private onForwarder({ status, at }: MeterEvents["forwarder"]): void {
    if (this.discovery.addBridgeEntities(FORWARDER_ENTITIES)) {
      this.discovery.publish(this.discovery.bridgeMessage(), false);
      this.stale.save();
    }
    this.offerBridgeStates(forwarderStates(status, at));
  }

  private offerBridgeStates({ states, attributes }: DiagnosticStates): void {
    for (const state of states) {
      const cadence: Cadence = BRIDGE_CADENCE.get(state.entityId) ?? "fast";
      this.gate.offer(this.topics.bridgeState(state.entityId), state.payload, cadence);
    }
    for (const [entityId, json] of attributes) {
      this.gate.offer(this.topics.bridgeAttributes(entityId), json, "fast");
    }
  }

  private onConnected(): void {
    this.connection.publish(this.topics.bridgeStatus, ONLINE);
    this.connection.subscribe(this.topics.homeAssistantStatus);
    this.announceAll();
    this.stale.connected();
    for (const message of this.unsentEvents.splice(0)) this.sendEvent(message);
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
    this.discovery.publish(this.discovery.bridgeMessage(), true);
    for (const meter of this.meters.values()) {
      const key = meter.identity.key;
      if (
        this.discovery.publish(this.discovery.meterMessage(meter), true) &&
        this.awaitingAnnouncement.delete(key)
      ) {
        this.logger.info(`Meter ${key} announced to Home Assistant`);
      }
      const status = meter.online ? ONLINE : OFFLINE;
      this.connection.publish(this.topics.meterStatus(meter.identity.key), status);
    }
    // A meter from an earlier run that has not pushed yet: its retained "online" may be stale after
    // a crash (the last will only covers the bridge topic).
    for (const meterKey of this.earlier.meterKeys()) {
      if (!this.meters.has(meterKey)) this.connection.publish(this.topics.meterStatus(meterKey), OFFLINE);
    }
    for (const [topic, payload] of this.gate.latest()) this.connection.publish(topic, payload);
    this.stale.save();
  }
}
