/**
 * One Home Assistant entity as e450 describes it, before it becomes a discovery component: a sensor,
 * a binary sensor or an event, told apart by `platform` (the MQTT platform HA sets it up with).
 * Sensor device and state classes of the registers are the ones in obis/registry.ts; units are those
 * allowed for the class by HA's sensor/const.py DEVICE_CLASS_UNITS (tests check against
 * sensor_device_classes.json).
 */
import type { HaDeviceClass, HaStateClass } from "../../obis/registry.js";

/**
 * How often a state may go out:
 * - total: whenever it changes (energy registers; the Energy dashboard wants every step);
 * - fast: at most once per publish interval (power, voltage, counters; the recorder bloats at 1–5 s,
 *   core#81659);
 * - on-change: whenever it changes (tariff, status texts, analytics; they change rarely).
 */
export type Cadence = "total" | "fast" | "on-change";

export type Platform = Entity["platform"];

interface EntityBase {
  /** Component id within its device: [a-z0-9_]+, stable; part of unique_id and the state topic. */
  readonly id: string;
  /** Short, relative to the device (has_entity_name: HA shows "<device> <name>"). */
  readonly name: string;
  readonly diagnostic?: boolean;
  /** The entity has a JSON attributes topic. */
  readonly hasAttributes?: boolean;
  readonly icon?: string;
  /**
   * Available whenever the add-on runs, also while its meter is silent: a meter's link diagnostics
   * ("disconnected", the last frame an hour ago) are what the user needs to read exactly then.
   */
  readonly followsBridge?: boolean;
}

export interface SensorEntity extends EntityBase {
  readonly platform: "sensor";
  /**
   * Money has no unit list in HA: any ISO 4217 code is its unit (sensor docs, "monetary"). Duration
   * is for the InfluxDB queue's age, which no register has.
   */
  readonly deviceClass?: HaDeviceClass | "monetary" | "duration";
  readonly stateClass?: HaStateClass;
  readonly unit?: string;
  readonly displayPrecision?: number;
  /** Allowed states of an enum sensor. */
  readonly options?: readonly string[];
  /**
   * The state is JSON `{"value", "last_reset"}`: an MQTT sensor takes last_reset only from its state
   * message, through `last_reset_value_template` (mqtt/sensor.py `_update_last_reset`), which HA
   * allows with state_class total alone.
   */
  readonly resets?: boolean;
  readonly cadence: Cadence;
}

/** On while something is wrong (device_class problem: on means problem, binary_sensor docs). */
interface BinarySensorEntity extends EntityBase {
  readonly platform: "binary_sensor";
  readonly deviceClass: "problem";
  readonly cadence: Cadence;
}

/**
 * Fires once per message; HA ignores retained event messages (mqtt/event.py `_event_received`), so
 * its payloads are never retained and never replayed.
 */
interface EventEntity extends EntityBase {
  readonly platform: "event";
  readonly eventTypes: readonly string[];
}

export type Entity = SensorEntity | BinarySensorEntity | EventEntity;

/** A state ready to publish: the payload is the plain value, as HA reads it without a template. */
export interface EntityState {
  readonly entityId: string;
  readonly payload: string;
  /** JSON attributes, for an entity with `hasAttributes`. */
  readonly attributes?: string;
}

/** Payloads of the binary sensors (HA's defaults, announced anyway so the topic reads plainly). */
export const PAYLOAD_ON = "ON";
export const PAYLOAD_OFF = "OFF";
/** What an MQTT sensor reads as "unknown" (mqtt/const.py PAYLOAD_NONE; mqtt/sensor.py `_update_state`). */
export const PAYLOAD_UNKNOWN = "None";

/** What one analytics update announces on the meter's device, and the states that go with it. */
export interface Announcement {
  readonly entities: readonly Entity[];
  readonly states: readonly EntityState[];
}

/** HA refuses a state longer than 255 characters (const.py MAX_LENGTH_STATE_STATE). */
const MAX_STATE_LENGTH = 255;

/** The text cut to HA's state length with an ellipsis; counted in code points, as Python counts. */
export function truncateState(text: string): string {
  const characters = Array.from(text);
  if (characters.length <= MAX_STATE_LENGTH) return text;
  return `${characters.slice(0, MAX_STATE_LENGTH - 1).join("")}…`;
}
