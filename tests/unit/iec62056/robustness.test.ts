/**
 * Seeded random and mutated input through the framer and the decoder: nothing throws except DecodeError,
 * every emitted frame really carries a valid checksum, and random chunking never changes the output.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/model/issue.js";
import { crc16Arc } from "../../../src/framing/crc16-arc.js";
import { createIec62056Framer, type Iec62056Frame } from "../../../src/framing/iec62056-21.js";
import type { FramerOutput } from "../../../src/framing/types.js";
import { decodeIec62056Frame } from "../../../src/iec62056/snapshot.js";
import { bytesOf, DSMR5_CRC_MISMATCH, E350_READOUT, E360_TELEGRAM, fixture } from "./fixture-cases.js";

const seeds = [E350_READOUT, E360_TELEGRAM, DSMR5_CRC_MISMATCH].map((id) => bytesOf(fixture(id).payload));
/** Bytes that steer the framer: frame starts and ends, line ends, brackets, hex digits. */
const SYNTAX = bytesOf("/\x02\x03!\r\n()*.:-0123456789ABCDEFLGZW\\ ");

type Mutation = { at: number; kind: "flip" | "insert" | "delete" | "duplicate"; byte: number; span: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("flip", "insert", "delete", "duplicate"),
  byte: fc.nat(255),
  span: fc.integer({ min: 1, max: 64 }),
});

const segment: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(...seeds),
  fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([base, mutations]) => mutate(base, mutations)),
  fc.uint8Array({ minLength: 1, maxLength: 400 }),
  fc.array(fc.constantFrom(...SYNTAX), { minLength: 1, maxLength: 400 }).map((b) => Uint8Array.from(b)),
);

function mutate(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Array.from(base);
  for (const m of mutations) {
    const at = m.at % (bytes.length + 1);
    if (m.kind === "flip") bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ (m.byte || 1);
    else if (m.kind === "insert") bytes.splice(at, 0, m.byte);
    else if (m.kind === "delete") bytes.splice(at, m.span);
    else bytes = [...bytes.slice(0, at), ...bytes.slice(at, at + m.span), ...bytes.slice(at)];
  }
  return Uint8Array.from(bytes);
}

function run(
  stream: Uint8Array,
  cuts: readonly number[],
  stripParityBit: boolean,
): FramerOutput<Iec62056Frame>[] {
  const framer = createIec62056Framer({ stripParityBit, maxFrameBytes: 2048 });
  const out: FramerOutput<Iec62056Frame>[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(cut, stream.length);
    if (to > from) out.push(...framer.push(stream.subarray(from, to), 0));
    from = Math.max(from, to);
  }
  out.push(...framer.push(stream.subarray(from), 0), ...framer.flush());
  return out;
}

function checkFrame(frame: Iec62056Frame): void {
  if (frame.type === "readout") {
    let bcc = 0x03;
    for (let i = 0; i < frame.data.length; i++) bcc ^= frame.data.charCodeAt(i);
    expect(bcc).toBe(frame.bcc);
  } else if (frame.type === "telegram" && frame.crc !== null) {
    const signed = bytesOf(`/${frame.identification.text}\r\n\r\n${frame.data}!`);
    expect(crc16Arc(signed)).toBe(frame.crc);
  }
  if (frame.type === "identification") return;
  try {
    decodeIec62056Frame(frame);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
  }
}

describe("random and mutated input", () => {
  it("never throws, emits only verified frames, and is chunking-invariant (>= 1,000,000 bytes, seeded)", () => {
    let total = 0;
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(20_000), { maxLength: 12 }),
        fc.boolean(),
        (segments, cuts, stripParityBit) => {
          const stream = Uint8Array.from(segments.flatMap((s) => Array.from(s)));
          total += stream.length;
          const whole = run(stream, [], stripParityBit);
          for (const output of whole) if (output.kind === "frame") checkFrame(output.frame);
          expect(run(stream, cuts, stripParityBit)).toEqual(whole);
        },
      ),
      { seed: 62056, numRuns: 700 },
    );
    expect(total).toBeGreaterThanOrEqual(1_000_000);
  });
});
