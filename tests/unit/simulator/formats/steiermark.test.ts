import { describe, expect, it } from "vitest";
import { concat } from "../../../../src/model/bytes.js";
import {
  encodeSteiermarkPlaintext,
  encodeSteiermarkPush,
  type SteiermarkPushValues,
} from "../../../../src/simulator/formats/steiermark.js";
import { STEIERMARK_PUSH, toHex } from "../captures.js";
import { decipherGlo, hdlcApdu } from "../decrypt.js";

/** Values stated in esphome-libs/dlms_parser tests/expected/hdlc_landis_gyr_e450.h; time 2022-02-21 17:37:30 (Monday). */
const STATED: SteiermarkPushValues = {
  invokeId: 0x00177bca,
  time: {
    local: { year: 2022, month: 2, day: 21, hour: 17, minute: 37, second: 30 },
    weekday: 1,
    status: 0x00,
  },
  registers: {
    "1-0:1.8.0.255": 4408736,
    "1-0:1.8.1.255": 3593919,
    "1-0:1.8.2.255": 814817,
    "1-0:1.7.0.255": 2893,
    "1-0:2.8.0.255": 0,
    "1-0:2.8.1.255": 0,
    "1-0:2.8.2.255": 0,
    "1-0:2.7.0.255": 0,
    "1-0:3.8.0.255": 1591784,
    "1-0:3.8.1.255": 1358750,
    "1-0:3.8.2.255": 233034,
    "1-0:3.7.0.255": 1735,
    "1-0:4.8.0.255": 1401005,
    "1-0:4.8.1.255": 872483,
    "1-0:4.8.2.255": 528522,
    "1-0:4.7.0.255": 0,
  },
};

const CIPHERING = {
  systemTitle: STEIERMARK_PUSH.systemTitle,
  frameCounter: STEIERMARK_PUSH.frameCounter,
  keys: {
    encryptionKey: STEIERMARK_PUSH.encryptionKey,
    authenticationKey: STEIERMARK_PUSH.authenticationKey,
  },
};

describe("steiermark push", () => {
  it("encodes the stated values to exactly the plaintext the capture decrypts to", () => {
    const captured = decipherGlo(hdlcApdu(STEIERMARK_PUSH.bytes), STEIERMARK_PUSH.encryptionKey);
    expect(toHex(encodeSteiermarkPlaintext(STATED))).toBe(toHex(captured.plaintext));
  });

  it("rebuilds the captured three-frame encrypted push, tag included, byte for byte", () => {
    const frames = encodeSteiermarkPush(STATED, CIPHERING);
    expect(frames).toHaveLength(3);
    expect(toHex(concat(frames.map((frame) => frame.bytes)))).toBe(toHex(STEIERMARK_PUSH.bytes));
  });

  it("changes the tag, not the ciphertext, when only the authentication key differs", () => {
    const other = encodeSteiermarkPush(STATED, {
      ...CIPHERING,
      keys: { ...CIPHERING.keys, authenticationKey: new Uint8Array(16) },
    });
    const original = hdlcApdu(STEIERMARK_PUSH.bytes);
    const changed = hdlcApdu(concat(other.map((frame) => frame.bytes)));
    expect(toHex(changed.subarray(0, -12))).toBe(toHex(original.subarray(0, -12)));
    expect(toHex(changed.subarray(-12))).not.toBe(toHex(original.subarray(-12)));
  });
});
