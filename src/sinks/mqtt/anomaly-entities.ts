/**
 * AnomalyState → the meter device's anomaly entities (pure):
 * - `anomaly`, a binary_sensor with device_class problem: on while any incident is open, the latest
 *   open one in its attributes;
 * - `anomaly_event`, an event entity whose event_types are the detector kinds, so an automation can
 *   trigger on "spike" and ignore "schedule-shift"; it fires once per incident in `fired`;
 * - `anomaly_last`, a diagnostic sensor with the last sentence; before the first incident it says
 *   how far the detectors have learned, then that none has been seen (its state is retained, so the
 *   learning sentence has to be replaced once learning ends).
 */
import type { AnomalyIncident, AnomalyState } from "../../model/insights.js";
import {
  type Announcement,
  type Entity,
  type EntityState,
  PAYLOAD_OFF,
  PAYLOAD_ON,
  truncateState,
} from "./entity.js";
import { PLACES, rounded } from "./insight-format.js";

type Iso = (utcMs: number) => string;

/** The event entity's id; its state topic carries the (never retained) event messages. */
export const ANOMALY_EVENT_ID = "anomaly_event";

function incidentDetails(incident: AnomalyIncident, iso: Iso) {
  return {
    since: iso(incident.startMs),
    expected: rounded(incident.expected, PLACES.reading),
    observed: rounded(incident.observed, PLACES.reading),
    unit: incident.unit,
    score: rounded(incident.score, PLACES.score),
    sentence: incident.message,
  };
}

/** The newest of the open incidents; null when none is open. */
function latestOpen(open: readonly AnomalyIncident[]): AnomalyIncident | null {
  let latest: AnomalyIncident | null = null;
  for (const incident of open) if (!latest || incident.startMs > latest.startMs) latest = incident;
  return latest;
}

export function anomalyEntities(state: AnomalyState, iso: Iso): Announcement {
  const entities: Entity[] = [];
  const states: EntityState[] = [];
  const latest = latestOpen(state.open);
  entities.push({
    platform: "binary_sensor",
    id: "anomaly",
    name: "Anomaly",
    deviceClass: "problem",
    hasAttributes: true,
    cadence: "on-change",
  });
  const none = { since: null, expected: null, observed: null, unit: null, score: null, sentence: null };
  states.push({
    entityId: "anomaly",
    payload: latest ? PAYLOAD_ON : PAYLOAD_OFF,
    attributes: JSON.stringify({
      kind: latest?.kind ?? null,
      ...(latest ? incidentDetails(latest, iso) : none),
      open_incidents: {
        count: state.open.length,
        kinds: [...new Set(state.open.map((incident) => incident.kind))].sort(),
      },
      status: state.status,
      learned_days: state.history.days,
      learning_days: state.history.needed,
    }),
  });
  // HA accepts only the listed event types; without any kinds there is nothing to announce.
  if (state.kinds.length > 0) {
    entities.push({
      platform: "event",
      id: ANOMALY_EVENT_ID,
      name: "Anomaly detected",
      eventTypes: state.kinds,
      icon: "mdi:chart-bell-curve",
    });
  }
  entities.push({
    platform: "sensor",
    id: "anomaly_last",
    name: "Last anomaly",
    diagnostic: true,
    hasAttributes: true,
    icon: "mdi:text-box-search-outline",
    cadence: "on-change",
  });
  const last = state.last;
  states.push({
    entityId: "anomaly_last",
    payload: truncateState(last ? last.message : noIncidentSentence(state)),
    attributes: JSON.stringify(
      last ? { kind: last.kind, ...incidentDetails(last, iso) } : { kind: null, ...none },
    ),
  });
  return { entities, states };
}

/** What the last-anomaly sensor says before the first incident. */
function noIncidentSentence({ status, history }: AnomalyState): string {
  return status === "learning"
    ? `Still learning this house's normal: ${history.days} of ${history.needed} days of history`
    : "No anomaly so far";
}

/**
 * One event payload per newly opened incident: `event_type` is its kind, the other keys become the
 * event's attributes (mqtt/event.py `_event_received`).
 */
export function anomalyEventPayloads(fired: readonly AnomalyIncident[], iso: Iso): string[] {
  return fired.map((incident) =>
    JSON.stringify({ event_type: incident.kind, ...incidentDetails(incident, iso) }),
  );
}
