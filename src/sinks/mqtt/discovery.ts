/**
 * Home Assistant MQTT discovery payloads: a pure function of the entity table and the meter identity
 * (ARCHITECTURE §4).
 *
 * Device-based discovery (`<prefix>/device/<object_id>/config`, HA ≥ 2024.11) rather than one config
 * per sensor: a meter is one device with 20–40 sensors, and one retained message per device announces,
 * updates and removes them together, instead of 40 messages that HA may see half of. Shared options
 * (availability, availability_mode, qos) sit at the root and are inherited by every component
 * (mqtt/discovery.py `_merge_common_device_options`). Full option names, no abbreviations: the payload
 * stays readable in MQTT Explorer, and its size (a few kB) is no concern for a local broker.
 *
 * Rules followed (home-assistant/core components/mqtt/discovery.py, the MQTT discovery docs, and
 * tests/fixtures/ha-schemas for the allowed device classes and units):
 * - `device` with identifiers, and `origin` with a name, are required in device discovery;
 * - `unique_id` on every component; `default_entity_id` with the domain (object_id is gone since 2026.4);
 * - `name` short and relative to the device (all MQTT entities have has_entity_name);
 * - with several meters, every meter's `default_entity_id` carries its identity, so that HA never has
 *   to number a second meter's entities (`_2`); `unique_id` carried it from the start;
 * - a component removed from a device is announced once as `{"platform": <its platform>}` only, which
 *   makes HA remove that entity; it is then left out.
 */
import type { MeterIdentity } from "../../model/meter-identity.js";
import { toTopicSafeKey } from "../../meter/meter-identity.js";
import { type Entity, PAYLOAD_OFF, PAYLOAD_ON, type Platform, type SensorEntity } from "./entity.js";
import type { Topics } from "./topics.js";

interface Origin {
  readonly name: string;
  readonly sw_version: string;
  readonly support_url?: string;
}

interface DiscoveryDevice {
  readonly identifiers: readonly string[];
  readonly name: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serial_number?: string;
  readonly sw_version?: string;
  readonly via_device?: string;
  /**
   * Where HA puts the device when it first creates it (mqtt/schemas.py MQTT_ENTITY_DEVICE_INFO_SCHEMA
   * CONF_SUGGESTED_AREA); it never moves a device HA already has (home-assistant/core#149758, 2025).
   */
  readonly suggested_area?: string;
}

interface AvailabilityItem {
  readonly topic: string;
}

interface ComponentBase {
  readonly unique_id: string;
  readonly default_entity_id: string;
  readonly name: string;
  readonly state_topic: string;
  readonly entity_category?: "diagnostic";
  readonly json_attributes_topic?: string;
  readonly icon?: string;
  /**
   * Overrides the device's shared availability for this component: HA merges a shared option into a
   * component only where the component does not set it (mqtt/discovery.py
   * `_merge_common_device_options`).
   */
  readonly availability?: readonly AvailabilityItem[];
}

export interface SensorComponent extends ComponentBase {
  readonly platform: "sensor";
  readonly device_class?: string;
  readonly state_class?: string;
  readonly unit_of_measurement?: string;
  readonly suggested_display_precision?: number;
  readonly options?: readonly string[];
  readonly value_template?: string;
  readonly last_reset_value_template?: string;
}

interface BinarySensorComponent extends ComponentBase {
  readonly platform: "binary_sensor";
  readonly device_class: string;
  readonly payload_on: string;
  readonly payload_off: string;
}

interface EventComponent extends ComponentBase {
  readonly platform: "event";
  readonly event_types: readonly string[];
}

export type EntityComponent = SensorComponent | BinarySensorComponent | EventComponent;

/**
 * Announces the removal of a component (HA docs, device discovery: "remove a component"). HA keys a
 * discovered component by (platform, id) (mqtt/discovery.py `discovery_hash`), so the platform must
 * be the removed component's own: `{"platform": "sensor"}` would not remove a binary_sensor.
 */
interface RemovedComponent {
  readonly platform: Platform;
}

interface DevicePayload {
  readonly device: DiscoveryDevice;
  readonly origin: Origin;
  readonly availability: readonly AvailabilityItem[];
  readonly availability_mode?: "all";
  readonly qos: 1;
  readonly components: Readonly<Record<string, EntityComponent | RemovedComponent>>;
}

