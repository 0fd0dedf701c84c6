import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc16x25 } from "../../../src/framing/crc.js";
import { inspectFrame } from "../../../src/inspect/inspect.js";
import type { InspectResult } from "../../../src/inspect/types.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { caseBytes, caseKeys, REAL_FRAMES, type RealFrameCase } from "../../helpers/real-frames.js";
import { coverageProblems, readingsNotAnnotated } from "./layer-checks.js";

const byId = (id: string): RealFrameCase => REAL_FRAMES.find((testCase) => testCase.id === id)!;
const leaves = (result: InspectResult) => result.layers.filter((layer) => !layer.group);
/** Layers with this label; a field split over several ranges is found by its first part. */
const labelled = (result: InspectResult, label: string) =>
  result.layers.filter((layer) => layer.label === label || layer.label.startsWith(`${label} (part 1 of `));
const codes = (result: InspectResult) => result.issues.map((issue) => issue.code);
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();

describe("inspectFrame on the real frames", () => {
  for (const testCase of REAL_FRAMES) {
    describe(testCase.id, () => {
      const bytes = caseBytes(testCase);
      const keys = caseKeys(testCase);
      const result = inspectFrame(bytes, keys);

      it("labels every input and plaintext byte in exactly one leaf", () => {
        expect(coverageProblems(result, bytes.length)).toEqual([]);
      });

      it("reports the decoder's readings, each found in a layer with its OBIS code and value", () => {
        const decoded = decodeBytes(bytes, keys).snapshots.flatMap((snapshot) => snapshot.readings);
        expect(result.readings.map((reading) => reading.obis)).toEqual(
          decoded.map((reading) => reading.obis),
        );
        expect(readingsNotAnnotated(result)).toEqual([]);
      });

      if (testCase.expected !== "error" && testCase.expected.length > 0) {
        it("explains every byte of a frame that decodes", () => {
          expect(result.layers.filter((layer) => layer.layer === "unknown")).toEqual([]);
          expect(result.readings.length).toBeGreaterThan(0);
          expect(result.issues).toEqual([]);
        });
      } else if (testCase.expected === "error") {
        it("says why it does not decode", () => {
          expect(result.readings).toEqual([]);
          expect(result.issues.length).toBeGreaterThan(0);
        });
      }

      it("never shows a key", () => {
        const json = JSON.stringify(result).toUpperCase();
        for (const key of [testCase.key, testCase.auth_key])
          if (key) expect(json).not.toContain(key.toUpperCase());
      });
    });
  }

  it("puts HCS and FCS where the frame format says, each a CRC-16/X.25 of the bytes before it", () => {
    const testCase = byId("e450-ch-ekz-vse2026-hdlc-gbt");
    const bytes = caseBytes(testCase);
    const result = inspectFrame(bytes);
    const formats = labelled(result, "frame format");
    expect(formats).toHaveLength(4);
    for (const format of formats) {
      const frameLength = ((bytes[format.start]! << 8) | bytes[format.start + 1]!) & 0x7ff;
      const closing = format.start + frameLength;
      const hcs = result.layers.find((layer) => layer.label === "HCS" && layer.start > format.start)!;
      const fcs = result.layers.find((layer) => layer.label === "FCS" && layer.start > format.start)!;
      expect(fcs.end).toBe(closing);
      expect(bytes[closing]).toBe(0x7e);
      for (const check of [hcs, fcs]) {
        expect(check.end - check.start).toBe(2);
        const sent = bytes[check.start]! | (bytes[check.start + 1]! << 8);
        expect(crc16x25(bytes, format.start, check.start)).toBe(sent);
      }
    }
  });

  it("labels the LLC header, the GBT block header and the fields of a push split over four blocks", () => {
    const result = inspectFrame(caseBytes(byId("e450-ch-ekz-vse2026-hdlc-gbt")));
    expect(labelled(result, "LLC header").map((layer) => layer.value)).toEqual(["E6E700"]);
    expect(labelled(result, "block number").map((layer) => layer.value)).toEqual(["1", "2", "3", "4"]);
    expect(labelled(result, "block control").map((layer) => layer.value)).toEqual(["40", "40", "40", "C0"]);
    // The logical device name straddles blocks 3 and 4: one field, two ranges of the input.
    const name = result.layers.filter((layer) =>
      layer.label.startsWith("Logical device name (0-0:42.0.0.255)"),
    );
    expect(name.map((layer) => layer.label)).toEqual([
      "Logical device name (0-0:42.0.0.255) (part 1 of 2)",
      "Logical device name (0-0:42.0.0.255) (part 2 of 2)",
    ]);
    expect(result.summary).toEqual({
      protocol: "hdlc",
      encrypted: false,
      systemTitle: null,
      manufacturer: "Landis+Gyr (LGZ)",
      layout: "push-object-list",
    });
  });

  it("labels the security header of an E450 push and its plaintext in the plaintext space", () => {
    const testCase = byId("e450-at-burgenland-positional-gh501-1");
    const result = inspectFrame(caseBytes(testCase), caseKeys(testCase));
    const field = (label: string) => labelled(result, label)[0]!;
    expect(field("security tag").value).toBe("general-glo-ciphering (DB)");
    expect(field("system title").value).toBe("4C475A6772A9A111");
    expect(field("manufacturer (FLAG id)")).toMatchObject({ value: "LGZ", note: "Landis+Gyr (LGZ)" });
    expect(field("security control").note).toBe(
      "suite 0 (AES-GCM-128), authenticated, encrypted, unicast key",
    );
    expect(field("frame counter").value).toBe("2195702");
    expect(field("authentication tag").note).toBe("verified with the keys given");
    expect(field("ciphertext").source).toBeUndefined();
    const notification = result.layers.find((layer) => layer.label === "data-notification")!;
    expect(notification).toMatchObject({ source: "plaintext", start: 0 });
    expect(result.plaintext?.slice(0, 2)).toBe("0F");
    expect(field("Voltage L1 (1-0:32.7.0.255)")).toMatchObject({ source: "plaintext", value: "236 V" });
    expect(field("Current L3 (1-0:71.7.0.255)").value).toBe("0.26 A");
    expect(result.summary).toMatchObject({
      encrypted: true,
      systemTitle: "4C475A6772A9A111",
      layout: "burgenland",
    });
  });

  it("gives the plaintext APDU the reference decryption gives", () => {
    for (const id of ["e450-enc-gbt-4frames-zero-key", "glo-ciphering-vector-udp-dlms-cosem"]) {
      const testCase = byId(id);
      expect(inspectFrame(caseBytes(testCase), caseKeys(testCase)).plaintext).toBe(
        testCase.expected_plaintext_apdu!.toUpperCase(),
      );
    }
  });

  it("labels M-Bus frames, their DLMS segments and the T210-D's wrapped length", () => {
    const kaifa = inspectFrame(
      caseBytes(byId("kaifa-netznoe-mbus-2frames-enc")),
      caseKeys(byId("kaifa-netznoe-mbus-2frames-enc")),
    );
    expect(labelled(kaifa, "CI field").map((layer) => layer.note)).toEqual([
      "DLMS transport segment 0, more follow",
      "DLMS transport segment 1, the last one",
    ]);
    expect(labelled(kaifa, "checksum").map((layer) => layer.note)).toEqual([
      "sum of C … data mod 256: OK",
      "sum of C … data mod 256: OK",
    ]);
    const sagemcom = inspectFrame(caseBytes(byId("sagemcom-t210d-at-mbus-corrupt-truncated")));
    expect(labelled(sagemcom, "L field").at(-1)?.note).toContain("L mod 256");
    expect(codes(sagemcom)).toContain("frame-mbus-framing");
  });

  it("labels a P1 telegram's lines and its CRC, and a readout's BCC", () => {
    const p1 = inspectFrame(caseBytes(byId("lg-e360-dsmr-p1-gh382-1")));
    expect(labelled(p1, "identification")[0]).toMatchObject({ layer: "p1", value: "/LGF5E360" });
    expect(labelled(p1, "end of telegram and CRC")[0]!.note).toBe("CRC-16/ARC over '/' … '!': OK");
    const readout = inspectFrame(caseBytes(byId("lgz-e350-zmf100-iec62056-21-modeC-readout")));
    expect(labelled(readout, "BCC")[0]!.note).toBe("block check character (XOR after STX up to ETX): OK");
    expect(labelled(readout, "Energy import T1 (1.8.1)")[0]!.value).toBe("42951.721 kWh");
    const bad = inspectFrame(caseBytes(byId("dsmr-v5-crc-mismatch")));
    expect(labelled(bad, "end of telegram and CRC")[0]!.note).toBe(
      "CRC-16/ARC over '/' … '!' does not match: computed A309",
    );
    expect(codes(bad)).toContain("frame-crc16");
  });

  it("marks a frame with a bad FCS and does not decode it", () => {
    const result = inspectFrame(caseBytes(byId("lgz-zmf100-bad-fcs")));
    expect(labelled(result, "FCS")[0]!.note).toMatch(/^frame check sequence does not match: computed /);
    expect(labelled(result, "information")[0]!.note).toContain("not decoded");
    expect(codes(result)).toEqual(["frame-fcs", "no-frame"]);
  });
});

