/** The setup assistant's input and output (GET /api/setup, /tmp/web-api.md). */
import type { Keys } from "../dlms/cipher.js";
import type { Issue } from "../model/issue.js";
import type { LinkState } from "../model/link-state.js";
import type { SerialFormat } from "../model/serial-format.js";
import type { Snapshot } from "../model/snapshot.js";

/** Bytes that arrived on the line at `at` (a chunk, or the growth of a byte counter since the last sample). */
interface ByteSample {
  readonly at: number;
  readonly bytes: number;
}

export interface SetupObservation {
  /** Epoch ms. */
  readonly now: number;
  /** Since when the line has been watched at its present settings (start, reconnect or line change). */
  readonly watchingSince: number;
  readonly link: LinkState | null;
  /** Why the link is down, as the transport said it (safe to show). */
  readonly linkReason?: string | null;
  /** A serial port's settings; null for a TCP bridge or the virtual meter, whose settings are not ours. */
  readonly line: LineSettings | null;
  /** Bytes that arrived recently, oldest first; null when nothing counts them. */
  readonly traffic: readonly ByteSample[] | null;
  /** Recent complete link frames (bus `frame` events), oldest first. */
  readonly frames: readonly { readonly at: number; readonly raw: Uint8Array }[];
  /** Recent issues (bus `issue` events), oldest first. */
  readonly issues: readonly { readonly at: number; readonly issue: Issue }[];
  /** The runtime's counters (bus `diagnostics`, MeterDiagnostics): only these two are read. */
  readonly diagnostics: {
    readonly lastFrameAt: number | null;
    readonly totalsHeldBack: number;
  } | null;
  /** The latest decoded push or readout (bus `decoded`). */
  readonly latest: { readonly at: number; readonly snapshot: Snapshot } | null;
  /** The configured keys: used to decrypt the recent frames, never reported. */
  readonly keys: Keys;
}

interface LineSettings {
  /** The settings the port runs at now; during an "auto" hunt, the ones being tried. */
  readonly format: SerialFormat;
  /** The baud rate is "auto": the runtime tries the E450's line settings in turn. */
  readonly hunting: boolean;
}

/** What the line carries: a link protocol, bytes that form no frame, or nothing at all. */
export type SetupFraming = "hdlc" | "mbus" | "iec62056-21" | "p1" | "noise" | "nothing";

export interface SetupAdvice {
  readonly level: "ok" | "warn" | "error";
  readonly code: string;
  /** Plain words: what is happening and what to do next. */
  readonly text: string;
}

export interface SetupReport {
  /** Over the last minute, or since watching began when that is shorter. */
  readonly bytesPerSecond: number;
  readonly framing: SetupFraming | null;
  /** "8E1": data bits, parity, stop bits; null off a serial port. */
  readonly serialFormat: string | null;
  readonly baudRate: number | null;
  readonly encrypted: boolean | null;
  readonly systemTitle: string | null;
  readonly manufacturer: string | null;
  readonly layout: string | null;
  /** Epoch ms of the last frame with a good checksum; the API renders it as ISO 8601. */
  readonly lastFrameAt: number | null;
  /** Most pressing first. */
  readonly advice: readonly SetupAdvice[];
}
