import { describe, expect, it } from "vitest";
import {
  type BurgenlandPushValues,
  encodeBurgenlandPlaintext,
  encodeBurgenlandPush,
} from "../../../../src/simulator/formats/burgenland.js";
import { BURGENLAND_PUSH, toHex } from "../captures.js";
import { decipherGlo, hdlcApdu } from "../decrypt.js";

/** gh501-1 decoded (amsreader-firmware README, tosog/nbsm offsets); 2023-03-28 19:11:20 was a Tuesday. */
const GH501_1: BurgenlandPushValues = {
  invokeId: 0x002180fc,
  notificationTime: {
    local: { year: 2023, month: 3, day: 28, hour: 19, minute: 11, second: 20 },
    weekday: 2,
    status: 0,
  },
  voltages: [236, 237, 236],
  currentsCentiamps: [0, 4, 26],
  activePowerImport: 29,
  activePowerExport: 0,
  activeEnergyImport: 31358606,
  activeEnergyExport: 7619,
  undocumented: [400, 53, 295],
  meterId: "30137181",
};

describe("burgenland push", () => {
  it("encodes the capture's values to exactly its plaintext", () => {
    const captured = decipherGlo(hdlcApdu(BURGENLAND_PUSH.bytes), BURGENLAND_PUSH.encryptionKey);
    expect(toHex(encodeBurgenlandPlaintext(GH501_1))).toBe(toHex(captured.plaintext));
  });

  it("rebuilds the captured single HDLC frame (no GBT, SC 0x30 with tag) byte for byte", () => {
    const frames = encodeBurgenlandPush(GH501_1, {
      systemTitle: BURGENLAND_PUSH.systemTitle,
      frameCounter: BURGENLAND_PUSH.frameCounter,
      keys: {
        encryptionKey: BURGENLAND_PUSH.encryptionKey,
        authenticationKey: BURGENLAND_PUSH.authenticationKey,
      },
    });
    expect(frames).toHaveLength(1);
    expect(toHex(frames[0]!.bytes)).toBe(toHex(BURGENLAND_PUSH.bytes));
  });
});
