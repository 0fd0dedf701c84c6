/**
 * The decoding pipeline as one pure function over a whole byte stream: auto-detected framing,
 * reassembly, deciphering and layout decoding. `e450 decode`, the tests and the benchmarks use it;
 * the live service feeds the same StreamDecoder chunk by chunk.
 */
import { unframedApdu } from "../dlms/wrapper.js";
import type { Issue } from "../model/issue.js";
import type { Snapshot } from "../model/snapshot.js";
import { type StreamDecoderOptions, StreamDecoder } from "./stream-decoder.js";

export type DecodeOptions = StreamDecoderOptions;

export interface DecodeResult {
  readonly snapshots: Snapshot[];
  readonly issues: Issue[];
}

export function decodeBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const decoder = new StreamDecoder(options);
  const snapshots: Snapshot[] = [];
  const issues: Issue[] = [];
  let events = [...decoder.push(bytes, 0), ...decoder.finish(0)];
  // Nothing framed it: it may be an APDU captured after the link layer.
  const apdu = decoder.stats.framesReceived === 0 ? unframedApdu(bytes) : null;
  if (apdu) events = new StreamDecoder(options).pushApdu(apdu, 0);
  for (const event of events) {
    if (event.kind === "snapshot") snapshots.push(event.snapshot);
    else if (event.kind === "issue") issues.push(event.issue);
  }
  return { snapshots, issues };
}
