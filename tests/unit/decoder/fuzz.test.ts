/**
 * Random and mutated input never throws out of the decoder (seeded, so a failure reproduces), and
 * nothing is emitted from bytes that were never a valid push.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../src/decoder.js";
import { StreamDecoder } from "../../../src/meter/stream-decoder.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

/** mulberry32: a tiny seeded generator, enough for reproducible noise. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const realStream = Buffer.concat(REAL_FRAMES.filter((c) => c.encoding === "hex").map(caseBytes));

describe("robustness", () => {
  it("survives two million random bytes in random chunks", () => {
    const next = random(450);
    const decoder = new StreamDecoder({ encryptionKey: new Uint8Array(16) });
    let now = 0;
    let snapshots = 0;
    for (let total = 0; total < 2_000_000; ) {
      const chunk = new Uint8Array(1 + Math.floor(next() * 512)).map(() => Math.floor(next() * 256));
      total += chunk.length;
      now += 50;
      for (const event of decoder.push(chunk, now)) if (event.kind === "snapshot") snapshots++;
    }
    decoder.finish(now);
    expect(snapshots).toBe(0);
    expect(decoder.stats.discardedBytes).toBeGreaterThan(1_900_000);
  });

  it("survives every real frame mutated a thousand ways", () => {
    const next = random(62056);
    for (let round = 0; round < 1000; round++) {
      const bytes = Uint8Array.from(realStream);
      const flips = 1 + Math.floor(next() * 8);
      for (let i = 0; i < flips; i++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = bytes.subarray(Math.floor(next() * 50), bytes.length - Math.floor(next() * 50));
      expect(() => decodeBytes(cut, { encryptionKey: new Uint8Array(16) })).not.toThrow();
    }
  });

  it("never throws on arbitrary byte arrays or keys (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 })),
        (bytes, key) => {
          decodeBytes(bytes, key ? { encryptionKey: key } : {});
        },
      ),
      { seed: 20262811, numRuns: 2000 },
    );
  });

  it("decodes intact frames that follow garbage", () => {
    const ekz = REAL_FRAMES.find((c) => c.id === "e450-at-enc-gbt-auth-1")!;
    const garbage = new Uint8Array(777).map((_, i) => (i * 131) % 256);
    const result = decodeBytes(Buffer.concat([garbage, caseBytes(ekz)]), caseKeys(ekz));
    expect(result.snapshots).toHaveLength(1);
  });
});
