import { describe, expect, it } from "vitest";
import { crc16x25 } from "../../../src/framing/crc.js";
import {
  applyLinkFaults,
  frameCounterStep,
  validateFaults,
  wrongKeys,
} from "../../../src/simulator/faults.js";
import { hdlcOutgoing } from "../../../src/simulator/formats/outgoing-frame.js";
import { SeededStream } from "../../../src/simulator/random.js";
import { BURGENLAND_PUSH, EKZ_2026_PUSH, toHex } from "./captures.js";
import { hdlcFrames } from "./decrypt.js";

const FRAMES = hdlcFrames(EKZ_2026_PUSH).map(hdlcOutgoing);

/** FCS check of a complete HDLC frame, independent of the simulator's builder. */
function fcsValid(frame: Uint8Array): boolean {
  const end = frame.length - 3;
  return crc16x25(frame, 1, end) === (frame[end]! | (frame[end + 1]! << 8));
}

describe("fault injection", () => {
  it("changes nothing when every rate is zero", () => {
    expect(toHex(applyLinkFaults(FRAMES, {}, new SeededStream(1)))).toBe(toHex(EKZ_2026_PUSH));
  });

  it("corrupts exactly the checksum of every frame at rate 1", () => {
    const out = applyLinkFaults(FRAMES, { corruptChecksumRate: 1 }, new SeededStream(1));
    expect(out.length).toBe(EKZ_2026_PUSH.length);
    const corrupted = hdlcFrames(out);
    corrupted.forEach((frame, index) => {
      const original = FRAMES[index]!.bytes;
      expect(fcsValid(frame)).toBe(false);
      expect(toHex(frame.subarray(0, -3))).toBe(toHex(original.subarray(0, -3)));
      expect(frame[frame.length - 1]).toBe(0x7e);
    });
  });

  it("drops bytes at about the given rate", () => {
    const many = Array.from({ length: 50 }, () => FRAMES).flat();
    const total = many.reduce((sum, frame) => sum + frame.bytes.length, 0);
    const out = applyLinkFaults(many, { dropByteRate: 0.1 }, new SeededStream(2));
    const dropped = total - out.length;
    expect(dropped / total).toBeGreaterThan(0.08);
    expect(dropped / total).toBeLessThan(0.12);
  });

  it("puts garbage between frames but leaves the frames intact", () => {
    const out = applyLinkFaults(FRAMES, { garbageRate: 1 }, new SeededStream(3));
    expect(out.length).toBeGreaterThan(EKZ_2026_PUSH.length + FRAMES.length - 1);
    const text = toHex(out);
    for (const frame of FRAMES) expect(text).toContain(toHex(frame.bytes));
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const faults = { corruptChecksumRate: 0.5, dropByteRate: 0.02, garbageRate: 0.5 };
    const run = (seed: number) => toHex(applyLinkFaults(FRAMES, faults, new SeededStream(seed)));
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
  });

  it("inverts every key bit for a wrong key and jumps the counter when asked", () => {
    const keys = {
      encryptionKey: BURGENLAND_PUSH.encryptionKey,
      authenticationKey: BURGENLAND_PUSH.authenticationKey,
    };
    const wrong = wrongKeys(keys);
    expect(wrong.encryptionKey.map((byte, index) => byte ^ keys.encryptionKey[index]!)).toEqual(
      new Uint8Array(16).fill(0xff),
    );
    expect(frameCounterStep({}, new SeededStream(1))).toBe(1);
    const step = frameCounterStep({ counterJumpRate: 1 }, new SeededStream(1));
    expect(step).toBeGreaterThanOrEqual(2);
    expect(step).toBeLessThanOrEqual(1000);
  });

  it("names every rate outside 0…1", () => {
    expect(validateFaults({ dropByteRate: 1.5, garbageRate: -1, wrongKeyRate: 0.5 })).toEqual([
      "dropByteRate must be a probability between 0 and 1, got 1.5",
      "garbageRate must be a probability between 0 and 1, got -1",
    ]);
  });
});
