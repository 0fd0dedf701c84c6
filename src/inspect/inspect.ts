/**
 * The frame inspector (POST /api/inspect): one captured frame, or the frames of a push, cut into
 * labelled byte ranges from the link layer down to the COSEM values, next to what the decoder makes
 * of the same bytes. The readings and the decode issues come from the decoding pipeline itself
 * (reader/decode-bytes.ts), so the inspector never disagrees with the service about a frame; the
 * walkers in this folder only find where each field lies. Never throws on bytes.
 *
 * The keys decrypt and are then forgotten: no layer, issue or summary field is derived from them
 * other than by deciphering.
 */
import type { Keys } from "../dlms/cipher.js";
import { unframedApdu } from "../dlms/wrapper.js";
import { hex } from "../model/bytes.js";
import { toNumber } from "../model/exact-number.js";
import type { Issue } from "../model/issue.js";
import type { ReadingValue, Snapshot } from "../model/snapshot.js";
import { registerName } from "../obis/registry.js";
import { CaptureDecoder, type DecodeSummary, noSnapshotIssue } from "../reader/decode-bytes.js";
import { Annotation, unparsedFields } from "./annotation.js";
import { AsciiWalker } from "./ascii-walker.js";
import { found, type Findings, type WalkContext } from "./context.js";
import { HdlcWalker } from "./hdlc-walker.js";
import { MbusWalker } from "./mbus-walker.js";
import { PushAssembler } from "./push-assembler.js";
import { Region } from "./region.js";
import type { InspectReading, InspectResult } from "./types.js";

/** First bytes of a link frame: HDLC flag, M-Bus start, IEC 62056-21 identification or STX. */
const LINK_STARTS: ReadonlySet<number> = new Set([0x7e, 0x68, 0x2f, 0x02]);
/** version(2) + source wPort(2) + destination wPort(2) + length(2) (IEC 62056-47 §5.2). */
const WRAPPER_HEADER = 8;

export function inspectFrame(bytes: Uint8Array, keys: Keys = {}): InspectResult {
  const out = new Annotation(bytes);
  const findings: Findings = {
    protocol: null,
    encrypted: false,
    systemTitle: null,
    manufacturer: null,
    layout: null,
  };
  walkInput({ out, keys, findings }, bytes);
  const { layers, plaintext } = out.finish();
  const decoded = decodeCapture(bytes, keys);
  return {
    layers,
    plaintext: plaintext ? hex(plaintext) : null,
    readings: decoded.snapshots.flatMap(readingsOf),
    issues: mergeIssues(decoded.issues, out.issues, decoded.summary),
    summary: { ...findings },
  };
}

function walkInput(context: WalkContext, input: Uint8Array): void {
  const assembler = new PushAssembler(context);
  const first = input[0];
  if (first !== undefined && !LINK_STARTS.has(first) && unframedApdu(input)) {
    walkBareApdu(context, input, assembler);
    assembler.finish();
    return;
  }
  const hdlc = new HdlcWalker(context, assembler, input);
  const mbus = new MbusWalker(context, assembler, input);
  const ascii = new AsciiWalker(context, input);
  const whole = Region.of(input, "input");
  let noise = { bytes: 0, runs: 0 };
  let noiseStart = -1;
  const endNoise = (at: number) => {
    if (noiseStart < 0) return;
    context.out.leaf(
      whole,
      noiseStart,
      at,
      0,
      unparsedFields(input.subarray(noiseStart, at), "belongs to no frame"),
    );
    noise = { bytes: noise.bytes + at - noiseStart, runs: noise.runs + 1 };
    noiseStart = -1;
  };
  let pos = 0;
  while (pos < input.length) {
    const byte = input[pos]!;
    const end =
      byte === 0x7e
        ? hdlc.walk(pos)
        : byte === 0x68
          ? mbus.walk(pos)
          : LINK_STARTS.has(byte)
            ? ascii.walk(pos)
            : null;
    if (end === null) {
      if (noiseStart < 0) noiseStart = pos;
      pos++;
      continue;
    }
    endNoise(pos);
    pos = end;
  }
  endNoise(input.length);
  hdlc.finish();
  mbus.finish();
  assembler.finish();
  if (noise.bytes > 0) {
    context.out.issue({
      code: "noise",
      message: `${noise.bytes} byte(s) in ${noise.runs} run(s) belong to no HDLC, M-Bus, IEC 62056-21 or P1 frame`,
    });
  }
}

/** An APDU without link framing, bare or in the IEC 62056-47 wrapper (as dlms/wrapper.ts tells them). */
function walkBareApdu(context: WalkContext, input: Uint8Array, assembler: PushAssembler): void {
  found(context.findings, "protocol", "apdu");
  const whole = Region.of(input, "input");
  if (unframedApdu(input)?.length === input.length) {
    assembler.accept(whole, 0);
    return;
  }
  const word = (at: number) => (input[at]! << 8) | input[at + 1]!;
  const fields: [string, string][] = [
    ["version", String(word(0))],
    ["source wPort", String(word(2))],
    ["destination wPort", String(word(4))],
    ["length", `${word(6)} bytes`],
  ];
  fields.forEach(([label, value], index) => {
    context.out.leaf(whole, index * 2, index * 2 + 2, 1, { layer: "wrapper", label, value });
  });
  context.out.group(whole, 0, input.length, 0, {
    layer: "wrapper",
    label: "DLMS/COSEM wrapper (IEC 62056-47)",
    value: `${input.length - WRAPPER_HEADER} bytes of APDU`,
  });
  assembler.accept(whole.sub(WRAPPER_HEADER, input.length), 1);
}

/** What the decoding pipeline makes of the capture: its snapshots, issues and counts. */
function decodeCapture(bytes: Uint8Array, keys: Keys) {
  const decoder = new CaptureDecoder(keys);
  const snapshots: Snapshot[] = [];
  const issues: Issue[] = [];
  for (const events of [decoder.push(bytes), decoder.finish()]) {
    for (const event of events) {
      if (event.kind === "snapshot") snapshots.push(event.snapshot);
      else if (event.kind === "issue") issues.push(event.issue);
    }
  }
  return { snapshots, issues, summary: decoder.summary() };
}

function readingsOf(snapshot: Snapshot): InspectReading[] {
  return snapshot.readings.map((reading) => ({
    obis: reading.obis,
    name: registerName(reading.obis),
    ...plainValue(reading.value),
  }));
}

/** Numbers converted exactly at the edge (ARCHITECTURE §5); texts and local date-times as they are. */
function plainValue(value: ReadingValue): { value: number | string; unit: string | null } {
  if (value.kind === "number") return { value: toNumber(value.exact), unit: value.unit };
  return { value: value.kind === "text" ? value.text : value.local, unit: null };
}

/**
 * The decoder's issues first (the service would report exactly these), then what only the walk
 * saw (unparsed bytes, a cut-short frame), then why no snapshot came out, when none did.
 */
function mergeIssues(decoder: readonly Issue[], walk: readonly Issue[], summary: DecodeSummary): Issue[] {
  const issues: Issue[] = [];
  const add = (issue: Issue) => {
    if (!issues.some((known) => known.code === issue.code && known.message === issue.message))
      issues.push(issue);
  };
  decoder.forEach(add);
  const decoderCodes = new Set(decoder.map((issue) => issue.code));
  for (const issue of walk) if (!decoderCodes.has(issue.code)) add(issue);
  const none = noSnapshotIssue(summary);
  if (none) add(none);
  return issues;
}
