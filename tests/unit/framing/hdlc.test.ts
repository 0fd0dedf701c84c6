/** HDLC framer: spec vectors, derived corruptions with their exact reasons, resync, bounds. */
import { describe, expect, it } from "vitest";
import { crc16x25 } from "../../../src/framing/crc.js";
import { HdlcFramer } from "../../../src/framing/hdlc.js";
import { caseBytes, REAL_FRAMES } from "../../helpers/real-frames.js";

const burgenland = caseBytes(REAL_FRAMES.find((c) => c.id === "e450-at-burgenland-positional-gh501-1")!);

function outputs(bytes: Uint8Array, now = 0) {
  const framer = new HdlcFramer();
  return [...framer.push(bytes, now), ...framer.push(new Uint8Array(0), now + 10_000)].map((output) =>
    output.kind === "frame"
      ? { kind: "frame", length: output.frame.raw.length }
      : { kind: output.kind, reason: output.reason, bytes: output.bytes },
  );
}

describe("CRC-16/X.25", () => {
  it("matches the catalogue check value and the DLMS vector", () => {
    // reveng CRC catalogue: CRC-16/IBM-SDLC (X.25), check = 0x906E for "123456789".
    expect(crc16x25(Buffer.from("123456789"))).toBe(0x906e);
    // pwitab/dlms-cosem tests/test_hdlc/test_hdlc.py::TestCrc: 03 3F → bytes 5B EC on the wire (LSB first).
    expect(crc16x25(Uint8Array.of(0x03, 0x3f))).toBe(0xec5b);
  });
});

describe("HdlcFramer", () => {
  it("reads one real E450 frame with its addresses and control", () => {
    const framer = new HdlcFramer();
    const [output] = framer.push(burgenland, 0);
    expect(output?.kind).toBe("frame");
    if (output?.kind !== "frame") return;
    expect(Buffer.from(output.frame.destination).toString("hex")).toBe("ceff");
    expect(Buffer.from(output.frame.source).toString("hex")).toBe("03");
    expect(output.frame.control).toBe(0x13);
    expect(output.frame.segmented).toBe(false);
    expect(output.frame.info.length).toBe(burgenland.length - 2 - 2 - 2 - 3 - 1 - 2);
  });

  it("rejects a flipped FCS byte as fcs", () => {
    const bytes = burgenland.slice();
    bytes[bytes.length - 2]! ^= 0x01;
    expect(outputs(bytes)).toEqual([{ kind: "discarded", reason: "fcs", bytes: bytes.length - 1 }]);
  });

  it("rejects a flipped HCS byte as hcs", () => {
    const bytes = burgenland.slice();
    bytes[7]! ^= 0x80;
    expect(outputs(bytes)[0]).toEqual({ kind: "discarded", reason: "hcs", bytes: bytes.length - 1 });
  });

  it("reports a truncated frame once the line stays quiet", () => {
    const bytes = burgenland.subarray(0, 60);
    expect(outputs(bytes)).toEqual([{ kind: "discarded", reason: "truncated", bytes: 60 }]);
  });

  it("skips a garbage prefix as noise and still reads the frame", () => {
    const garbage = Uint8Array.of(0x00, 0x7e, 0x12, 0x34, 0xa0, 0x55);
    const result = outputs(Buffer.concat([garbage, burgenland]));
    expect(result.at(-1)).toEqual({ kind: "frame", length: burgenland.length });
    expect(result.slice(0, -1).every((o) => o.kind === "discarded")).toBe(true);
    expect(result.slice(0, -1).reduce((sum, o) => sum + (o.bytes ?? 0), 0)).toBe(garbage.length);
  });

  it("recovers the next frame after one that lost bytes", () => {
    const damaged = Buffer.concat([burgenland.subarray(0, 50), burgenland.subarray(60)]);
    const result = outputs(Buffer.concat([damaged, burgenland]));
    expect(result.filter((o) => o.kind === "frame")).toEqual([{ kind: "frame", length: burgenland.length }]);
  });

  it("shares a flag between back-to-back frames", () => {
    const shared = Buffer.concat([burgenland, burgenland.subarray(1)]);
    expect(outputs(shared).filter((o) => o.kind === "frame")).toHaveLength(2);
  });

  it("keeps its buffer bounded on endless noise", () => {
    const framer = new HdlcFramer();
    const noise = new Uint8Array(4096).fill(0x55);
    let discarded = 0;
    for (let i = 0; i < 100; i++)
      for (const o of framer.push(noise, i)) if (o.kind === "discarded") discarded += o.bytes;
    expect(discarded).toBe(409_600);
  });
});
