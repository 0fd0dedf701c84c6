/**
 * One Home Assistant sensor as e450 describes it, before it becomes a discovery component. Device
 * and state classes are the ones in obis/registry.ts; units are those allowed for the class by
 * HA's sensor/const.py DEVICE_CLASS_UNITS (tests check against sensor_device_classes.json).
 */
import type { HaDeviceClass, HaStateClass } from "../../obis/registry.js";

/**
 * How often a state may go out:
 * - total: whenever it changes (energy registers; the Energy dashboard wants every step);
 * - fast: at most once per publish interval (power, voltage, counters; the recorder bloats at 1–5 s,
 *   core#81659);
 * - on-change: whenever it changes (tariff, status texts; they change rarely).
 */
export type Cadence = "total" | "fast" | "on-change";

export interface SensorEntity {
  /** Component id within its device: [a-z0-9_]+, stable; part of unique_id and the state topic. */
  readonly id: string;
  /** Short, relative to the device (has_entity_name: HA shows "<device> <name>"). */
  readonly name: string;
  readonly deviceClass?: HaDeviceClass;
  readonly stateClass?: HaStateClass;
  readonly unit?: string;
  readonly displayPrecision?: number;
  readonly diagnostic?: boolean;
  /** Allowed states of an enum sensor. */
  readonly options?: readonly string[];
  /** The entity has a JSON attributes topic. */
  readonly hasAttributes?: boolean;
  readonly icon?: string;
  readonly cadence: Cadence;
}

/** A state ready to publish: the payload is the plain value, as HA reads it without a template. */
export interface EntityState {
  readonly entityId: string;
  readonly payload: string;
}
