/** AES-128-GCM deciphering: NIST vectors for the keystream, DLMS vectors for the tag, key errors. */
import { describe, expect, it } from "vitest";
import { type CipheredApdu, decipher, parseCiphered } from "../../../src/dlms/cipher.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));

describe("decipher", () => {
  it("produces GCM's keystream without a tag (NIST SP 800-38D / McGrew–Viega test case 3)", () => {
    const iv = hex("cafebabefacedbaddecaf888");
    const apdu: CipheredApdu = {
      systemTitle: iv.subarray(0, 8),
      frameCounter: Buffer.from(iv.subarray(8)).readUInt32BE(0),
      securityControl: 0x20,
      payload: hex(
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
      ),
      tag: null,
    };
    const { plaintext, tagCheck } = decipher(apdu, {
      encryptionKey: hex("feffe9928665731c6d6a8f9467308308"),
    });
    expect(Buffer.from(plaintext).toString("hex")).toBe(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
    );
    expect(tagCheck).toBe("absent");
  });

  const vector = REAL_FRAMES.find((c) => c.id === "glo-ciphering-vector-udp-dlms-cosem")!;

  it("verifies the tag with AAD = SC ‖ AK (pwitab/dlms-cosem general-glo-ciphering vector)", () => {
    const { plaintext, tagCheck } = decipher(parseCiphered(caseBytes(vector)), caseKeys(vector));
    expect(tagCheck).toBe("verified");
    expect(Buffer.from(plaintext).toString("hex").toUpperCase()).toBe(vector.expected_plaintext_apdu);
  });

  it("deciphers without checking the tag when no authentication key is known", () => {
    const { plaintext, tagCheck } = decipher(parseCiphered(caseBytes(vector)), {
      encryptionKey: caseKeys(vector).encryptionKey!,
    });
    expect(tagCheck).toBe("skipped-no-authentication-key");
    expect(Buffer.from(plaintext).toString("hex").toUpperCase()).toBe(vector.expected_plaintext_apdu);
  });

  it("fails the tag with a wrong authentication key", () => {
    const apdu = parseCiphered(caseBytes(vector));
    expect(() =>
      decipher(apdu, {
        encryptionKey: caseKeys(vector).encryptionKey!,
        authenticationKey: new Uint8Array(16),
      }),
    ).toThrow(expect.objectContaining({ code: "auth-failed" }));
  });

  it("asks for a key when none is configured", () => {
    expect(() => decipher(parseCiphered(caseBytes(vector)), {})).toThrow(
      expect.objectContaining({ code: "missing-key" }),
    );
  });

  it("refuses suites it cannot run", () => {
    const apdu = { ...parseCiphered(caseBytes(vector)), securityControl: 0x32 };
    expect(() => decipher(apdu, caseKeys(vector))).toThrow(expect.objectContaining({ code: "unsupported" }));
  });

  it("reads the A-XDR long-form length 81 F8 (Netz NÖ, not a magic byte: ITU-T X.690 §8.1.3 long form)", () => {
    const apdu = hex(`DB084B464D675000000981F820${"00000023"}${"00".repeat(243)}`);
    const parsed = parseCiphered(apdu);
    expect(parsed.payload.length).toBe(243);
    expect(parsed.frameCounter).toBe(0x23);
  });
});
