/**
 * The input of `e450 decode` read in pieces gives the bytes that reading it whole gives
 * (transport/capture-file.ts), wherever the pieces are cut: inside a comment, a "//", a "0x" or a byte.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { captureChunks, HEX_DECISION_BYTES, HexText, HexTextError } from "../../../src/cli/decode-input.js";
import { captureBytes, parseHexText } from "../../../src/transport/capture-file.js";

/** Text made mostly of what hex captures hold, with the odd character that makes it none. */
const hexish = fc
  .array(
    fc.constantFrom(
      ..."0123456789abcdefABCDEF".split(""),
      " ",
      "\n",
      "\r\n",
      "\t",
      ":",
      "-",
      ",",
      "0x",
      "0X",
      "x",
      "# note 7E\n",
      "// from the log;\n",
      "; AA\r",
      "/",
      "z",
      "\u0001",
      "\u00e9",
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(""));

/** Cuts `bytes` at the given points (in any order, repeated or out of range: they are normalised). */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((point) => point % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of [...at, bytes.length]) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  return pieces;
}

async function* each(pieces: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* pieces;
}

async function collect(pieces: readonly Uint8Array[]): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of captureChunks(each(pieces))) out.push(chunk);
  return Buffer.concat(out);
}

describe("HexText", () => {
  it("decodes text in any pieces exactly as parseHexText decodes it whole (fast-check)", () => {
    fc.assert(
      fc.property(hexish, fc.array(fc.nat(), { maxLength: 6 }), (text, points) => {
        const whole = parseHexText(text);
        const hex = new HexText();
        const bytes = Buffer.from(text, "latin1");
        const out = [...cut(bytes, points).map((piece) => hex.push(piece)), hex.end()];
        if (whole === null) expect(hex.problem).not.toBe("");
        else {
          expect(hex.problem).toBe("");
          expect(Buffer.concat(out)).toEqual(Buffer.from(whole));
        }
      }),
      { seed: 8_9, numRuns: 3000 },
    );
  });

  it("names the first byte that is no hex text", () => {
    const hex = new HexText();
    const bytes = Buffer.concat([hex.push(Buffer.from("7E A0 # ok\n0x12 q3")), hex.end()]);
    expect(bytes).toEqual(Buffer.from("7EA012", "hex"));
    expect(hex.problem).toBe('byte 16 ("q") is no hex digit, separator or comment');
  });
});

describe("captureChunks", () => {
  it("gives what captureBytes gives for a whole capture smaller than the deciding part (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hexish.map((text) => Buffer.from(text, "latin1")),
          fc.uint8Array({ maxLength: 200 }),
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (bytes, points) => {
          expect(await collect(cut(bytes, points))).toEqual(Buffer.from(captureBytes(bytes)));
        },
      ),
      { seed: 450, numRuns: 1000 },
    );
  });

  it("reads hex text beyond the deciding part piece by piece", async () => {
    const line = "7E A0 1F # a comment\n";
    const text = Buffer.from(line.repeat(Math.ceil((3 * HEX_DECISION_BYTES) / line.length)));
    const pieces = cut(text, [
      1,
      5000,
      HEX_DECISION_BYTES - 1,
      HEX_DECISION_BYTES + 3,
      2 * HEX_DECISION_BYTES,
    ]);
    const expected = Buffer.from(parseHexText(text.toString("latin1"))!);
    expect((await collect(pieces)).equals(expected)).toBe(true);
  });

  it("passes raw bytes through untouched, however long", async () => {
    const raw = Buffer.alloc(3 * HEX_DECISION_BYTES, 0x7e);
    raw[10] = 0x00;
    expect((await collect(cut(raw, [7, HEX_DECISION_BYTES + 1]))).equals(raw)).toBe(true);
  });

  it("fails with HexTextError when hex text turns into something else after the deciding part", async () => {
    const head = "AB\n".repeat(HEX_DECISION_BYTES);
    const pieces = [Buffer.from(head), Buffer.from("CD\n\u0000EF")];
    const out: Uint8Array[] = [];
    const reading = (async () => {
      for await (const chunk of captureChunks(each(pieces))) out.push(chunk);
    })();
    await expect(reading).rejects.toThrow(HexTextError);
    await expect(reading).rejects.toThrow(
      `the input began as hex text, but byte ${head.length + 3} (0x00) is not text`,
    );
    expect(Buffer.concat(out).equals(Buffer.from("AB".repeat(HEX_DECISION_BYTES) + "CD", "hex"))).toBe(true);
  });
});
