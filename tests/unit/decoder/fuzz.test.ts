/**
 * Random and mutated input never throws out of the decoder (seeded, so a failure reproduces), and
 * nothing is emitted from bytes that were never a valid push.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { SeededStream } from "../../../src/simulator/random.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const realStream = Buffer.concat(REAL_FRAMES.filter((c) => c.encoding === "hex").map(caseBytes));

describe("robustness", () => {
  it("survives two million random bytes in random chunks", () => {
    const random = new SeededStream(450);
    const decoder = new StreamDecoder({ encryptionKey: new Uint8Array(16) });
    let now = 0;
    let snapshots = 0;
    for (let total = 0; total < 2_000_000; ) {
      const chunk = random.bytes(random.integer(1, 512));
      total += chunk.length;
      now += 50;
      for (const event of decoder.push(chunk, now)) if (event.kind === "snapshot") snapshots++;
    }
    decoder.finish(now);
    expect(snapshots).toBe(0);
    expect(decoder.stats.discardedBytes).toBeGreaterThan(1_900_000);
  });

  it("survives every real frame mutated a thousand ways", () => {
    const random = new SeededStream(62056);
    for (let round = 0; round < 1000; round++) {
      const bytes = Uint8Array.from(realStream);
      const flips = random.integer(1, 8);
      for (let i = 0; i < flips; i++) bytes[random.integer(0, bytes.length - 1)] = random.integer(0, 255);
      const cut = bytes.subarray(random.integer(0, 49), bytes.length - random.integer(0, 49));
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
