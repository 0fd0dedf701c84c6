/**
 * The link's diagnostics, published on a bridge device ("E450 reader") rather than on the meter
 * device: with a wrong key no snapshot ever decodes, so the meter is never identified — and that is
 * exactly when the user needs to see "decryption failures" climbing (peers.md: the AMS wrong-key
 * incident, pain point 6).
 */
import type { EntityState, SensorEntity } from "./entity.js";

export const LINK_STATUSES = ["connecting", "connected", "disconnected"] as const;
/** The transport's state: serial port or TCP bridge open, or not (a valid frame is another matter). */
export type LinkStatus = (typeof LINK_STATUSES)[number];

/** What the pipeline counts since start; every counter only grows while the process runs. */
export interface DiagnosticsSnapshot {
  readonly framesReceived: number;
  /** Frames discarded, by reason code (checksum, truncated, auth-failed, …). */
  readonly framesRejected: Readonly<Record<string, number>>;
  /** Frames missing according to gaps in the DLMS invocation counter. */
  readonly lostFrames: number;
  readonly decryptionFailures: number;
  /** Epoch ms of the last valid frame; null before the first. */
  readonly lastFrameAt: number | null;
  /** Totals the integrity guard held back (IntegrityGuard.counters.suspect). */
  readonly totalsHeldBack: number;
}

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

export function diagnosticStates(diagnostics: DiagnosticsSnapshot): DiagnosticStates {
  const rejected = Object.values(diagnostics.framesRejected).reduce((sum, count) => sum + count, 0);
  const reasons = Object.fromEntries(
    Object.entries(diagnostics.framesRejected).sort(([a], [b]) => a.localeCompare(b)),
  );
  const states: EntityState[] = [
    { entityId: "frames_received", payload: String(diagnostics.framesReceived) },
    { entityId: "frames_rejected", payload: String(rejected) },
    { entityId: "lost_frames", payload: String(diagnostics.lostFrames) },
    { entityId: "decryption_failures", payload: String(diagnostics.decryptionFailures) },
    { entityId: "totals_held_back", payload: String(diagnostics.totalsHeldBack) },
  ];
  if (diagnostics.lastFrameAt !== null) {
    // UTC with an explicit offset is what the timestamp device class needs (sensor docs).
    states.push({ entityId: "last_frame", payload: new Date(diagnostics.lastFrameAt).toISOString() });
  }
  return { states, attributes: new Map([["frames_rejected", JSON.stringify(reasons)]]) };
}

export function linkStatusState(status: LinkStatus): EntityState {
  return { entityId: "link_status", payload: status };
}
