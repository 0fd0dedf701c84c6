/**
 * HDLC frame format type 3 as DLMS uses it (IEC 62056-46 §6.3–6.4; e450-protocols.md §3):
 *
 *   7E | format A S LLL LLLLLLLL | dest 1–4 | src 1–4 | control | HCS | [info … FCS] | 7E
 *
 * The length counts every byte between the flags; HCS covers format…control, FCS format…info,
 * both CRC-16/X.25 least significant byte first. Incremental: bytes in, frames or discards out.
 */
import { ByteBuffer } from "./byte-buffer.js";
import { crc16x25 } from "./crc.js";
import type { DiscardReason, Framer, FramerOutput } from "./types.js";

export interface HdlcFrame {
  /** S bit: more segments of the same information field follow (true HDLC segmentation, e.g. Iskra). */
  readonly segmented: boolean;
  readonly destination: Uint8Array;
  readonly source: Uint8Array;
  readonly control: number;
  /** Information field (LLC and APDU data), empty for frames without one. */
  readonly info: Uint8Array;
  /** The whole frame, flags included, for the raw-frame inspector. */
  readonly raw: Uint8Array;
}

const FLAG = 0x7e;
/** format(2) + dest(1) + src(1) + control(1) + HCS(2). */
const MIN_LENGTH = 7;
/** Waiting longer than this for the rest of a frame means its bytes were lost on the line. */
const DEFAULT_STALL_MS = 2_000;

type Attempt =
  | { readonly kind: "incomplete" }
  | { readonly kind: "frame"; readonly frame: HdlcFrame; readonly consumed: number }
  | { readonly kind: "invalid"; readonly reason: DiscardReason; readonly detail: string };

export class HdlcFramer implements Framer<HdlcFrame> {
  private readonly buffer = new ByteBuffer();
  /** When the partial frame at the head of the buffer was first seen waiting. */
  private waitingSince: number | null = null;

  constructor(private readonly stallMs = DEFAULT_STALL_MS) {}

  push(chunk: Uint8Array, now: number): FramerOutput<HdlcFrame>[] {
    this.buffer.append(chunk);
    const out: FramerOutput<HdlcFrame>[] = [];
    for (;;) {
      const flag = this.buffer.indexOf(FLAG);
      if (flag < 0) {
        this.discard(out, "noise", this.buffer.length);
        break;
      }
      if (flag > 0) this.discard(out, "noise", flag);
      // A closing flag doubles as the next opening flag, and idle lines may repeat flags.
      if (this.buffer.length >= 2 && this.buffer.at(1) === FLAG) {
        this.buffer.drop(1);
        continue;
      }
      const attempt = parseAt(this.buffer);
      if (attempt.kind === "frame") {
        out.push({ kind: "frame", frame: attempt.frame });
        this.buffer.drop(attempt.consumed);
        this.waitingSince = null;
        continue;
      }
      if (attempt.kind === "invalid") {
        // Resynchronise on the next flag after this one: the bytes we skipped may hold the next frame.
        const next = this.buffer.indexOf(FLAG, 1);
        this.discard(out, attempt.reason, next < 0 ? this.buffer.length : next, attempt.detail);
        this.waitingSince = null;
        continue;
      }
      if (this.buffer.length === 1) {
        this.waitingSince = null; // a lone flag: the close of the last frame, not a frame yet
        break;
      }
      this.waitingSince ??= now;
      if (now - this.waitingSince > this.stallMs) {
        const next = this.buffer.indexOf(FLAG, 1);
        this.discard(
          out,
          "truncated",
          next < 0 ? this.buffer.length : next,
          "frame incomplete after timeout",
        );
        this.waitingSince = null;
        continue;
      }
      break;
    }
    return out;
  }

  reset(): void {
    this.buffer.clear();
    this.waitingSince = null;
  }

  private discard(
    out: FramerOutput<HdlcFrame>[],
    reason: DiscardReason,
    bytes: number,
    detail?: string,
  ): void {
    if (bytes <= 0) return;
    this.buffer.drop(bytes);
    out.push(
      detail === undefined
        ? { kind: "discarded", reason, bytes }
        : { kind: "discarded", reason, bytes, detail },
    );
  }
}

/** Reads the address field: bytes until one with the extension bit (LSB) set, at most 4 (§6.4.2). */
function addressLength(buffer: ByteBuffer, from: number, limit: number): number | null {
  for (let i = 0; i < 4 && from + i < limit; i++) if (buffer.at(from + i) & 1) return i + 1;
  return null;
}

function parseAt(buffer: ByteBuffer): Attempt {
  if (buffer.length < 3) return { kind: "incomplete" };
  const format = (buffer.at(1) << 8) | buffer.at(2);
  if (format >> 12 !== 0xa)
    return { kind: "invalid", reason: "noise", detail: "no HDLC format field after flag" };
  const length = format & 0x07ff;
  if (length < MIN_LENGTH) return { kind: "invalid", reason: "bad-format", detail: `frame length ${length}` };
  const frameEnd = length + 1; // index of the closing flag
  const available = Math.min(buffer.length, frameEnd);
  const destinationLength = addressLength(buffer, 3, available);
  if (destinationLength === null)
    return incompleteOr(buffer, 3 + 4, "destination address longer than 4 bytes");
  const sourceStart = 3 + destinationLength;
  const sourceLength = addressLength(buffer, sourceStart, available);
  if (sourceLength === null)
    return incompleteOr(buffer, sourceStart + 4, "source address longer than 4 bytes");
  const controlIndex = sourceStart + sourceLength;
  const headerEnd = controlIndex + 1; // HCS follows
  if (headerEnd + 2 > frameEnd)
    return { kind: "invalid", reason: "bad-format", detail: "length shorter than header" };
  if (buffer.length < headerEnd + 2) return { kind: "incomplete" };
  const hcs = buffer.at(headerEnd) | (buffer.at(headerEnd + 1) << 8);
  if (crc16x25(buffer.view(), 1, headerEnd) !== hcs) {
    return { kind: "invalid", reason: "hcs", detail: "header check sequence mismatch" };
  }
  if (buffer.length < frameEnd + 1) return { kind: "incomplete" };
  if (buffer.at(frameEnd) !== FLAG) {
    return { kind: "invalid", reason: "truncated", detail: "no closing flag where the length says" };
  }
  const hasInfo = frameEnd > headerEnd + 2;
  if (hasInfo) {
    if (frameEnd - 2 < headerEnd + 2)
      return { kind: "invalid", reason: "bad-format", detail: "no room for FCS" };
    const fcs = buffer.at(frameEnd - 2) | (buffer.at(frameEnd - 1) << 8);
    if (crc16x25(buffer.view(), 1, frameEnd - 2) !== fcs) {
      return { kind: "invalid", reason: "fcs", detail: "frame check sequence mismatch" };
    }
  }
  // One copy per frame; the parts are views of it.
  const raw = buffer.copy(0, frameEnd + 1);
  return {
    kind: "frame",
    consumed: frameEnd, // leave the closing flag: it may open the next frame
    frame: {
      segmented: (format & 0x0800) !== 0,
      destination: raw.subarray(3, sourceStart),
      source: raw.subarray(sourceStart, controlIndex),
      control: raw[controlIndex]!,
      info: hasInfo ? raw.subarray(headerEnd + 2, frameEnd - 2) : raw.subarray(0, 0),
      raw,
    },
  };
}

function incompleteOr(buffer: ByteBuffer, needed: number, detail: string): Attempt {
  return buffer.length < needed ? { kind: "incomplete" } : { kind: "invalid", reason: "bad-format", detail };
}