describe("inspectFrame with the wrong keys", () => {
  const testCase = byId("e450-at-enc-gbt-auth-1");
  const bytes = caseBytes(testCase);
  const keys = caseKeys(testCase);
  const flipped = (key: Uint8Array) => key.map((byte, index) => (index === 0 ? byte ^ 0xff : byte));

  it("says in plain words that the encryption key is wrong, and still labels the outer layers", () => {
    const wrong = { encryptionKey: flipped(keys.encryptionKey!), authenticationKey: keys.authenticationKey! };
    const result = inspectFrame(bytes, wrong);
    expect(result.issues[0]).toEqual({
      code: "auth-failed",
      message: "the encryption key does not match this meter (authentication tag check failed)",
    });
    expect(result.plaintext).toBeNull();
    expect(result.readings).toEqual([]);
    expect(coverageProblems(result, bytes.length)).toEqual([]);
    expect(labelled(result, "HCS")).toHaveLength(3);
    expect(labelled(result, "block number").map((layer) => layer.value)).toEqual(["1", "2", "3"]);
    expect(labelled(result, "system title")[0]!.value).toBe("4C475A677370B177");
    expect(labelled(result, "ciphertext")[0]!.note).toBe(
      "not decrypted: the encryption key does not match this meter (authentication tag check failed)",
    );
    expect(result.layers.filter((layer) => layer.layer === "unknown")).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(hexOf(wrong.encryptionKey));
  });

  it("tells a wrong authentication key apart, and shows the plaintext the encryption key gives", () => {
    const result = inspectFrame(bytes, { ...keys, authenticationKey: flipped(keys.authenticationKey!) });
    expect(result.issues[0]).toEqual({
      code: "auth-failed",
      message: "the authentication key does not match this meter (the encryption key does)",
    });
    expect(labelled(result, "authentication tag")[0]!.note).toBe(
      "does not verify: the authentication key does not match this meter (the encryption key does)",
    );
    expect(result.plaintext).not.toBeNull();
    expect(labelled(result, "Energy import (1-0:1.8.0.255)")[0]!.source).toBe("plaintext");
  });

  it("says the push is encrypted when no key is given", () => {
    const result = inspectFrame(bytes);
    expect(codes(result)[0]).toBe("missing-key");
    expect(labelled(result, "ciphertext")[0]!.note).toBe(
      "not decrypted: the push is encrypted and no encryption key is configured",
    );
    expect(result.summary).toMatchObject({ encrypted: true, manufacturer: "Landis+Gyr (LGZ)", layout: null });
  });

  it("reports garbage plaintext from a wrong key without an authentication key", () => {
    const kaifa = byId("kaifa-netznoe-mbus-2frames-enc");
    const result = inspectFrame(caseBytes(kaifa), { encryptionKey: flipped(caseKeys(kaifa).encryptionKey!) });
    expect(codes(result)[0]).toBe("garbage-plaintext");
    expect(result.plaintext).toBeNull();
  });
});

