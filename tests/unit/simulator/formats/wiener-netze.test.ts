import { createDecipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  encodeWienerNetzePlaintext,
  encodeWienerNetzePush,
  type WienerNetzePushValues,
} from "../../../../src/simulator/formats/wiener-netze.js";
import { hex, toHex } from "../captures.js";
import { decipherGlo, hdlcApdu } from "../decrypt.js";

/** First decrypted E450 body in ixs/tasmota-sml-parser#5 (2023-09-19 22:44:01, a Tuesday, status 80). */
const TASMOTA_5_BODY =
  "0209090C07E709130216" +
  "2C01FF800080" +
  "060003665D" +
  "06000035FA" +
  "06000028CA" +
  "060001C668" +
  "0600000ACD" +
  "0600000000" +
  "0600000000" +
  "06000001AC";

const VALUES: WienerNetzePushValues = {
  invokeId: 0x0001_2345,
  notificationTime: {
    local: { year: 2023, month: 9, day: 19, hour: 22, minute: 44, second: 1 },
    weekday: 2,
    status: 0,
  },
  time: {
    local: { year: 2023, month: 9, day: 19, hour: 22, minute: 44, second: 1 },
    weekday: 2,
    status: 0x80,
  },
  activeEnergyImport: 0x0003665d,
  activeEnergyExport: 0x35fa,
  reactiveEnergyImport: 0x28ca,
  reactiveEnergyExport: 0x01c668,
  activePowerImport: 0x0acd,
  activePowerExport: 0,
  reactivePowerImport: 0,
  reactivePowerExport: 0x01ac,
};

const CIPHERING = {
  systemTitle: hex("4C475A6700112233"),
  frameCounter: 0x0000_1234,
  keys: { encryptionKey: hex("000102030405060708090A0B0C0D0E0F"), authenticationKey: new Uint8Array(16) },
};

describe("wiener-netze push", () => {
  it("encodes the body exactly as the decrypted E450 body in tasmota-sml-parser#5", () => {
    const plaintext = encodeWienerNetzePlaintext(VALUES);
    const bodyStart = 1 + 4 + 13; // 0F, invoke-id, 0C + date-time
    expect(toHex(plaintext.subarray(bodyStart))).toBe(TASMOTA_5_BODY);
  });

  it("is one frame 7E A0 67 CE FF 03 13 with SC 0x20 and no tag", () => {
    const [frame, ...more] = encodeWienerNetzePush(VALUES, CIPHERING);
    expect(more).toHaveLength(0);
    expect(toHex(frame!.bytes.subarray(0, 7))).toBe("7EA067CEFF0313");
    const apdu = hdlcApdu(frame!.bytes);
    const deciphered = decipherGlo(apdu, CIPHERING.keys.encryptionKey);
    expect(deciphered.securityControl).toBe(0x20);
    expect(deciphered.tag).toBeNull();
    expect(toHex(deciphered.plaintext)).toBe(toHex(encodeWienerNetzePlaintext(VALUES)));
  });

  it("ciphers with AES-CTR from counter block IV ‖ 00000002 (GCM without tag)", () => {
    const apdu = hdlcApdu(encodeWienerNetzePush(VALUES, CIPHERING)[0]!.bytes);
    const ciphertext = apdu.subarray(2 + 8 + 1 + 1 + 4);
    const iv = Buffer.concat([CIPHERING.systemTitle, hex("00001234"), hex("00000002")]);
    const ctr = createDecipheriv("aes-128-ctr", CIPHERING.keys.encryptionKey, iv);
    expect(toHex(Buffer.concat([ctr.update(ciphertext), ctr.final()]))).toBe(
      toHex(encodeWienerNetzePlaintext(VALUES)),
    );
  });
});
