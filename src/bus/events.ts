/**
 * The events every meter runtime publishes and every plugin may subscribe to. Each carries `meter`,
 * the id of the configured meter (the connection) it came from; events about a decoded push also
 * carry the sender's `identity`, whose key is stable per physical meter.
 */
import type {
  AnomalyIncident,
  AnomalyState,
  CostState,
  ForecastState,
  RecordedInterval,
} from "../model/insights.js";
import type { ForwarderStatus } from "../model/forwarder-status.js";
import type { Issue } from "../model/issue.js";
import type { LinkState } from "../model/link-state.js";
import type { MeterIdentity } from "../model/meter-identity.js";
import type { SerialFormat } from "../model/serial-format.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import type { EventBus } from "./event-bus.js";

/** What a runtime counts since it started; every counter only grows while the process runs. */
export interface MeterDiagnostics {
  /** Bytes the line carried, framed or not (the setup assistant tells silence from noise by it). */
  readonly bytesReceived: number;
  readonly framesReceived: number;
  /**
   * Frames discarded, by reason code (checksum, truncated, auth-failed, …), and decoded pushes the
   * runtime refused as a whole (empty-snapshot, implausible-shape, unidentified).
   */
  readonly framesRejected: Readonly<Record<string, number>>;
  /** Frames missing according to gaps in the DLMS invocation counter. */
  readonly lostFrames: number;
  readonly decryptionFailures: number;
  /** Epoch ms of the last frame with a good checksum; null before the first. */
  readonly lastFrameAt: number | null;
  /** Energy totals the integrity guard held back as implausible. */
  readonly totalsHeldBack: number;
  /**
   * Instantaneous values dropped as physically impossible, by register kind (voltage, current, power,
   * frequency, power-factor; meter/plausibility.ts).
   */
  readonly readingsRejected: Readonly<Record<string, number>>;
  /** Failed writes of the integrity guard's state file. */
  readonly stateWriteFailures: number;
  /** Why the latest write of the state file failed; null while writes succeed. */
  readonly lastStateError: string | null;
  /**
   * The serial settings the line is set to, and whether they are still being hunted (no good frame
   * for a while); null for a TCP bridge or the virtual meter, which own their settings.
   */
  readonly line: { readonly format: SerialFormat; readonly hunting: boolean } | null;
  /** Meter clock − host clock at the latest push with a clock, in s; null before one. */
  readonly clockOffsetSeconds: number | null;
}

export interface MeterEvents extends Record<string, unknown> {
  /** A push or readout as decoded, before the integrity guard (for the frame inspector). */
  decoded: { readonly meter: string; readonly snapshot: Snapshot; readonly receivedAt: number };
  /**
   * What may be published: the snapshot without the totals the guard held back, and the values
   * derived from it (signed net power) that the meter did not state itself.
   */
  snapshot: {
    readonly meter: string;
    readonly identity: MeterIdentity;
    readonly snapshot: Snapshot;
    readonly derived: readonly Reading[];
    readonly receivedAt: number;
  };
  /** Every complete link frame, valid or not. */
  frame: { readonly meter: string; readonly protocol: string; readonly raw: Uint8Array; readonly at: number };
  issue: { readonly meter: string; readonly issue: Issue; readonly at: number };
  link: { readonly meter: string; readonly state: LinkState; readonly reason?: string };
  /** A physical meter came online (a valid push) or went offline (pushes missed). */
  availability: {
    readonly meter: string;
    readonly identity: MeterIdentity;
    readonly online: boolean;
    /** The silence after which it counts as offline, learned from its push interval. */
    readonly timeoutMs: number;
  };
  /** The runtime's counters, every few seconds. */
  diagnostics: { readonly meter: string; readonly diagnostics: MeterDiagnostics; readonly at: number };
  /** A 15-minute interval of the energy totals closed and was stored (live analytics). */
  interval: { readonly meter: string; readonly identity: MeterIdentity; readonly interval: RecordedInterval };
  /** Cost and price of a meter with a configured tariff: live for the price, per closed interval for costs. */
  cost: { readonly meter: string; readonly identity: MeterIdentity; readonly state: CostState };
  /** The forecast, at most once per interval. */
  forecast: { readonly meter: string; readonly identity: MeterIdentity; readonly state: ForecastState };
  /** The anomaly detectors' state; `fired` holds incidents opened by this update (each fired once). */
  anomalies: {
    readonly meter: string;
    readonly identity: MeterIdentity;
    readonly state: AnomalyState;
    readonly fired: readonly AnomalyIncident[];
  };
  /** The InfluxDB forwarder's queue and latest error, every 10 s while it runs (not about one meter). */
  forwarder: { readonly status: ForwarderStatus; readonly at: number };
}

export type MeterBus = EventBus<MeterEvents>;
