/**
 * HDLC frame format type 3 as DLMS uses it (IEC 62056-46 §6.3–6.4), labelled field by field the way
 * framing/hdlc.ts reads it:
 *
 *   7E | format A S LLL LLLLLLLL | dest 1–4 | src 1–4 | control | HCS | [info … FCS] | 7E
 *
 * The information field of the first segment opens with the LLC header (IEC 62056-46 §8); segments
 * (S bit) are joined as framing/hdlc-reassembly.ts joins them, and the APDU goes to the push
 * assembler. A frame whose checksum fails is labelled but not decoded, as the decoder drops it.
 */
import { crc16x25 } from "../framing/crc.js";
import { hex } from "../model/bytes.js";
import type { Annotation } from "./annotation.js";
import { found, type WalkContext } from "./context.js";
import type { PushAssembler } from "./push-assembler.js";
import { Region } from "./region.js";

const FLAG = 0x7e;
/** format(2) + dest(1) + src(1) + control(1) + HCS(2). */
const MIN_LENGTH = 7;

interface Header {
  readonly segmented: boolean;
  readonly length: number;
  /** Index of the closing flag. */
  readonly closing: number;
  readonly destination: readonly [number, number];
  readonly source: readonly [number, number];
  readonly control: number;
}

export class HdlcWalker {
  private readonly whole: Region;
  private segments: Region[] = [];

  constructor(
    private readonly context: WalkContext,
    private readonly assembler: PushAssembler,
    private readonly input: Uint8Array,
  ) {
    this.whole = Region.of(input, "input");
  }

  /**
   * Frames from the flag at `at` on: returns where the last of them ends, or null when no frame
   * starts here. A frame's closing flag may open the next one (IEC 62056-46 §6.3), so frames that
   * share a flag are walked in one go.
   */
  walk(at: number): number | null {
    const input = this.input;
    if (input[at + 1] === FLAG || at + 1 === input.length) {
      this.leaf(at, at + 1, 0, { label: "flag", value: "7E", note: "a flag between frames (idle line)" });
      return at + 1;
    }
    let shared = false;
    let start = at;
    for (;;) {
      const header = this.header(start);
      if (!header) return shared ? start + 1 : null;
      found(this.context.findings, "protocol", "hdlc");
      if (header.closing >= input.length) {
        this.truncated(start, header, shared);
        return input.length;
      }
      this.frame(start, header, shared);
      const next = header.closing;
      // The closing flag opens the next frame when a format field follows it at once.
      if ((input[next + 1] ?? 0) >> 4 !== 0xa || !this.header(next)) return next + 1;
      shared = true;
      start = next;
    }
  }

  /** End of the input: segments whose last one never came. */
  finish(): void {
    this.out.unfinishedSegments(
      this.segments,
      "hdlc",
      "the input ended before the last segment (S bit clear)",
      "the input ended before the last HDLC segment",
    );
    this.segments = [];
  }

  private get out(): Annotation {
    return this.context.out;
  }

  /** The header fields of a frame opening at `at`, or null when none opens there. */
  private header(at: number): Header | null {
    const input = this.input;
    if (at + 3 > input.length) return null;
    const format = (input[at + 1]! << 8) | input[at + 2]!;
    if (format >> 12 !== 0xa) return null;
    const length = format & 0x07ff;
    if (length < MIN_LENGTH) return null;
    const closing = at + length + 1;
    const limit = Math.min(closing, input.length);
    const destination = addressAt(input, at + 3, limit);
    const source = destination && addressAt(input, destination[1], limit);
    if (!destination || !source || source[1] >= limit || source[1] + 3 > closing) return null;
    if (closing < input.length && input[closing] !== FLAG) return null;
    return { segmented: (format & 0x0800) !== 0, length, closing, destination, source, control: source[1] };
  }

