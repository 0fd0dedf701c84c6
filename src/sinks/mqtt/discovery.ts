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

/** Where an entity's state and attributes go. */
interface EntityTopics {
  readonly state: string;
  readonly attributes: string;
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

function component(entity: Entity, uniquePrefix: string, topics: EntityTopics): EntityComponent {
  const base: ComponentBase = {
    unique_id: `${uniquePrefix}_${entity.id}`,
    // The entity id HA suggests; a second meter gets "_2" from HA's registry.
    default_entity_id: `${entity.platform}.${ENTITY_PREFIX}_${entity.id}`,
    name: entity.name,
    state_topic: topics.state,
    ...(entity.diagnostic ? { entity_category: "diagnostic" as const } : {}),
    ...(entity.hasAttributes ? { json_attributes_topic: topics.attributes } : {}),
    ...(entity.icon ? { icon: entity.icon } : {}),
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
): DiscoveryMessage {
  const { topics, origin } = context;
  const objectId = meterObjectId(identity.key);
  const serial = identity.serialNumber ?? identity.logicalDeviceName;
  const components: Record<string, EntityComponent | RemovedComponent> = {};
  for (const entity of entities) {
    components[entity.id] = component(entity, objectId, {
      state: topics.meterState(identity.key, entity.id),
      attributes: topics.meterAttributes(identity.key, entity.id),
    });
  }
  const device: DiscoveryDevice = {
    identifiers: [objectId],
    name: "E450",
    manufacturer: "Landis+Gyr",
    model: "E450",
    ...(serial ? { serial_number: serial } : {}),
    ...(identity.firmwareVersion ? { sw_version: identity.firmwareVersion } : {}),
    via_device: bridgeObjectId(topics.baseTopic),
  };
  return deviceMessage(
    topics,
    objectId,
    {
      device,
      origin,
      // Both must be online: the add-on runs (its last will) and the meter still pushes.
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
    components[entity.id] = component(entity, objectId, {
      state: topics.bridgeState(entity.id),
      attributes: topics.bridgeAttributes(entity.id),
    });
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
