/**
 * The link's diagnostics, published on a bridge device ("E450 reader") rather than on the meter
 * device: with a wrong key no snapshot ever decodes, so the meter is never identified — and that is
 * exactly when the user needs to see "decryption failures" climbing (a wrong key that showed only as
 * "No HAN data received" in another reader: UtilitechAS/amsreader-firmware#1245).
 */
import type { MeterDiagnostics } from "../../bus/events.js";
import type { EntityState, SensorEntity } from "./entity.js";

const LINK_STATUSES = ["connecting", "connected", "disconnected"] as const;
/** The transport's state: serial port or TCP bridge open, or not (a valid frame is another matter). */
export type LinkStatus = (typeof LINK_STATUSES)[number];

const counter = (id: string, name: string, icon: string): SensorEntity => ({
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
 */
export const BRIDGE_ENTITIES: readonly SensorEntity[] = [
  {
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
  { id: "last_frame", name: "Last frame", deviceClass: "timestamp", diagnostic: true, cadence: "fast" },
];

export interface DiagnosticStates {
  readonly states: readonly EntityState[];
  /** JSON attributes by entity id. */
  readonly attributes: ReadonlyMap<string, string>;
}

/** The bridge's states: the counters of every connection summed, the latest frame of any. */
export function diagnosticStates(connections: readonly MeterDiagnostics[]): DiagnosticStates {
  const sum = (count: (diagnostics: MeterDiagnostics) => number) =>
    connections.reduce((total, diagnostics) => total + count(diagnostics), 0);
  const byReason = new Map<string, number>();
  for (const { framesRejected } of connections) {
    for (const [reason, count] of Object.entries(framesRejected)) {
      byReason.set(reason, (byReason.get(reason) ?? 0) + count);
    }
  }
  const rejected = [...byReason.values()].reduce((total, count) => total + count, 0);
  const reasons = Object.fromEntries([...byReason].sort(([a], [b]) => a.localeCompare(b)));
  const frameTimes = connections.flatMap(({ lastFrameAt }) => (lastFrameAt === null ? [] : [lastFrameAt]));
  const lastFrameAt = frameTimes.length === 0 ? null : Math.max(...frameTimes);
  const states: EntityState[] = [
    { entityId: "frames_received", payload: String(sum((d) => d.framesReceived)) },
    { entityId: "frames_rejected", payload: String(rejected) },
    { entityId: "lost_frames", payload: String(sum((d) => d.lostFrames)) },
    { entityId: "decryption_failures", payload: String(sum((d) => d.decryptionFailures)) },
    { entityId: "totals_held_back", payload: String(sum((d) => d.totalsHeldBack)) },
  ];
  if (lastFrameAt !== null) {
    // UTC with an explicit offset is what the timestamp device class needs (sensor docs).
    states.push({ entityId: "last_frame", payload: new Date(lastFrameAt).toISOString() });
  }
  return { states, attributes: new Map([["frames_rejected", JSON.stringify(reasons)]]) };
}

export function linkStatusState(status: LinkStatus): EntityState {
  return { entityId: "link_status", payload: status };
}
