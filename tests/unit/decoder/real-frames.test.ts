/** Every real frame decodes as its source states; rejections are rejected with the right reason. */
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { crc16x25 } from "../../../src/framing/crc.js";
import {
  caseBytes,
  caseKeys,
  type ExpectedReading,
  missingReadings,
  REAL_FRAMES,
  type RealFrameCase,
} from "../../helpers/real-frames.js";

/** The issue code each rejection must carry (the case's error_kind, in this project's codes). */
const REJECTION_CODE: Record<string, string> = {
  "gbt-sequence": "gbt-duplicate",
  "incomplete-gbt": "gbt-incomplete",
  fcs: "frame-fcs",
  crc16: "frame-crc16",
  "mbus-framing": "frame-mbus-framing",
  "unknown-layout": "unknown-layout",
};

describe("real frames (tests/fixtures/real-frames)", () => {
  for (const testCase of REAL_FRAMES) {
    it(testCase.id, () => {
      const result = decodeBytes(caseBytes(testCase), caseKeys(testCase));
      if (testCase.expected === "error") {
        expect(result.snapshots).toEqual([]);
        expect(result.issues.map((issue) => issue.code)).toContain(REJECTION_CODE[testCase.error_kind!]);
        return;
      }
      if (testCase.expected.length === 0) {
        // Envelope-only vector: deciphered (tag verified) but the body holds no registers.
        expect(result.snapshots).toEqual([]);
        expect(result.issues).toEqual([
          {
            code: "unknown-layout",
            message:
              "push decrypted, but no known push layout explains a body of an octet-string of 34 bytes",
          },
        ]);
        return;
      }
      expect(missingReadings(testCase, result)).toEqual([]);
      expect(result.snapshots).toHaveLength(testCase.expected_messages ?? 1);
    });
  }

  it("keys never appear in issues", () => {
    for (const testCase of REAL_FRAMES.filter((c) => c.key)) {
      const wrong = {
        encryptionKey: new Uint8Array(16).fill(0x11),
        authenticationKey: new Uint8Array(16).fill(0x22),
      };
      const text = JSON.stringify([
        decodeBytes(caseBytes(testCase), caseKeys(testCase)).issues,
        decodeBytes(caseBytes(testCase), wrong).issues,
      ]);
      expect(text.toUpperCase()).not.toContain(testCase.key!.toUpperCase());
      expect(text).not.toContain("11111111111111111111111111111111");
    }
  });
});

describe("Landis+Gyr ZMF100 with OBIS tags written 06 09 (esphome-libs/dlms_parser ZMF100 dump)", () => {
  // Derived from the real capture lgz-zmf100-bad-fcs: its FCS was mistyped in the source log, so it
  // is recomputed here; the values are those the source states for this frame with CRC checks off.
  const zmf = REAL_FRAMES.find((c) => c.id === "lgz-zmf100-bad-fcs")! as RealFrameCase & {
    expected_if_crc_ignored: ExpectedReading[];
  };

  it("decodes every register, including the currents behind the swapped tags", () => {
    const bytes = caseBytes(zmf);
    const closing = bytes.length - 1;
    const fcs = crc16x25(bytes, 1, closing - 2);
    bytes[closing - 2] = fcs & 0xff;
    bytes[closing - 1] = fcs >> 8;
    const result = decodeBytes(bytes);
    expect(result.issues).toEqual([]);
    expect(missingReadings({ ...zmf, expected: zmf.expected_if_crc_ignored }, result)).toEqual([]);
    const serial = result.snapshots[0]?.readings.find((r) => r.obis === "0-0:96.1.0.255");
    expect(serial?.value).toEqual({ kind: "text", text: "40799390" });
  });
});

describe("E450 values", () => {
  const ekz = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;

  it("keeps the integer and the scaler, and the meter identity and clock", () => {
    const [snapshot] = decodeBytes(caseBytes(ekz)).snapshots;
    expect(snapshot?.meterId).toBe("1909113");
    expect(snapshot?.meterTime).toBe("2026-05-04T11:39:21");
    const current = snapshot?.readings.find((r) => r.obis === "1-0:31.7.0.255");
    expect(current?.value).toEqual({ kind: "number", exact: { raw: 9n, scaler: -2 }, unit: "A" });
    const voltage = snapshot?.readings.find((r) => r.obis === "1-0:32.7.0.255");
    expect(voltage?.value).toEqual({ kind: "number", exact: { raw: 236n, scaler: 0 }, unit: "V" });
  });

  it("applies a per-register scaler override", () => {
    const [snapshot] = decodeBytes(caseBytes(ekz), { scalerOverrides: new Map([["31.7.0", -3]]) }).snapshots;
    const current = snapshot?.readings.find((r) => r.obis === "1-0:31.7.0.255");
    expect(current?.value).toEqual({ kind: "number", exact: { raw: 9n, scaler: -3 }, unit: "A" });
  });

  it("reads the E360's decivolts as such (gotcha §9.3)", () => {
    const e360 = REAL_FRAMES.find((c) => c.id === "lg-e360-p1-hdlc-single-long-frame")!;
    const [snapshot] = decodeBytes(caseBytes(e360)).snapshots;
    const voltage = snapshot?.readings.find((r) => r.obis === "1-0:32.7.0.255");
    expect(voltage?.value).toEqual({ kind: "number", exact: { raw: 2357n, scaler: -1 }, unit: "V" });
  });
});