describe("inspectFrame on other shapes of input", () => {
  const ekz = caseBytes(byId("e450-ch-ekz-vse2026-hdlc-gbt"));

  it("labels frames that share one flag, as the decoder reads them", () => {
    // Drop each frame's own opening flag, so that the closing flag before it opens it.
    const frames = Buffer.from(ekz).toString("hex").split("7e7e").join("7e");
    const shared = Uint8Array.from(Buffer.from(frames, "hex"));
    const result = inspectFrame(shared);
    expect(coverageProblems(result, shared.length)).toEqual([]);
    expect(result.readings).toEqual(inspectFrame(ekz).readings);
    expect(labelled(result, "opening flag")).toHaveLength(1);
    expect(labelled(result, "closing flag").map((layer) => layer.note)).toEqual([
      "also opens the next frame",
      "also opens the next frame",
      "also opens the next frame",
      undefined,
    ]);
  });

  it("labels bytes before the first frame as unparsed and decodes the frames after them", () => {
    const noisy = Uint8Array.from([0x11, 0x22, 0x33, ...ekz]);
    const result = inspectFrame(noisy);
    expect(leaves(result)[0]).toMatchObject({ layer: "unknown", start: 0, end: 3, label: "unparsed bytes" });
    expect(result.readings).toHaveLength(15);
    expect(codes(result)).toEqual(["noise"]);
  });

  it("labels the IEC 62056-47 wrapper around a bare APDU", () => {
    const apdu = caseBytes(byId("e450-ch-raw-apdu-per-phase-power"));
    const header = [0x00, 0x01, 0x00, 0x01, 0x00, 0x01, apdu.length >> 8, apdu.length & 0xff];
    const wrapped = Uint8Array.from([...header, ...apdu]);
    const result = inspectFrame(wrapped);
    expect(result.layers.filter((layer) => layer.layer === "wrapper").map((layer) => layer.label)).toEqual([
      "DLMS/COSEM wrapper (IEC 62056-47)",
      "version",
      "source wPort",
      "destination wPort",
      "length",
    ]);
    expect(result.readings).toHaveLength(12);
    expect(coverageProblems(result, wrapped.length)).toEqual([]);
  });

  it("says where a frame is cut short, at every length", () => {
    for (const testCase of [
      byId("e450-at-enc-gbt-auth-1"),
      byId("kaifa-netznoe-mbus-2frames-enc"),
      byId("lg-e360-dsmr-p1-gh382-1"),
    ]) {
      const bytes = caseBytes(testCase);
      for (let length = 0; length < bytes.length; length++) {
        const cut = bytes.subarray(0, length);
        const result = inspectFrame(cut, caseKeys(testCase));
        expect(coverageProblems(result, length), `${testCase.id} cut at ${length}`).toEqual([]);
        // A P1 telegram cut after its CRC digits is still whole (DSMR P1 5.0.2 §6.2: CR LF is not covered).
        if (length > 0 && result.readings.length === 0)
          expect(result.issues.length, `${testCase.id} cut at ${length}`).toBeGreaterThan(0);
      }
    }
  });

  it("answers empty input with no layers and the decoder's reason", () => {
    const result = inspectFrame(new Uint8Array(0));
    expect(result.layers).toEqual([]);
    expect(codes(result)).toEqual(["empty-input"]);
  });
});

