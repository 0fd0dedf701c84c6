/**
 * Which snapshots may speak for a meter. Publishing a snapshot announces its meter to Home Assistant
 * as a device with retained discovery and status topics, so one frame must not be able to create a
 * device: random bytes yield an IEC 62056-21 readout with a matching BCC one time in 256, and two
 * errors that cancel out in a checksum can change a serial number into another.
 *
 * Decisions:
 * - A meter that names itself (system title, serial number or logical device name) is published from
 *   its second snapshot with that name; the first is handed back with the admission, so that the
 *   integrity guard can start confirming first totals at once. A meter the guard's state already knows
 *   (published by an earlier run) and a readout that answers this runtime's own request (an IEC
 *   62056-21 mode C session: request, identification, data message) are published at once — noise
 *   does not answer requests.
 * - A snapshot without any identity is held while the line has not named its meter: the Swiss E450's
 *   5-second list carries no serial until the minute list has named the meter (the stream decoder
 *   then fills it in). When the line keeps sending the same nameless list for `anonymousAfterMs` and
 *   at least `anonymousSnapshots` times, the meter has no identity to give and is published under the
 *   configured meter's id.
 * - Once the line has named a meter, a nameless snapshot is refused, not credited to a meter: noise
 *   must not keep a meter online.
 */
import type { Snapshot } from "../model/snapshot.js";
import { statedMeterKey } from "./meter-identity.js";

export interface HeldSnapshot {
  readonly snapshot: Snapshot;
  readonly receivedAt: number;
}

export type Admission =
  | {
      readonly kind: "admit";
      readonly key: string;
      /** The first admission of this key. */
      readonly first: boolean;
      /** False for the configured id given to a meter that never names itself. */
      readonly named: boolean;
      /** Earlier snapshots of this meter that were held until it was confirmed, oldest first. */
      readonly earlier: readonly HeldSnapshot[];
    }
  /** Held back: `key` is the candidate's, null for a snapshot without identity. */
  | { readonly kind: "hold"; readonly key: string | null }
  | { readonly kind: "refuse"; readonly why: string };

export interface IdentityGateOptions {
  /** The configured meter's id: the key of a meter that never names itself. */
  readonly fallbackKey: string;
  /** Whether the integrity guard's state already names this meter. */
  readonly known: (key: string) => boolean;
  readonly anonymousSnapshots?: number;
  readonly anonymousAfterMs?: number;
}

/** Nameless snapshots of one shape before they are published under the configured id. */
const ANONYMOUS_SNAPSHOTS = 3;
/** Two minutes: a list that names the meter every minute (the Swiss minute list) has had its chance. */
const ANONYMOUS_AFTER_MS = 120_000;
/** Unconfirmed names remembered at once: several meters may share a wired M-Bus line. */
const MAX_CANDIDATES = 8;

export class IdentityGate {
  private readonly admitted = new Set<string>();
  private readonly candidates = new Map<string, HeldSnapshot>();
  private anonymousAdmitted = false;
  private nameless: { since: number; shapes: Map<string, number> } | null = null;
  private readonly anonymousSnapshots: number;
  private readonly anonymousAfterMs: number;

  constructor(private readonly options: IdentityGateOptions) {
    this.anonymousSnapshots = options.anonymousSnapshots ?? ANONYMOUS_SNAPSHOTS;
    this.anonymousAfterMs = options.anonymousAfterMs ?? ANONYMOUS_AFTER_MS;
  }

  /** `solicited`: the snapshot answers a request this runtime sent (a polled readout). */
  admit(snapshot: Snapshot, receivedAt: number, solicited: boolean): Admission {
    const stated = statedMeterKey(snapshot);
    return stated === null
      ? this.unnamed(snapshot, receivedAt)
      : this.named(stated, snapshot, receivedAt, solicited);
  }

  private named(key: string, snapshot: Snapshot, receivedAt: number, solicited: boolean): Admission {
    if (this.admitted.has(key)) return { kind: "admit", key, first: false, named: true, earlier: [] };
    const held = this.candidates.get(key);
    if (held || solicited || this.options.known(key)) {
      this.candidates.delete(key);
      this.admitted.add(key);
      return { kind: "admit", key, first: true, named: true, earlier: held ? [held] : [] };
    }
    if (this.candidates.size >= MAX_CANDIDATES) this.candidates.delete(this.candidates.keys().next().value!);
    this.candidates.set(key, { snapshot, receivedAt });
    return { kind: "hold", key };
  }

  private unnamed(snapshot: Snapshot, receivedAt: number): Admission {
    const key = this.options.fallbackKey;
    if (this.anonymousAdmitted) return { kind: "admit", key, first: false, named: false, earlier: [] };
    if (this.admitted.size > 0) {
      return {
        kind: "refuse",
        why: "a push without a meter identity on a line whose meter has named itself",
      };
    }
    // A host clock that went back cannot measure the wait: it starts again.
    if (!this.nameless || receivedAt < this.nameless.since)
      this.nameless = { since: receivedAt, shapes: new Map() };
    const shape = snapshot.readings
      .map((reading) => reading.obis)
      .sort()
      .join(" ");
    const seen = (this.nameless.shapes.get(shape) ?? 0) + 1;
    // Noise brings a new shape each time; a meter's lists are few.
    if (seen > 1 || this.nameless.shapes.size < MAX_CANDIDATES) this.nameless.shapes.set(shape, seen);
    if (seen < this.anonymousSnapshots || receivedAt - this.nameless.since < this.anonymousAfterMs) {
      return { kind: "hold", key: null };
    }
    this.anonymousAdmitted = true;
    this.nameless = null;
    return { kind: "admit", key, first: true, named: false, earlier: [] };
  }
}
