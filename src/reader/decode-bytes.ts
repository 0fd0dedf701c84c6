/**
 * The decoding pipeline over a finite capture: auto-detected framing, reassembly, deciphering and
 * layout decoding. `CaptureDecoder` takes the capture chunk by chunk, so that `e450 decode` reads a
 * capture of any size in bounded memory; `decodeBytes` is the same over bytes already in memory (the
 * tests and the benchmarks). The live service feeds a StreamDecoder directly.
 */
import { unframedApdu } from "../dlms/wrapper.js";
import type { DiscardReason } from "../framing/types.js";
import { concat } from "../model/bytes.js";
import type { Issue } from "../model/issue.js";
import type { Snapshot } from "../model/snapshot.js";
import { type StreamDecoderOptions, type StreamEvent, StreamDecoder } from "./stream-decoder.js";

export type DecodeOptions = StreamDecoderOptions;

export interface DecodeResult {
  readonly snapshots: Snapshot[];
  readonly issues: Issue[];
}

/**
 * The largest capture that is also tried as one bare APDU when no frame was found in it. A push APDU
 * is a few hundred bytes to a few KB; keeping more of a frameless capture would only make memory grow
 * with hostile input.
 */
export const UNFRAMED_APDU_LIMIT = 64 * 1024;

/** What a capture held: the counts behind "no frame found in N bytes: …". */
export interface DecodeSummary {
  readonly bytes: number;
  readonly frames: number;
  readonly snapshots: number;
  /** Frames and pushes thrown away, by reason: framer discard reasons and decoder error codes. */
  readonly rejected: Readonly<Record<string, number>>;
}

export function decodeBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const decoder = new CaptureDecoder(options);
  const snapshots: Snapshot[] = [];
  const issues: Issue[] = [];
  for (const events of [decoder.push(bytes), decoder.finish()]) {
    for (const event of events) {
      if (event.kind === "snapshot") snapshots.push(event.snapshot);
      else if (event.kind === "issue") issues.push(event.issue);
    }
  }
  return { snapshots, issues };
}

/**
 * A finite capture, chunk by chunk. While the capture is small and frameless it may still turn out
 * to be one bare APDU (taken after the link layer, or from a DLMS/UDP wrapper); until that is ruled
 * out its bytes and the framer's complaints about them are held back, since they are replaced by the
 * APDU's own decoding when it is one.
 */
export class CaptureDecoder {
  private readonly decoder: StreamDecoder;
  private apduDecoder: StreamDecoder | null = null;
  private bytes = 0;
  /** The capture so far, kept only while it may still be a bare APDU; null once it cannot. */
  private head: Uint8Array[] | null = [];
  private held: StreamEvent[] = [];

  constructor(private readonly options: DecodeOptions = {}) {
    this.decoder = new StreamDecoder(options);
  }

  push(chunk: Uint8Array): StreamEvent[] {
    this.bytes += chunk.length;
    // One clock reading for the whole capture, as recorded bytes carry no arrival times.
    const events = this.decoder.push(chunk, 0);
    if (this.head === null) return events;
    if (this.decoder.stats.framesReceived === 0 && this.bytes <= UNFRAMED_APDU_LIMIT) {
      this.head.push(chunk.slice());
      this.held = this.held.concat(events);
      return [];
    }
    return this.release().concat(events);
  }

  /** The end of the capture: what was left incomplete, or the capture decoded as one bare APDU. */
  finish(): StreamEvent[] {
    const events = this.decoder.finish(0);
    if (this.head === null || this.decoder.stats.framesReceived > 0) return this.release().concat(events);
    const apdu = unframedApdu(concat(this.head));
    if (apdu === null) return this.release().concat(events);
    this.release();
    this.apduDecoder = new StreamDecoder(this.options);
    return this.apduDecoder.pushApdu(apdu, 0);
  }

  summary(): DecodeSummary {
    const stats = (this.apduDecoder ?? this.decoder).stats;
    return {
      bytes: this.bytes,
      frames: stats.framesReceived,
      snapshots: stats.snapshots,
      rejected: Object.fromEntries(stats.rejected),
    };
  }

  private release(): StreamEvent[] {
    const held = this.held;
    this.head = null;
    this.held = [];
    return held;
  }
}

/** An issue with how often it occurred: the first occurrence's code and message, and a few examples. */
export interface IssueCount extends Issue {
  readonly count: number;
  /** The first few distinct messages of this kind, the first one included. */
  readonly examples: readonly string[];
}

const EXAMPLES_PER_ISSUE = 3;

/**
 * Issues of one kind, counted instead of listed: hostile input yields one discard every few bytes,
 * and a list of them grows with the input (megabytes of identical lines for a few MB of noise).
 */
export class IssueTally {
  private readonly byCode = new Map<
    string,
    { code: string; message: string; count: number; examples: string[] }
  >();

  add(issue: Issue): void {
    const entry = this.byCode.get(issue.code);
    if (entry === undefined) {
      this.byCode.set(issue.code, {
        code: issue.code,
        message: issue.message,
        count: 1,
        examples: [issue.message],
      });
      return;
    }
    entry.count++;
    if (entry.examples.length < EXAMPLES_PER_ISSUE && !entry.examples.includes(issue.message))
      entry.examples.push(issue.message);
  }

  /** In the order each kind first occurred. */
  entries(): IssueCount[] {
    return [...this.byCode.values()].map((entry) => ({ ...entry, examples: [...entry.examples] }));
  }
}

/** How each framer discard reads in a sentence ("3 frames with a bad checksum (hdlc fcs)"). */
const DISCARDS: Record<Exclude<DiscardReason, "noise">, string> = {
  hcs: "with a bad header checksum (hdlc hcs)",
  fcs: "with a bad checksum (hdlc fcs)",
  "bad-format": "with an impossible header",
  truncated: "cut short",
  overlong: "longer than any frame may be",
  "mbus-checksum": "with a bad checksum (m-bus)",
  "mbus-framing": "with broken m-bus framing",
  bcc: "with a bad block check character (iec 62056-21 bcc)",
  crc16: "with a bad checksum (p1 crc16)",
};

/**
 * Why a capture gave no snapshot, from its counts: empty, no frame in it (and what the framers threw
 * away instead), or frames whose pushes were all rejected. Null when there was a snapshot.
 */
export function noSnapshotIssue(summary: DecodeSummary): Issue | null {
  if (summary.snapshots > 0) return null;
  if (summary.bytes === 0) return { code: "empty-input", message: "the input was empty: no bytes to decode" };
  const discarded: string[] = [];
  const rejected: string[] = [];
  for (const [reason, count] of Object.entries(summary.rejected)) {
    const label = Object.hasOwn(DISCARDS, reason) ? DISCARDS[reason as keyof typeof DISCARDS] : undefined;
    if (label === undefined) rejected.push(`${count} rejected as ${reason}`);
    else discarded.push(`${counted(count, "frame")} ${label}`);
  }
  if (summary.frames === 0) {
    const what = discarded.length === 0 ? "only noise" : `${discarded.join(", ")}; the rest noise`;
    return { code: "no-frame", message: `no frame found in ${counted(summary.bytes, "byte")}: ${what}` };
  }
  const parts = [`${counted(summary.frames, "frame")} found`, ...rejected];
  if (discarded.length > 0) parts.push(`also discarded: ${discarded.join(", ")}`);
  return {
    code: "no-snapshot",
    message: `no snapshot decoded from ${counted(summary.bytes, "byte")}: ${parts.join(", ")}`,
  };
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