  private frame(at: number, header: Header, shared: boolean): void {
    const input = this.input;
    const { closing } = header;
    this.group(shared ? at + 1 : at, closing + 1, 0, {
      label: "HDLC frame",
      value: `${header.length} bytes between the flags`,
    });
    this.fields(at, header, shared);
    const hcsAt = header.control + 1;
    const hcsOk = this.checksum(at, hcsAt, "HCS", "frame-hcs", "header check sequence");
    const infoStart = hcsAt + 2;
    const infoEnd = closing - 2;
    let fcsOk = true;
    if (infoEnd > infoStart) {
      fcsOk = this.checksum(at, infoEnd, "FCS", "frame-fcs", "frame check sequence");
      this.information(infoStart, infoEnd, header.segmented, hcsOk && fcsOk);
    } else if (closing > infoStart) {
      // Room for an FCS but no information: the length says more than the header.
      this.out.unparsed(this.whole, infoStart, closing, 1, {
        code: "bad-format",
        message: `HDLC frame at offset ${at}: ${closing - infoStart} byte(s) after the HCS, too few for information and FCS`,
      });
    }
    this.leaf(closing, closing + 1, 1, {
      label: "closing flag",
      value: "7E",
      ...((input[closing + 1] ?? 0) >> 4 === 0xa && this.header(closing)
        ? { note: "also opens the next frame" }
        : {}),
    });
  }

  /** Flag, format, addresses and control. */
  private fields(at: number, header: Header, shared: boolean): void {
    const input = this.input;
    if (!shared) this.leaf(at, at + 1, 1, { label: "opening flag", value: "7E" });
    this.leaf(at + 1, at + 3, 1, {
      label: "frame format",
      value: hex(input.subarray(at + 1, at + 3)),
      note: `type 3, ${header.segmented ? "segmented: more segments follow (S = 1)" : "not segmented"}, length ${header.length}`,
    });
    const [destinationStart, destinationEnd] = header.destination;
    const [sourceStart, sourceEnd] = header.source;
    this.leaf(destinationStart, destinationEnd, 1, {
      label: "destination address",
      value: hex(input.subarray(destinationStart, destinationEnd)),
      note: addressNote(input.subarray(destinationStart, destinationEnd), "client"),
    });
    this.leaf(sourceStart, sourceEnd, 1, {
      label: "source address",
      value: hex(input.subarray(sourceStart, sourceEnd)),
      note: addressNote(input.subarray(sourceStart, sourceEnd), "server"),
    });
    this.leaf(header.control, header.control + 1, 1, {
      label: "control",
      value: hex(input[header.control]!),
      note: controlNote(input[header.control]!),
    });
  }

  /** A CRC-16/X.25 over format … `end`, sent least significant byte first at `end`. */
  private checksum(at: number, end: number, label: string, code: string, what: string): boolean {
    const input = this.input;
    const sent = input[end]! | (input[end + 1]! << 8);
    const computed = crc16x25(input, at + 1, end);
    const ok = sent === computed;
    this.leaf(end, end + 2, 1, {
      label,
      value: hex(input.subarray(end, end + 2)),
      note: ok
        ? `${what} OK (CRC-16/X.25, least significant byte first)`
        : `${what} does not match: computed ${hex(computed & 0xff)}${hex(computed >> 8)}`,
    });
    if (!ok)
      this.out.issue({
        code,
        message: `frame discarded (${code.slice(6)}: ${what} mismatch at offset ${end})`,
      });
    return ok;
  }

