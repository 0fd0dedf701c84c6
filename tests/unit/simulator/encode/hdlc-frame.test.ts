import { describe, expect, it } from "vitest";
import { buildHdlcFrame } from "../../../../src/simulator/encode/hdlc-frame.js";
import { BURGENLAND_PUSH, toHex } from "../captures.js";

describe("HDLC frame builder", () => {
  it("rebuilds the captured Burgenland frame from its information field", () => {
    const captured = BURGENLAND_PUSH.bytes;
    const information = captured.subarray(9, captured.length - 3);
    const frame = buildHdlcFrame({
      destination: Uint8Array.of(0xce, 0xff),
      source: Uint8Array.of(0x03),
      control: 0x13,
      information,
    });
    expect(toHex(frame)).toBe(toHex(captured));
  });

  it("uses the 11-bit length and the S bit", () => {
    const frame = buildHdlcFrame({
      destination: Uint8Array.of(0x03),
      source: Uint8Array.of(0x21),
      control: 0x13,
      information: new Uint8Array(300),
      segmented: true,
    });
    const length = 2 + 1 + 1 + 1 + 2 + 300 + 2; // format, dest, src, control, HCS, information, FCS
    expect(frame[1]).toBe(0xa8 | (length >> 8));
    expect(frame[2]).toBe(length & 0xff);
    expect(frame.length).toBe(length + 2);
  });

  it("sends only an FCS when there is no information field", () => {
    const frame = buildHdlcFrame({
      destination: Uint8Array.of(0x03),
      source: Uint8Array.of(0x21),
      control: 0x93,
      information: new Uint8Array(0),
    });
    expect(frame.length).toBe(2 + 2 + 1 + 1 + 1 + 2);
  });

  it("refuses addresses whose extension bits are wrong", () => {
    const build = (destination: Uint8Array) =>
      buildHdlcFrame({
        destination,
        source: Uint8Array.of(0x03),
        control: 0x13,
        information: Uint8Array.of(1),
      });
    expect(() => build(Uint8Array.of(0xce, 0xfe))).toThrow(RangeError);
    expect(() => build(Uint8Array.of(0xcf, 0xff))).toThrow(RangeError);
  });
});
