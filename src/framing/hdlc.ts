/**
 * HDLC frame format type 3 as DLMS uses it (IEC 62056-46 §6.3–6.4):
 *
 *   7E | format A S LLL LLLLLLLL | dest 1–4 | src 1–4 | control | HCS | [info … FCS] | 7E
 *
 * The length counts every byte between the flags; HCS covers format…control, FCS format…info,
 * both CRC-16/X.25 least significant byte first. Incremental: bytes in, frames or discards out.
 */
import type { ByteBuffer } from "./byte-buffer.js";
import { crc16x25 } from "./crc.js";
import { type FrameFormat, type ParseAttempt, ScanningFramer } from "./scanning-framer.js";

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

type Attempt = ParseAttempt<HdlcFrame>;

const HDLC_FORMAT: FrameFormat<HdlcFrame> = {
  startByte: FLAG,
  parse: parseAt,
  // A lone flag is the close of the last frame, and two flags in a row are an idle line's fill.
  idle: (buffer) => buffer.length === 1,
};

export class HdlcFramer extends ScanningFramer<HdlcFrame> {
  constructor(stallMs?: number) {
    super(HDLC_FORMAT, stallMs);
  }
}

/** Reads the address field: bytes until one with the extension bit (LSB) set, at most 4 (§6.4.2). */
function addressLength(buffer: ByteBuffer, from: number, limit: number): number | null {
  for (let i = 0; i < 4 && from + i < limit; i++) if (buffer.at(from + i) & 1) return i + 1;
  return null;
}

function parseAt(buffer: ByteBuffer): Attempt {
  // Flags repeat between frames on an idle line; the last of them opens the frame.
  if (buffer.length >= 2 && buffer.at(1) === FLAG) return { kind: "skip", bytes: 1 };
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