export interface DiscoveryMessage {
  readonly topic: string;
  readonly objectId: string;
  readonly payload: DevicePayload;
}

export interface DiscoveryContext {
  readonly topics: Topics;
  readonly origin: Origin;
}

const ENTITY_PREFIX = "e450";

export function meterObjectId(meterKey: string): string {
  return `${ENTITY_PREFIX}_${meterKey}`;
}

export function bridgeObjectId(baseTopic: string): string {
  return `${ENTITY_PREFIX}_bridge_${toTopicSafeKey(baseTopic) || "e450"}`;
}

/**
 * A meter key as HA's entity ids allow it: [a-z0-9_] with no "__" and no "_" at either end
 * (core.py VALID_ENTITY_ID); a key may hold "-" (meter-identity.ts), an entity id may not.
 */
function entityIdPart(meterKey: string): string {
  return meterKey.replace(/[-_]+/g, "_").replace(/^_|_$/g, "");
}

/**
 * The reader's entity-id prefix: "e450" under the default base topic, else one that carries the base
 * topic, so that the readers of several instances never suggest the same entity ids.
 */
function bridgeEntityPrefix(baseTopic: string): string {
  const part = entityIdPart(toTopicSafeKey(baseTopic)) || ENTITY_PREFIX;
  return part === ENTITY_PREFIX || part.startsWith(`${ENTITY_PREFIX}_`) ? part : `${ENTITY_PREFIX}_${part}`;
}

/** Where an entity's state and attributes go, and the add-on's own availability topic. */
interface EntityTopics {
  readonly state: string;
  readonly attributes: string;
  readonly bridgeStatus: string;
}

/** The two ids of a component: unique_id's prefix (never changes) and the suggested entity id's. */
interface IdPrefixes {
  readonly unique: string;
  readonly entity: string;
}

function sensorOptions(entity: SensorEntity): Omit<SensorComponent, keyof ComponentBase | "platform"> {
  return {
    ...(entity.deviceClass ? { device_class: entity.deviceClass } : {}),
    ...(entity.stateClass ? { state_class: entity.stateClass } : {}),
    ...(entity.unit ? { unit_of_measurement: entity.unit } : {}),
    ...(entity.displayPrecision !== undefined
      ? { suggested_display_precision: entity.displayPrecision }
      : {}),
    ...(entity.options ? { options: entity.options } : {}),
    ...(entity.resets
      ? {
          value_template: "{{ value_json.value }}",
          last_reset_value_template: "{{ value_json.last_reset }}",
        }
      : {}),
  };
}

function component(entity: Entity, prefixes: IdPrefixes, topics: EntityTopics): EntityComponent {
  const base: ComponentBase = {
    unique_id: `${prefixes.unique}_${entity.id}`,
    // Only a new entity takes it: HA keeps the entity id it registered under the unique_id (and a user
    // may have renamed it), so a changed suggestion renames nothing.
    default_entity_id: `${entity.platform}.${prefixes.entity}_${entity.id}`,
    name: entity.name,
    state_topic: topics.state,
    ...(entity.diagnostic ? { entity_category: "diagnostic" as const } : {}),
    ...(entity.hasAttributes ? { json_attributes_topic: topics.attributes } : {}),
    ...(entity.icon ? { icon: entity.icon } : {}),
    ...(entity.followsBridge ? { availability: [{ topic: topics.bridgeStatus }] } : {}),
  };
  switch (entity.platform) {
    case "sensor":
      return { platform: "sensor", ...base, ...sensorOptions(entity) };
    case "binary_sensor":
      return {
        platform: "binary_sensor",
        ...base,
        device_class: entity.deviceClass,
        payload_on: PAYLOAD_ON,
        payload_off: PAYLOAD_OFF,
      };
    case "event":
      return { platform: "event", ...base, event_types: entity.eventTypes };
  }
}

/** Components besides the current entities. */
export interface DeviceExtras {
  /** Announced before and not seen again yet: kept as they were until declared stale. */
  readonly carried?: Readonly<Record<string, EntityComponent>>;
  /** To be removed, by id with the platform it had: sent as `{"platform": …}` once. */
  readonly removed?: Readonly<Record<string, Platform>>;
}

