/**
 * The decoding pipeline as one pure function over a whole byte stream: auto-detected framing,
 * reassembly, deciphering and layout decoding. `e450 decode`, the tests and the benchmarks use it;
 * the live service uses the same parts incrementally through StreamDecoder.
 */
import type { Issue } from "./errors.js";
import type { Snapshot } from "./meter/snapshot.js";

export interface DecodeOptions {
  /** AES-128 global unicast encryption key (16 bytes). */
  readonly encryptionKey?: Uint8Array;
  /** Authentication key (16 bytes); without it a GCM tag is not checked. */
  readonly authenticationKey?: Uint8Array;
  /** "auto" (default) or a named positional layout ("burgenland", "wiener-netze"). */
  readonly layout?: string;
}

export interface DecodeResult {
  readonly snapshots: Snapshot[];
  readonly issues: Issue[];
}
