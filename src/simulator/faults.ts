/**
 * Fault injection: the ways real lines and meters go wrong, as switches with rates. Every decision
 * comes from one seeded stream, so a seed and a sequence of pushes give the same faults every run.
 * Link faults act on the bytes (noise on the line); cipher faults act on how a push is made.
 */
import type { MeterKeys } from "./formats/push-context.js";
import type { OutgoingFrame } from "./formats/outgoing-frame.js";
import type { SeededStream } from "./random.js";

export interface FaultOptions {
  /** Probability per frame that its checksum (HDLC FCS, IEC BCC) gets a flipped bit. */
  readonly corruptChecksumRate?: number;
  /** Probability per byte that it is lost on the line. */
  readonly dropByteRate?: number;
  /** Probability per frame that 1–32 random bytes precede it. */
  readonly garbageRate?: number;
  /** Probability per push that it is ciphered with a key other than the configured one. */
  readonly wrongKeyRate?: number;
  /** Probability per push that the frame counter skips ahead (2–1000) as after lost pushes. */
  readonly counterJumpRate?: number;
}

const FAULT_NAMES = [
  "corruptChecksumRate",
  "dropByteRate",
  "garbageRate",
  "wrongKeyRate",
  "counterJumpRate",
] as const satisfies readonly (keyof FaultOptions)[];

export function validateFaults(faults: FaultOptions): string[] {
  return FAULT_NAMES.flatMap((name) => {
    const rate = faults[name];
    return rate === undefined || (Number.isFinite(rate) && rate >= 0 && rate <= 1)
      ? []
      : [`${name} must be a probability between 0 and 1, got ${rate}`];
  });
}

/** The frames as bytes on the line, after checksum corruption, dropped bytes and garbage. */
export function applyLinkFaults(
  frames: readonly OutgoingFrame[],
  faults: FaultOptions,
  stream: SeededStream,
): Uint8Array {
  const out: number[] = [];
  for (const frame of frames) {
    if (stream.chance(faults.garbageRate ?? 0)) out.push(...stream.bytes(stream.integer(1, 32)));
    const bytes = Uint8Array.from(frame.bytes);
    if (frame.checksum.length > 0 && stream.chance(faults.corruptChecksumRate ?? 0)) {
      const at = frame.checksum.offset + stream.integer(0, frame.checksum.length - 1);
      bytes[at] = bytes[at]! ^ (1 << stream.integer(0, frame.dataBits - 1));
    }
    const dropRate = faults.dropByteRate ?? 0;
    for (const byte of bytes) if (!stream.chance(dropRate)) out.push(byte);
  }
  return Uint8Array.from(out);
}

/** A key that is certainly not the configured one: every bit inverted. */
export function wrongKeys(keys: MeterKeys): MeterKeys {
  const invert = (key: Uint8Array) => key.map((byte) => byte ^ 0xff);
  return { encryptionKey: invert(keys.encryptionKey), authenticationKey: invert(keys.authenticationKey) };
}

/** Frame-counter step for the next push: 1, or a jump when the fault fires. */
export function frameCounterStep(faults: FaultOptions, stream: SeededStream): number {
  return stream.chance(faults.counterJumpRate ?? 0) ? stream.integer(2, 1000) : 1;
}