function withExtras(
  components: Record<string, EntityComponent | RemovedComponent>,
  extras: DeviceExtras,
): Record<string, EntityComponent | RemovedComponent> {
  for (const [id, carried] of Object.entries(extras.carried ?? {})) components[id] ??= carried;
  for (const [id, platform] of Object.entries(extras.removed ?? {})) components[id] ??= { platform };
  return components;
}

/** The config message of one device; the options shared by all its components sit at the root. */
function deviceMessage(
  topics: Topics,
  objectId: string,
  shared: Omit<DevicePayload, "qos" | "components">,
  components: DevicePayload["components"],
): DiscoveryMessage {
  return {
    topic: topics.deviceConfig(objectId),
    objectId,
    payload: { ...shared, qos: 1, components },
  };
}

/** How a meter's device is shown besides what the meter sends: from the configured meter it is read by. */
interface MeterPresentation {
  /** The configured name; without one the device is named after the model. */
  readonly name?: string | null;
  readonly area?: string;
  /**
   * Suggest entity ids with the meter's identity (`sensor.e450_<key>_energy_import`): set when several
   * meters are configured. One meter keeps `sensor.e450_energy_import`, as before several existed.
   */
  readonly identityInEntityIds?: boolean;
}

/**
 * The meter's device: identifiers from the system title or serial number (the identity key), made by
 * Landis+Gyr. An E450 push names no model, so the model is the one this program reads; sw_version is
 * the firmware identifier when the meter sends 1-0:0.2.0.
 */
export function meterDiscovery(
  identity: MeterIdentity,
  entities: readonly Entity[],
  context: DiscoveryContext,
  extras: DeviceExtras = {},
  presentation: MeterPresentation = {},
): DiscoveryMessage {
  const { topics, origin } = context;
  const objectId = meterObjectId(identity.key);
  const serial = identity.serialNumber ?? identity.logicalDeviceName;
  const prefixes: IdPrefixes = {
    unique: objectId,
    entity: presentation.identityInEntityIds
      ? `${ENTITY_PREFIX}_${entityIdPart(identity.key)}`
      : ENTITY_PREFIX,
  };
  const components: Record<string, EntityComponent | RemovedComponent> = {};
  for (const entity of entities) {
    components[entity.id] = component(entity, prefixes, {
      state: topics.meterState(identity.key, entity.id),
      attributes: topics.meterAttributes(identity.key, entity.id),
      bridgeStatus: topics.bridgeStatus,
    });
  }
  const device: DiscoveryDevice = {
    identifiers: [objectId],
    name: presentation.name ?? "E450",
    manufacturer: "Landis+Gyr",
    model: "E450",
    ...(serial ? { serial_number: serial } : {}),
    ...(identity.firmwareVersion ? { sw_version: identity.firmwareVersion } : {}),
    via_device: bridgeObjectId(topics.baseTopic),
    ...(presentation.area ? { suggested_area: presentation.area } : {}),
  };
  return deviceMessage(
    topics,
    objectId,
    {
      device,
      origin,
      // Both must be online: the add-on runs (its last will) and the meter still pushes. A component
      // that follows the bridge (a meter's link diagnostics) sets its own availability instead.
      availability: [{ topic: topics.bridgeStatus }, { topic: topics.meterStatus(identity.key) }],
      availability_mode: "all",
    },
    withExtras(components, extras),
  );
}

/** The add-on itself, carrying the link and forwarder diagnostics; available whenever the add-on runs. */
export function bridgeDiscovery(
  entities: readonly SensorEntity[],
  context: DiscoveryContext,
  extras: DeviceExtras = {},
): DiscoveryMessage {
  const { topics, origin } = context;
  const objectId = bridgeObjectId(topics.baseTopic);
  const components: Record<string, EntityComponent | RemovedComponent> = {};
  for (const entity of entities) {
    components[entity.id] = component(
      entity,
      { unique: objectId, entity: bridgeEntityPrefix(topics.baseTopic) },
      {
        state: topics.bridgeState(entity.id),
        attributes: topics.bridgeAttributes(entity.id),
        bridgeStatus: topics.bridgeStatus,
      },
    );
  }
  const device: DiscoveryDevice = {
    identifiers: [objectId],
    name: "E450 reader",
    manufacturer: "e450",
    model: "E450 reader",
    sw_version: origin.sw_version,
  };
  return deviceMessage(
    topics,
    objectId,
    { device, origin, availability: [{ topic: topics.bridgeStatus }] },
    withExtras(components, extras),
  );
}
