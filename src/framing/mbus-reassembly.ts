/**
 * DLMS over wired M-Bus (as in the Netz NÖ Kaifa and Tinetz pushes, esphome-libs/dlms_parser
 * tests/dumps/mbus_netz_noe_p1.log and fneur/smart-meter-tirol doc/EXAMPLE.md): CI 0x00–0x1F carries a
 * segment of the APDU. The low nibble is the segment number, bit 4 marks the last segment; the two
 * bytes after CI are the source and destination TSAP (01 67 on Kaifa/Sagemcom pushes).
 */
import { concat } from "../model/bytes.js";
import type { MbusFrame } from "./mbus.js";

const MAX_APDU_BYTES = 16 * 1024;

export type MbusAssembly =
  | { readonly kind: "apdu"; readonly apdu: Uint8Array }
  | { readonly kind: "pending" }
  | {
      readonly kind: "dropped";
      readonly reason: "not-dlms" | "segment-sequence" | "segment-overflow";
      readonly detail: string;
    };

export class MbusSegmentJoiner {
  private parts: Uint8Array[] = [];
  private nextSequence = 0;

  push(frame: MbusFrame): MbusAssembly {
    if (frame.ci > 0x1f || frame.data.length < 2) {
      return {
        kind: "dropped",
        reason: "not-dlms",
        detail: `CI 0x${frame.ci.toString(16)} carries no DLMS segment`,
      };
    }
    const sequence = frame.ci & 0x0f;
    const last = (frame.ci & 0x10) !== 0;
    if (sequence !== this.nextSequence) {
      const expected = this.nextSequence;
      this.reset();
      // A new first segment starts a new APDU; anything else out of order is unusable.
      if (sequence !== 0) {
        return {
          kind: "dropped",
          reason: "segment-sequence",
          detail: `segment ${sequence} where ${expected} was due`,
        };
      }
    }
    this.parts.push(frame.data.subarray(2));
    this.nextSequence = (sequence + 1) & 0x0f;
    const size = this.parts.reduce((sum, part) => sum + part.length, 0);
    if (size > MAX_APDU_BYTES) {
      this.reset();
      return { kind: "dropped", reason: "segment-overflow", detail: `more than ${MAX_APDU_BYTES} bytes` };
    }
    if (!last) return { kind: "pending" };
    const apdu = concat(this.parts, size);
    this.reset();
    return { kind: "apdu", apdu };
  }

  reset(): void {
    this.parts = [];
    this.nextSequence = 0;
  }
}
