/**
 * What the frame inspector returns (POST /api/inspect, /tmp/web-api.md): the captured bytes cut into
 * labelled ranges like a protocol analyser, the readings the decoder makes of them, what went wrong,
 * and a summary. Keys go in, never out: nothing here carries key material.
 */
import type { Issue } from "../model/issue.js";

export type LayerName =
  | "hdlc"
  | "llc"
  | "mbus"
  | "gbt"
  /** The DLMS/COSEM wrapper of IEC 62056-47, as DLMS over UDP/TCP carries an APDU. */
  | "wrapper"
  | "security"
  | "apdu"
  | "axdr"
  | "cosem"
  | "iec62056-21"
  | "p1"
  | "unknown";

export interface InspectLayer {
  readonly layer: LayerName;
  /** The field: "HCS", "system title", "double-long-unsigned", "Energy import (1-0:1.8.0.255)". */
  readonly label: string;
  /** First byte, as an offset into the input, or into `plaintext` when `source` is "plaintext". */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
  /** What the bytes say, in words or numbers ("139 bytes", "1-0:1.8.0.255", "4912257 Wh"). */
  readonly value: string;
  /** Why it says so, or what went wrong with it ("checksum OK", "computed 1A2B, sent 3C4D"). */
  readonly note?: string;
  /** Present on layers of decrypted bytes: their offsets point into `plaintext`, not the input. */
  readonly source?: "plaintext";
  /** Nesting: 0 for a frame or push, one more for each enclosing group. */
  readonly depth: number;
  /**
   * An enclosing range (a frame, an information field, a structure): the layers after it with a
   * greater depth lie inside it. Every other layer is a leaf, and every byte is in exactly one leaf.
   */
  readonly group?: true;
}

export interface InspectReading {
  readonly obis: string;
  readonly name: string;
  readonly value: number | string;
  readonly unit: string | null;
}

/** The link protocol of the first frame found; "apdu" for a bare APDU given without link framing. */
export type InspectProtocol = "hdlc" | "mbus" | "iec62056-21" | "p1" | "apdu";

export interface InspectSummary {
  readonly protocol: InspectProtocol | null;
  readonly encrypted: boolean;
  /** 16 hex digits, from the first ciphered push. */
  readonly systemTitle: string | null;
  /** "Landis+Gyr (LGZ)": from the system title, a logical device name or an identification line. */
  readonly manufacturer: string | null;
  /** The push layout that explained the first decoded push (dlms/layouts). */
  readonly layout: string | null;
}

export interface InspectResult {
  readonly layers: readonly InspectLayer[];
  /**
   * The decrypted APDUs as upper-case hex, one after another (layers with `source: "plaintext"`
   * point into it); null when nothing was decrypted.
   */
  readonly plaintext: string | null;
  readonly readings: readonly InspectReading[];
  readonly issues: readonly Issue[];
  readonly summary: InspectSummary;
}
