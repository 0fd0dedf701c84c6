/**
 * Wired M-Bus long frames (EN 13757-2 §5): 68 L L 68 | C A CI data | CS | 16, where L counts C…data
 * and CS is their sum mod 256. Kaifa and Sagemcom meters in Austria carry DLMS in them (captures:
 * esphome-libs/dlms_parser tests/dumps/mbus_netz_noe_p1.log, amsreader-firmware test/payloads). Sagemcom T210-D quirk: a 263-byte frame says L = 0x01 (257 mod 256,
 * amsreader-firmware#155), so when L does not lead to a valid end, L + 256 is tried.
 */
import type { ByteBuffer } from "./byte-buffer.js";
import { mbusChecksum } from "./crc.js";
import { type ParseAttempt, ScanningFramer } from "./scanning-framer.js";

export interface MbusFrame {
  readonly control: number;
  readonly address: number;
  readonly ci: number;
  /** Bytes after the CI field. */
  readonly data: Uint8Array;
  readonly raw: Uint8Array;
}

const START = 0x68;
const STOP = 0x16;
/** Only implausibly short L fields are read as the T210-D's wrapped 257–287; real short frames stay short. */
const QUIRK_MAX_LENGTH = 0x20;

type Attempt = ParseAttempt<MbusFrame>;

export class MbusFramer extends ScanningFramer<MbusFrame> {
  constructor(stallMs?: number) {
    super({ startByte: START, parse: parseAt }, stallMs);
  }
}

/** Whether a frame with user-data length `length` ends validly in the buffer. */
function endsAt(buffer: ByteBuffer, length: number): "valid" | "bad-checksum" | "no-stop" | "incomplete" {
  const total = length + 6;
  if (buffer.length < total) return "incomplete";
  if (buffer.at(total - 1) !== STOP) return "no-stop";
  return mbusChecksum(buffer.view(), 4, 4 + length) === buffer.at(4 + length) ? "valid" : "bad-checksum";
}

function parseAt(buffer: ByteBuffer): Attempt {
  if (buffer.length < 4) return { kind: "incomplete" };
  const length = buffer.at(1);
  if (buffer.at(2) !== length || buffer.at(3) !== START) {
    return { kind: "invalid", reason: "noise", detail: "no M-Bus long-frame header" };
  }
  // The T210-D quirk only ever makes L smaller, so the true frame is L or L + 256 bytes long.
  const candidates = length < QUIRK_MAX_LENGTH ? [length, length + 256] : [length];
  for (const candidate of candidates) {
    if (candidate < 3) continue;
    const verdict = endsAt(buffer, candidate);
    if (verdict === "valid") return frameOf(buffer, candidate);
    // The stop byte where L says, but a wrong sum: damaged data, not the length quirk.
    if (verdict === "bad-checksum") {
      return { kind: "invalid", reason: "mbus-checksum", detail: "checksum mismatch", skip: candidate + 6 };
    }
    // A valid end at L rules out L + 256 only once we have seen it; wait for more bytes otherwise.
    if (verdict === "incomplete") return { kind: "incomplete" };
  }
  return {
    kind: "invalid",
    reason: "mbus-framing",
    detail: "checksum or stop byte wrong for the announced length",
  };
}

function frameOf(buffer: ByteBuffer, length: number): Attempt {
  const total = length + 6;
  return {
    kind: "frame",
    consumed: total,
    frame: {
      control: buffer.at(4),
      address: buffer.at(5),
      ci: buffer.at(6),
      data: buffer.copy(7, 4 + length),
      raw: buffer.copy(0, total),
    },
  };
}
