import { describe, expect, it } from "vitest";
import { axdr, encodeAxdr, encodeLength } from "../../../../src/simulator/encode/axdr.js";
import { toHex } from "../captures.js";

describe("A-XDR encoder", () => {
  it.each([
    ["uint8", axdr.uint8(0xab), "11AB"],
    ["uint16", axdr.uint16(236), "1200EC"],
    ["uint32", axdr.uint32(482939), "0600075E7B"],
    ["int8", axdr.int8(-1), "0FFF"],
    ["int16", axdr.int16(-2), "10FFFE"],
    ["int32", axdr.int32(-3), "05FFFFFFFD"],
    ["enum", axdr.enum(27), "161B"],
    ["null", axdr.null(), "00"],
    ["visible-string", axdr.visibleString("AB"), "0A024142"],
    ["ascii octet-string", axdr.asciiOctetString("1909113"), "090731393039313133"],
  ])("encodes %s", (_name, data, expected) => {
    expect(toHex(encodeAxdr(data))).toBe(expected);
  });

  it("nests structures and arrays with their element counts", () => {
    const data = axdr.structure(
      axdr.array([axdr.uint8(1), axdr.uint8(2)]),
      axdr.octetString(Uint8Array.of(9)),
    );
    expect(toHex(encodeAxdr(data))).toBe("0202" + "0102" + "1101" + "1102" + "090109");
  });

  it("writes BER lengths: short, 81 nn and 82 nn nn", () => {
    expect(toHex(encodeLength(0x7f))).toBe("7F");
    expect(toHex(encodeLength(0xf8))).toBe("81F8");
    expect(toHex(encodeLength(0x103))).toBe("820103");
    const long = encodeAxdr(axdr.octetString(new Uint8Array(200)));
    expect(toHex(long.subarray(0, 3))).toBe("0981C8");
  });

  it("refuses values that do not fit their type", () => {
    expect(() => axdr.uint16(0x1_0000)).toThrow(RangeError);
    expect(() => axdr.uint32(-1)).toThrow(RangeError);
    expect(() => axdr.int8(128)).toThrow(RangeError);
    expect(() => axdr.uint32(1.5)).toThrow(RangeError);
    expect(() => axdr.asciiOctetString("Zähler")).toThrow(RangeError);
  });
});
