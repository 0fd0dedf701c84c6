/**
 * Joins HDLC segments (S bit, IEC 62056-46 §6.4.1; Iskra AM550 uses it, the E450 does not) and strips
 * the LLC header (IEC 62056-46 §8: E6 E6 00 command / E6 E7 00 response), which only the first
 * segment carries. Output: the APDU bytes of one information field.
 */
import { concat } from "../model/bytes.js";
import type { HdlcFrame } from "./hdlc.js";

const MAX_INFO_BYTES = 64 * 1024;

export type HdlcAssembly =
  | { readonly kind: "apdu"; readonly apdu: Uint8Array }
  | { readonly kind: "pending" }
  | { readonly kind: "dropped"; readonly reason: "segment-overflow" | "empty" };

export class HdlcSegmentJoiner {
  private parts: Uint8Array[] = [];
  private size = 0;

  push(frame: HdlcFrame): HdlcAssembly {
    if (frame.info.length === 0 && this.parts.length === 0) return { kind: "dropped", reason: "empty" };
    this.parts.push(frame.info);
    this.size += frame.info.length;
    if (this.size > MAX_INFO_BYTES) {
      this.reset();
      return { kind: "dropped", reason: "segment-overflow" };
    }
    if (frame.segmented) return { kind: "pending" };
    const joined = concat(this.parts, this.size);
    this.reset();
    return { kind: "apdu", apdu: stripLlc(joined) };
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
  }
}

function stripLlc(info: Uint8Array): Uint8Array {
  if (info.length >= 3 && info[0] === 0xe6 && (info[1] === 0xe7 || info[1] === 0xe6) && info[2] === 0x00) {
    return info.subarray(3);
  }
  return info;
}
