/**
 * What turns a meter's bytes into snapshots, whichever way the meter talks: the stream decoder for
 * meters that push (DLMS over HDLC or M-Bus, P1 telegrams), the IEC 62056-21 mode C session for
 * meters that must be asked. Both are pure: the meter runtime gives them bytes and the time, carries
 * out what they return, and calls `tick` at `nextDeadline()`.
 */
import type { Issue } from "../model/issue.js";
import type { SerialFormat } from "../model/serial-format.js";
import type { Snapshot } from "../model/snapshot.js";
import type { DecoderStats } from "./stats.js";

export type ReaderOutput =
  | { readonly kind: "snapshot"; readonly snapshot: Snapshot; readonly protocol: string }
  | { readonly kind: "issue"; readonly issue: Issue }
  /** Every complete link frame, valid or not, for the raw-frame inspector. */
  | { readonly kind: "frame"; readonly protocol: string; readonly raw: Uint8Array }
  /** Bytes to send to the meter (a polled reader's requests). */
  | { readonly kind: "write"; readonly bytes: Uint8Array }
  /** New line settings for the port (an IEC 62056-21 baud change-over). */
  | { readonly kind: "configure"; readonly format: SerialFormat };

export interface Reader {
  /** What arrived and what was thrown away, since construction; owned and updated by the reader. */
  readonly stats: DecoderStats;
  /** The link (re)opened: bytes from before cannot complete a frame; a polled reader signs on. */
  linkUp(now: number): ReaderOutput[];
  push(chunk: Uint8Array, now: number): ReaderOutput[];
  /** Time passed; called at `nextDeadline()` (calling it earlier is harmless). */
  tick(now: number): ReaderOutput[];
  /** When `tick` must be called next; null while nothing is pending. */
  nextDeadline(): number | null;
}