  private information(start: number, end: number, segmented: boolean, intact: boolean): void {
    this.group(start, end, 1, { label: "information field", value: `${end - start} bytes` });
    if (!intact) {
      this.leaf(start, end, 2, {
        label: "information",
        value: `${end - start} bytes`,
        note: "not decoded: the frame's checksum does not match, so the decoder drops it",
      });
      this.segments = [];
      return;
    }
    let from = start;
    const input = this.input;
    // Only the first segment carries the LLC header (IEC 62056-46 §8).
    if (
      this.segments.length === 0 &&
      end - start >= 3 &&
      input[start] === 0xe6 &&
      input[start + 2] === 0x00
    ) {
      const response = input[start + 1] === 0xe7;
      if (response || input[start + 1] === 0xe6) {
        this.out.leaf(this.whole, start, start + 3, 2, {
          layer: "llc",
          label: "LLC header",
          value: hex(input.subarray(start, start + 3)),
          note: `${response ? "response" : "command"}: destination LSAP E6, source LSAP ${hex(input[start + 1]!)}, quality 00 (IEC 62056-46 §8)`,
        });
        from = start + 3;
      }
    }
    this.segments.push(this.whole.sub(from, end));
    if (segmented) return;
    const unit = Region.join(this.segments);
    this.segments = [];
    if (unit.length > 0) this.assembler.accept(unit, 2);
  }

  /** A frame the input ends inside: the fields that are there, the rest labelled as cut short. */
  private truncated(at: number, header: Header, shared: boolean): void {
    const input = this.input;
    this.group(shared ? at + 1 : at, input.length, 0, {
      label: "HDLC frame (cut short)",
      value: `${header.length} bytes between the flags announced, ${input.length - at - 1} present`,
    });
    this.fields(at, header, shared);
    const rest = header.control + 1;
    if (rest < input.length) {
      this.leaf(rest, input.length, 1, {
        label: "rest of the frame",
        value: `${input.length - rest} bytes`,
        note: "not decoded: the input ends before the frame does",
      });
    }
    this.out.issue({
      code: "truncated",
      message: `the HDLC frame at offset ${at} announces ${header.length} bytes between its flags; the input ends after ${input.length - at - 1}`,
    });
  }

  private leaf(
    start: number,
    end: number,
    depth: number,
    fields: { label: string; value: string; note?: string },
  ) {
    this.out.leaf(this.whole, start, end, depth, { layer: "hdlc", ...fields });
  }

  private group(start: number, end: number, depth: number, fields: { label: string; value: string }) {
    this.out.group(this.whole, start, end, depth, { layer: "hdlc", ...fields });
  }
}

/** An address field: bytes until one with the extension bit (LSB) set, at most 4 (§6.4.2). */
function addressAt(input: Uint8Array, from: number, limit: number): readonly [number, number] | null {
  for (let i = 0; i < 4 && from + i < limit; i++) if (input[from + i]! & 1) return [from, from + i + 1];
  return null;
}

/** Upper and lower HDLC address of a 1-, 2- or 4-byte address field (IEC 62056-46 §6.4.2.2). */
function addressNote(bytes: Uint8Array, side: "client" | "server"): string {
  const part = (from: number, to: number) =>
    [...bytes.subarray(from, to)].reduce((value, byte) => (value << 7) | (byte >> 1), 0);
  if (bytes.length === 1) return `${side} address ${part(0, 1)}`;
  const half = bytes.length / 2;
  return `${side}: upper address ${part(0, half)}, lower address ${part(half, bytes.length)}`;
}

/** The control field (IEC 62056-46 §6.4.3, after ISO/IEC 13239): I, S or U frame, and the P/F bit. */
function controlNote(control: number): string {
  const pf = (control & 0x10) !== 0 ? "poll/final bit set" : "poll/final bit clear";
  if ((control & 0x01) === 0) return `I frame, N(S) ${(control >> 1) & 7}, N(R) ${(control >> 5) & 7}, ${pf}`;
  if ((control & 0x03) === 0x01) return `S frame (${(control & 0x0c) === 0x04 ? "RNR" : "RR"}), ${pf}`;
  const unnumbered: Record<number, string> = {
    3: "UI (unnumbered information)",
    131: "SNRM",
    67: "DISC",
    99: "UA",
    15: "DM",
    135: "FRMR",
  };
  return `${unnumbered[control & 0xef] ?? "U frame"}, ${pf}`;
}
