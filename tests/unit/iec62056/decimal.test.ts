import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReadoutDecimal } from "../../../src/iec62056/decimal.js";
import { parseDecimal } from "../../../src/model/exact-number.js";

describe("parseReadoutDecimal", () => {
  it("reads meter decimals exactly", () => {
    expect(parseReadoutDecimal("042951.721")).toEqual({ raw: 42951721n, scaler: -3 });
    expect(parseReadoutDecimal(" 241 ")).toEqual({ raw: 241n, scaler: 0 });
    expect(parseReadoutDecimal("-0.5")).toEqual({ raw: -5n, scaler: -1 });
    expect(parseReadoutDecimal("1234567890123456789.5")).toEqual({ raw: 12345678901234567895n, scaler: -1 });
    expect(parseReadoutDecimal("M26")).toBeNull();
    expect(parseReadoutDecimal(".")).toBeNull();
  });

  it("agrees with parseDecimal on any text made of digits, signs, points and spaces (seeded)", () => {
    const text = fc.string({ unit: fc.constantFrom(..."0123456789.+- \tx"), maxLength: 24 });
    fc.assert(
      fc.property(text, (t) => {
        expect(parseReadoutDecimal(t)).toEqual(parseDecimal(t));
      }),
      { seed: 8, numRuns: 20_000 },
    );
  });
});
