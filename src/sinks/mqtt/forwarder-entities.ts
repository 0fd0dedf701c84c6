/**
 * The InfluxDB forwarder's state as diagnostic sensors on the bridge device ("E450 reader"): it is
 * the add-on's own queue, not a meter's. They are announced with the forwarder's first status, so an
 * add-on without InfluxDB announces nothing new (issue 11).
 *
 * - `influxdb_queue`: lines waiting on disk, state_class measurement in "lines". A sensor without a
 *   device class may have any unit (sensor/const.py DEVICE_CLASS_UNITS only constrains classes), and
 *   with a state class HA keeps long-term statistics of it. Dead letters and dropped lines, which
 *   change rarely, are its attributes.
 * - `influxdb_oldest`: how long the oldest waiting line has waited, device_class duration in s; 0 when
 *   nothing waits. An age rather than a timestamp of when it was queued: a number can be graphed,
 *   kept in long-term statistics, converted to min/h/d in the entity's settings and compared in a
 *   numeric-state automation ("waiting for more than an hour"), and an empty queue is a plain 0
 *   where a timestamp would have to be unknown.
 * - `influxdb_last_error`: why the latest write failed, "none" once writes succeed again. Not an
 *   empty payload: an empty retained message deletes the retained state (MQTT 3.1.1 §3.3.1.3), and
 *   not "None", which HA reads as unknown (mqtt/const.py PAYLOAD_NONE).
 */
import type { ForwarderStatus } from "../../model/forwarder-status.js";
import type { DiagnosticStates } from "./diagnostics.js";
import { type SensorEntity, truncateState } from "./entity.js";

/** The last error's state while writes succeed. */
const NO_ERROR = "none";

export const FORWARDER_ENTITIES: readonly SensorEntity[] = [
  {
    platform: "sensor",
    id: "influxdb_queue",
    name: "InfluxDB queue",
    stateClass: "measurement",
    unit: "lines",
    diagnostic: true,
    hasAttributes: true,
    icon: "mdi:database-arrow-up",
    cadence: "fast",
  },
  {
    platform: "sensor",
    id: "influxdb_oldest",
    name: "InfluxDB oldest queued point",
    deviceClass: "duration",
    stateClass: "measurement",
    unit: "s",
    diagnostic: true,
    cadence: "fast",
  },
  {
    platform: "sensor",
    id: "influxdb_last_error",
    name: "InfluxDB last error",
    diagnostic: true,
    icon: "mdi:database-alert",
    cadence: "on-change",
  },
];

/** The states of one status report; `atMs` is when it was taken (the age is counted to it). */
export function forwarderStates(status: ForwarderStatus, atMs: number): DiagnosticStates {
  const ageSeconds =
    status.oldestQueuedMs === null ? 0 : Math.max(0, Math.round((atMs - status.oldestQueuedMs) / 1000));
  return {
    states: [
      { entityId: "influxdb_queue", payload: String(status.queuedLines) },
      { entityId: "influxdb_oldest", payload: String(ageSeconds) },
      { entityId: "influxdb_last_error", payload: truncateState(status.lastError ?? NO_ERROR) },
    ],
    attributes: new Map([
      [
        "influxdb_queue",
        JSON.stringify({
          queued_bytes: status.queuedBytes,
          dead_letters: status.deadLetters,
          dropped_lines: status.droppedLines,
        }),
      ],
    ]),
  };
}
