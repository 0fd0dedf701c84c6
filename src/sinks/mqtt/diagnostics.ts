/**
 * The link's diagnostics, published on a bridge device ("E450 reader") rather than on the meter
 * device: with a wrong key no snapshot ever decodes, so the meter is never identified — and that is
 * exactly when the user needs to see "decryption failures" climbing (a wrong key that showed only as
 * "No HAN data received" in another reader: UtilitechAS/amsreader-firmware#1245).
 *
 * With several meters the bridge sums their connections, which cannot tell whose cable is unplugged;
 * each meter's device then also carries its own connection's link status, frames received and
 * rejected, and last frame. One meter gets none of these: the bridge already says it all, and an
 * existing installation gets no new entities.
 */
import type { MeterDiagnostics } from "../../bus/events.js";
import type { EntityState, SensorEntity } from "./entity.js";

const LINK_STATUSES = ["connecting", "connected", "disconnected"] as const;
/** The transport's state: serial port or TCP bridge open, or not (a valid frame is another matter). */
export type LinkStatus = (typeof LINK_STATUSES)[number];

const counter = (id: string, name: string, icon: string): SensorEntity => ({
  platform: "sensor",
  id,
  name,
  stateClass: "total_increasing",
  diagnostic: true,
  icon,
  cadence: "fast",
});

/**
 * Rejected frames are one entity with the reasons as attributes, not one entity per reason: the reason
 * set is open (framing and decoder codes), and a new reason must not change the discovery payload.
 * Rejected readings likewise (by register kind). State write failures carry the latest error as an
 * attribute: a data folder that cannot be written is otherwise only in the log.
 */
export const BRIDGE_ENTITIES: readonly SensorEntity[] = [
  {
    platform: "sensor",
    id: "link_status",
    name: "Link status",
    deviceClass: "enum",
    options: LINK_STATUSES,
    diagnostic: true,
    cadence: "on-change",
  },
  counter("frames_received", "Frames received", "mdi:counter"),
  { ...counter("frames_rejected", "Frames rejected", "mdi:alert-circle-outline"), hasAttributes: true },
  counter("lost_frames", "Lost frames", "mdi:counter"),
  counter("decryption_failures", "Decryption failures", "mdi:key-alert"),
  counter("totals_held_back", "Totals held back", "mdi:shield-alert-outline"),
  { ...counter("readings_rejected", "Readings rejected", "mdi:filter-remove-outline"), hasAttributes: true },
  {
    ...counter("state_write_failures", "State write failures", "mdi:content-save-alert-outline"),
    hasAttributes: true,
  },
  {
    platform: "sensor",
    id: "last_frame",
    name: "Last frame",
    deviceClass: "timestamp",
    diagnostic: true,
    cadence: "fast",
  },
];

/** The meter's own link diagnostics (several meters): available while the add-on runs, pushes or not. */
const METER_LINK_IDS = new Set(["link_status", "frames_received", "frames_rejected", "last_frame"]);
export const METER_LINK_ENTITIES: readonly SensorEntity[] = BRIDGE_ENTITIES.filter((entity) =>
  METER_LINK_IDS.has(entity.id),
).map((entity) => ({ ...entity, followsBridge: true }));

export interface DiagnosticStates {
  readonly states: readonly EntityState[];
  /** JSON attributes by entity id. */
  readonly attributes: ReadonlyMap<string, string>;
}

/** The bridge's states: the counters of every connection summed, the latest frame of any. */
export function diagnosticStates(connections: readonly MeterDiagnostics[]): DiagnosticStates {
  const sum = (count: (diagnostics: MeterDiagnostics) => number) =>
    connections.reduce((total, diagnostics) => total + count(diagnostics), 0);
  const frames = byReason(connections.map((d) => d.framesRejected));
  const readings = byReason(connections.map((d) => d.readingsRejected));
  // The latest error of any connection that has one; null once every state file is written again.
  const lastStateError = connections.find((d) => d.lastStateError !== null)?.lastStateError ?? null;
  const frameTimes = connections.flatMap(({ lastFrameAt }) => (lastFrameAt === null ? [] : [lastFrameAt]));
  const lastFrameAt = frameTimes.length === 0 ? null : Math.max(...frameTimes);
  const states: EntityState[] = [
    { entityId: "frames_received", payload: String(sum((d) => d.framesReceived)) },
    { entityId: "frames_rejected", payload: String(frames.total) },
    { entityId: "lost_frames", payload: String(sum((d) => d.lostFrames)) },
    { entityId: "decryption_failures", payload: String(sum((d) => d.decryptionFailures)) },
    { entityId: "totals_held_back", payload: String(sum((d) => d.totalsHeldBack)) },
    { entityId: "readings_rejected", payload: String(readings.total) },
    { entityId: "state_write_failures", payload: String(sum((d) => d.stateWriteFailures)) },
  ];
  if (lastFrameAt !== null) {
    // UTC with an explicit offset is what the timestamp device class needs (sensor docs).
    states.push({ entityId: "last_frame", payload: new Date(lastFrameAt).toISOString() });
  }
  const attributes = new Map([
    ["frames_rejected", JSON.stringify(frames.reasons)],
    ["readings_rejected", JSON.stringify(readings.reasons)],
    ["state_write_failures", JSON.stringify({ last_error: lastStateError })],
  ]);
  return { states, attributes };
}

/** Counts by reason summed over the connections, reasons sorted so the JSON is stable. */
function byReason(counts: readonly Readonly<Record<string, number>>[]): {
  total: number;
  reasons: Record<string, number>;
} {
  const summed = new Map<string, number>();
  for (const record of counts) {
    for (const [reason, count] of Object.entries(record))
      summed.set(reason, (summed.get(reason) ?? 0) + count);
  }
  const total = [...summed.values()].reduce((sum, count) => sum + count, 0);
  return { total, reasons: Object.fromEntries([...summed].sort(([a], [b]) => a.localeCompare(b))) };
}

export function linkStatusState(status: LinkStatus): EntityState {
  return { entityId: "link_status", payload: status };
}

/** One meter's link diagnostics: its connection's status and counters, nothing summed. */
export function meterLinkStates(
  diagnostics: MeterDiagnostics | undefined,
  status: LinkStatus | undefined,
): DiagnosticStates {
  const counted = diagnostics ? diagnosticStates([diagnostics]) : { states: [], attributes: new Map() };
  const states = counted.states.filter((state) => METER_LINK_IDS.has(state.entityId));
  if (status) states.unshift(linkStatusState(status));
  const attributes = new Map([...counted.attributes].filter(([entityId]) => METER_LINK_IDS.has(entityId)));
  return { states, attributes };
}
