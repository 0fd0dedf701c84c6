/**
 * Chunk-split invariance: every real frame pushed whole, byte by byte and split at every point gives
 * the same snapshots and issues (ARCHITECTURE "Test kinds worth having").
 */
import { describe, expect, it } from "vitest";
import { StreamDecoder, type StreamEvent } from "../../../src/reader/stream-decoder.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

function decodeInChunks(bytes: Uint8Array, splits: readonly number[], options: object): StreamEvent[] {
  const decoder = new StreamDecoder(options);
  const events: StreamEvent[] = [];
  let start = 0;
  for (const end of [...splits, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(start, end), 0));
    start = end;
  }
  events.push(...decoder.finish(0));
  return events.filter((event) => event.kind !== "frame");
}

const framed = REAL_FRAMES.filter((testCase) => testCase.transport !== "raw-apdu");

describe("chunk-split invariance", () => {
  for (const testCase of framed) {
    it(testCase.id, () => {
      const bytes = caseBytes(testCase);
      const options = caseKeys(testCase);
      const whole = decodeInChunks(bytes, [], options);
      expect(whole.length).toBeGreaterThan(0);
      const byteByByte = decodeInChunks(
        bytes,
        Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
        options,
      );
      expect(byteByByte).toEqual(whole);
      for (let split = 1; split < bytes.length; split++) {
        expect(decodeInChunks(bytes, [split], options)).toEqual(whole);
      }
    });
  }
});
