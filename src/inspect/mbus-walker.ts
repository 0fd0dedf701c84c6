/**
 * Wired M-Bus long frames carrying DLMS (EN 13757-2 §5), labelled the way framing/mbus.ts and
 * framing/mbus-reassembly.ts read them:
 *
 *   68 L L 68 | C A CI | STSAP DTSAP | APDU segment | CS | 16
 *
 * L counts C … data, CS is their sum mod 256. CI 0x00–0x1F carries a DLMS transport segment (low
 * nibble the segment number, bit 4 the last one). The Sagemcom T210-D writes L mod 256
 * (amsreader-firmware#155), so a short L that leads to no valid end is tried as L + 256.
 */
import { mbusChecksum } from "../framing/crc.js";
import { hex } from "../model/bytes.js";
import type { Annotation } from "./annotation.js";
import { found, type WalkContext } from "./context.js";
import type { PushAssembler } from "./push-assembler.js";
import { Region } from "./region.js";

const START = 0x68;
const STOP = 0x16;
/** As framing/mbus.ts: only implausibly short L fields are read as the T210-D's wrapped 257–287. */
const QUIRK_MAX_LENGTH = 0x20;
const LAST_SEGMENT = 0x10;

export class MbusWalker {
  private readonly whole: Region;
  private segments: Region[] = [];
  private nextSequence = 0;

  constructor(
    private readonly context: WalkContext,
    private readonly assembler: PushAssembler,
    private readonly input: Uint8Array,
  ) {
    this.whole = Region.of(input, "input");
  }

  /** The long frame starting at `at`; returns where it ends, or null when none starts here. */
  walk(at: number): number | null {
    const input = this.input;
    if (at + 4 > input.length) return null;
    const announced = input[at + 1]!;
    if (input[at + 2] !== announced || input[at + 3] !== START) return null;
    const length = this.lengthOf(at, announced);
    found(this.context.findings, "protocol", "mbus");
    if (length === null) return this.broken(at, announced);
    const end = at + length + 6;
    this.header(at, announced, length);
    if (end > input.length) {
      this.cutShort(at, length);
      return input.length;
    }
    const checksumAt = at + 4 + length;
    const sent = input[checksumAt]!;
    const computed = mbusChecksum(input, at + 4, checksumAt);
    this.userData(at, checksumAt, sent === computed);
    this.leaf(checksumAt, checksumAt + 1, 1, {
      label: "checksum",
      value: hex(sent),
      note:
        sent === computed
          ? "sum of C … data mod 256: OK"
          : `sum of C … data mod 256 does not match: computed ${hex(computed)}`,
    });
    if (sent !== computed)
      this.out.issue({
        code: "frame-mbus-checksum",
        message: `frame discarded (mbus-checksum: checksum mismatch in the M-Bus frame at offset ${at})`,
      });
    this.leaf(end - 1, end, 1, { label: "stop", value: "16" });
    this.out.group(this.whole, at, end, 0, {
      layer: "mbus",
      label: "M-Bus long frame",
      value: `${length} bytes of C, A, CI and data`,
    });
    return end;
  }

  finish(): void {
    this.out.unfinishedSegments(
      this.segments,
      "mbus",
      "the input ended before the last segment (CI bit 4)",
      "the input ended before the last M-Bus DLMS segment",
    );
    this.segments = [];
  }

  private get out(): Annotation {
    return this.context.out;
  }

  /**
   * The true L: the announced one when its stop byte is where it says (or the input ends first),
   * else L + 256 for the T210-D quirk when that one ends in a stop byte; null when neither does.
   */
  private lengthOf(at: number, announced: number): number | null {
    const stopAt = (length: number) => at + length + 5;
    const candidates = announced < QUIRK_MAX_LENGTH ? [announced, announced + 256] : [announced];
    for (const candidate of candidates) {
      // C, A and CI at least (framing/mbus.ts).
      if (candidate < 3) continue;
      if (stopAt(candidate) >= this.input.length) return candidate;
      if (this.input[stopAt(candidate)] === STOP) return candidate;
    }
    return null;
  }

  private header(at: number, announced: number, length: number): void {
    const input = this.input;
    const quirk =
      length === announced
        ? undefined
        : `the frame is ${length} bytes long: the Sagemcom T210-D writes L mod 256 (amsreader-firmware#155)`;
    this.leaf(at, at + 1, 1, { label: "start", value: "68" });
    this.leaf(at + 1, at + 2, 1, {
      label: "L field",
      value: `${announced}`,
      ...(quirk ? { note: quirk } : {}),
    });
    this.leaf(at + 2, at + 3, 1, { label: "L field (repeated)", value: `${announced}` });
    this.leaf(at + 3, at + 4, 1, { label: "start (repeated)", value: "68" });
    const fields: [number, string, (byte: number) => string][] = [
      [at + 4, "C field", controlNote],
      [
        at + 5,
        "A field",
        (byte) => (byte >= 0xfe ? `address ${byte} (broadcast)` : `primary address ${byte}`),
      ],
      [at + 6, "CI field", ciNote],
    ];
    for (const [offset, label, note] of fields) {
      if (offset < input.length)
        this.leaf(offset, offset + 1, 1, { label, value: hex(input[offset]!), note: note(input[offset]!) });
    }
  }