describe("inspectFrame never throws", () => {
  const check = (bytes: Uint8Array, keys = {}) => {
    const result = inspectFrame(bytes, keys);
    expect(coverageProblems(result, bytes.length)).toEqual([]);
  };

  it("on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => check(bytes)),
      { numRuns: 300, seed: 450 },
    );
  });

  it("on random bytes that open like frames", () => {
    const opening = fc.constantFrom(
      [0x7e, 0xa0],
      [0x68, 0x10, 0x10, 0x68],
      [0x2f],
      [0x02],
      [0xdb, 0x08],
      [0x0f],
      [0xe0],
    );
    fc.assert(
      fc.property(opening, fc.uint8Array({ maxLength: 300 }), (head, tail) =>
        check(Uint8Array.from([...head, ...tail])),
      ),
      { numRuns: 300, seed: 62056 },
    );
  });

  it("on the real frames with bytes changed, dropped or cut", () => {
    const cases = REAL_FRAMES.filter((testCase) => testCase.encoding === "hex");
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(),
        (testCase, position, xor, cut) => {
          const bytes = caseBytes(testCase).slice();
          const at = position % bytes.length;
          bytes[at]! ^= xor;
          check(bytes.subarray(0, bytes.length - (cut % 8)), caseKeys(testCase));
          check(Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]), caseKeys(testCase));
        },
      ),
      { numRuns: 400, seed: 13757 },
    );
  });
});
