/** M-Bus long frames carrying DLMS: checksum, segmentation by CI, the Sagemcom T210-D length quirk. */
import { describe, expect, it } from "vitest";
import { mbusChecksum } from "../../../src/framing/crc.js";
import { MbusFramer } from "../../../src/framing/mbus.js";
import { MbusSegmentJoiner } from "../../../src/framing/mbus-reassembly.js";
import { caseBytes, REAL_FRAMES } from "../../helpers/real-frames.js";

/** A long frame as EN 13757-2 §5 lays it out; `lengthField` lets a test write the T210-D's wrapped L. */
function longFrame(ci: number, data: Uint8Array, lengthField?: number): Uint8Array {
  const body = Uint8Array.from([0x53, 0xff, ci, 0x01, 0x67, ...data]);
  const length = lengthField ?? body.length;
  return Uint8Array.from([0x68, length, length, 0x68, ...body, mbusChecksum(body, 0, body.length), 0x16]);
}

function frames(bytes: Uint8Array) {
  const framer = new MbusFramer();
  return [...framer.push(bytes, 0), ...framer.push(new Uint8Array(0), 10_000)];
}

const netzNoe = caseBytes(REAL_FRAMES.find((c) => c.id === "kaifa-netznoe-mbus-2frames-enc")!);

describe("MbusFramer", () => {
  it("reads the two Netz NÖ frames and joins their segments (CI 00, then 11 = last)", () => {
    const out = frames(netzNoe);
    expect(out.map((o) => o.kind)).toEqual(["frame", "frame"]);
    const joiner = new MbusSegmentJoiner();
    const results = out.map((o) => (o.kind === "frame" ? joiner.push(o.frame) : null));
    expect(results[0]).toEqual({ kind: "pending" });
    expect(results[1]?.kind).toBe("apdu");
    if (results[1]?.kind === "apdu") expect(results[1].apdu[0]).toBe(0xdb);
  });

  it("reads a 263-byte frame whose L field says 0x01 (Sagemcom T210-D, amsreader-firmware#155)", () => {
    const data = new Uint8Array(252).map((_, i) => i & 0xff);
    const frame = longFrame(0x10, data, 0x01);
    expect(frame.length).toBe(263);
    const out = frames(frame);
    expect(out).toHaveLength(1);
    expect(out[0]?.kind === "frame" && out[0].frame.data.length).toBe(254);
  });

  it("rejects a wrong checksum as mbus-checksum and resynchronises on the next frame", () => {
    const good = longFrame(0x10, Uint8Array.of(0x0f, 1, 2));
    const bad = good.slice();
    bad[bad.length - 2]! ^= 0xff;
    const out = frames(Uint8Array.from([...bad, ...good]));
    expect(out.map((o) => (o.kind === "frame" ? "frame" : o.reason))).toEqual(["mbus-checksum", "frame"]);
  });

  it("rejects a frame whose stop byte is missing as mbus-framing", () => {
    const good = longFrame(0x10, new Uint8Array(40).fill(0x0f));
    const bad = good.slice();
    bad[bad.length - 1] = 0x00;
    expect(frames(bad).map((o) => (o.kind === "frame" ? "frame" : o.reason))[0]).toBe("mbus-framing");
  });

  it("reports a frame cut short once the line stays quiet", () => {
    const good = longFrame(0x10, Uint8Array.of(0x0f, 1, 2, 3, 4));
    const out = frames(good.subarray(0, 9));
    expect(out[0]?.kind === "discarded" && out[0].reason).toBe("truncated");
    expect(out.reduce((sum, o) => sum + (o.kind === "discarded" ? o.bytes : 0), 0)).toBe(9);
  });
});

describe("MbusSegmentJoiner", () => {
  it("drops a segment that arrives out of sequence", () => {
    const joiner = new MbusSegmentJoiner();
    const framer = new MbusFramer();
    const [second] = framer.push(longFrame(0x11, Uint8Array.of(1)), 0);
    expect(second?.kind === "frame" && joiner.push(second.frame)).toMatchObject({
      kind: "dropped",
      reason: "segment-sequence",
    });
  });

  it("ignores M-Bus frames that carry no DLMS (CI outside 00–1F)", () => {
    const joiner = new MbusSegmentJoiner();
    const [frame] = new MbusFramer().push(longFrame(0x72, Uint8Array.of(1, 2, 3)), 0);
    expect(frame?.kind === "frame" && joiner.push(frame.frame)).toMatchObject({
      kind: "dropped",
      reason: "not-dlms",
    });
  });
});