  /** The bytes after CI: the transport header and the APDU segment, joined with the segments before. */
  private userData(at: number, end: number, intact: boolean): void {
    const input = this.input;
    const ci = input[at + 6]!;
    const start = at + 7;
    if (end <= start) return;
    if (!intact || ci > 0x1f || end - start < 2) {
      this.leaf(start, end, 1, {
        label: "user data",
        value: `${end - start} bytes`,
        note: !intact
          ? "not decoded: the checksum does not match, so the decoder drops the frame"
          : `not decoded: CI 0x${hex(ci)} carries no DLMS segment`,
      });
      if (intact)
        this.out.issue({
          code: "not-dlms",
          message: `link frame dropped (CI 0x${hex(ci)} carries no DLMS segment)`,
        });
      return;
    }
    this.out.group(this.whole, start, end, 1, {
      layer: "mbus",
      label: "DLMS transport segment",
      value: `${end - start} bytes`,
    });
    this.leaf(start, start + 1, 2, { label: "source TSAP", value: hex(input[start]!) });
    this.leaf(start + 1, start + 2, 2, { label: "destination TSAP", value: hex(input[start + 1]!) });
    const segment = this.whole.sub(start + 2, end);
    const sequence = ci & 0x0f;
    if (sequence !== this.nextSequence) {
      const expected = this.nextSequence;
      const dropped = this.segments;
      this.segments = [];
      this.nextSequence = 0;
      for (const part of dropped) this.dropSegment(part, "a later segment is missing");
      if (sequence !== 0) {
        this.dropSegment(segment, `segment ${sequence} without the segments before it`);
        this.out.issue({
          code: "segment-sequence",
          message: `link frame dropped (segment ${sequence} where ${expected} was due)`,
        });
        return;
      }
    }
    this.segments.push(segment);
    this.nextSequence = (sequence + 1) & 0x0f;
    if ((ci & LAST_SEGMENT) === 0) return;
    const unit = Region.join(this.segments);
    this.segments = [];
    this.nextSequence = 0;
    if (unit.length > 0) this.assembler.accept(unit, 2);
  }

  private dropSegment(segment: Region, why: string): void {
    this.out.leaf(segment, 0, segment.length, 2, {
      layer: "mbus",
      label: "segment data",
      value: `${segment.length} bytes`,
      note: `not decoded: ${why}`,
    });
  }

  /**
   * A long-frame header whose frame does not end where L says: only the header is labelled, and the
   * bytes after it are read afresh, as the framer resynchronises after it (framing/mbus.ts).
   */
  private broken(at: number, announced: number): number {
    const why = `no stop byte where L = ${announced}${announced < QUIRK_MAX_LENGTH ? ` (or L + 256 = ${announced + 256})` : ""} says the frame ends`;
    this.leaf(at, at + 4, 0, {
      label: "M-Bus long-frame header",
      value: hex(this.input.subarray(at, at + 4)),
      note: `no frame: ${why}`,
    });
    this.out.issue({ code: "frame-mbus-framing", message: `frame discarded (mbus-framing: ${why})` });
    return at + 4;
  }

  /** A frame the input ends inside. */
  private cutShort(at: number, length: number): void {
    const input = this.input;
    const rest = at + 7;
    if (rest < input.length) {
      this.leaf(rest, input.length, 1, {
        label: "rest of the frame",
        value: `${input.length - rest} bytes`,
        note: "not decoded: the input ends before the frame does",
      });
    }
    this.out.group(this.whole, at, input.length, 0, {
      layer: "mbus",
      label: "M-Bus long frame (cut short)",
      value: `${length + 6} bytes announced, ${input.length - at} present`,
    });
    this.out.issue({
      code: "truncated",
      message: `the M-Bus frame at offset ${at} announces ${length + 6} bytes; the input ends after ${input.length - at}`,
    });
  }

  private leaf(
    start: number,
    end: number,
    depth: number,
    fields: { label: string; value: string; note?: string },
  ) {
    this.out.leaf(this.whole, start, end, depth, { layer: "mbus", ...fields });
  }
}

/** EN 13757-2 §5.5: SND_UD is 53 or 73 (FCB), RSP_UD 08/18/28/38. */
function controlNote(byte: number): string {
  if ((byte & 0xdf) === 0x53) return "SND_UD: send user data";
  if ((byte & 0xcf) === 0x08) return "RSP_UD: respond with user data";
  return "control";
}

function ciNote(ci: number): string {
  if (ci > 0x1f) return "not a DLMS transport segment";
  return `DLMS transport segment ${ci & 0x0f}${ci & LAST_SEGMENT ? ", the last one" : ", more follow"}`;
}
