import { describe, expect, it } from "vitest";
import { cleanHex, cleanKey, enclosing, hexBytes, segments } from "../../../web/panel/src/hex.js";

describe("inspector input", () => {
  it("accepts hex as captured: spaces, line breaks, 0x prefixes and separators", () => {
    expect(cleanHex("7E A0 8B\n0x01:02-03")).toEqual({ ok: true, hex: "7ea08b010203", bytes: 6 });
  });

  it("names what is wrong with a paste", () => {
    expect(cleanHex("  ")).toEqual({ ok: false, problem: "empty" });
    expect(cleanHex("7E G0")).toEqual({ ok: false, problem: "not-hex" });
    expect(cleanHex("7E A")).toEqual({ ok: false, problem: "odd-length" });
  });

  it("takes a key of 32 hex digits, or none", () => {
    expect(cleanKey("")).toEqual({ ok: true, key: null });
    expect(cleanKey("36C6 6639 E48A 8CA4 D6BC 8B28 2A79 3BBB")).toEqual({
      ok: true,
      key: "36c66639e48a8ca4d6bc8b282a793bbb",
    });
    expect(cleanKey("36c66639")).toEqual({ ok: false });
  });
});

describe("annotated bytes", () => {
  // An HDLC frame 0–9 holding a header 1–2 and an APDU 3–8 with a value 5–6; byte 9 unlabelled
  // inside the frame, byte 10 outside every range.
  const ranges = [
    { start: 0, end: 10 },
    { start: 1, end: 3 },
    { start: 3, end: 9 },
    { start: 5, end: 7 },
  ];

  it("cut the frame into its innermost ranges, covering every byte once", () => {
    expect(segments(11, ranges)).toEqual([
      { start: 0, end: 1, range: 0 },
      { start: 1, end: 3, range: 1 },
      { start: 3, end: 5, range: 2 },
      { start: 5, end: 7, range: 3 },
      { start: 7, end: 9, range: 2 },
      { start: 9, end: 10, range: 0 },
      { start: 10, end: 11, range: null },
    ]);
  });

  it("prefer the later of two equal ranges (the deeper layer)", () => {
    expect(
      segments(2, [
        { start: 0, end: 2 },
        { start: 0, end: 2 },
      ]),
    ).toEqual([{ start: 0, end: 2, range: 1 }]);
  });

  it("give the path of a segment from the outermost range inwards", () => {
    expect(enclosing(ranges, { start: 5, end: 7 })).toEqual([0, 2, 3]);
    expect(enclosing(ranges, { start: 10, end: 11 })).toEqual([]);
  });

  it("print bytes as upper-case pairs", () => {
    expect(hexBytes("7ea08b0102", 1, 4)).toBe("A0 8B 01");
  });
});
