import { describe, expect, it } from "vitest";
import { FORMAT_NAMES, FORMATS } from "../../../src/simulator/formats/index.js";
import {
  createMeterState,
  generatePush,
  nextPush,
  SIMULATOR_DEFAULT_KEYS,
} from "../../../src/simulator/virtual-meter.js";
import { toHex } from "./captures.js";
import { decipherGlo, gcmTag, hdlcApdu } from "./decrypt.js";

const START = Date.UTC(2026, 4, 4, 9, 39, 21);

describe("virtual meter", () => {
  it.each(FORMAT_NAMES)("renders %s pushes deterministically from seed and time", (format) => {
    const run = () => {
      const state = createMeterState({ seed: 12, start: START });
      return [0, 5000, 10_000].map((offset) => toHex(generatePush(format, state, START + offset)));
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(new Set(first).size).toBe(3); // every push differs (time, counters)
  });

  it("steps invoke-id per push and the frame counter per encrypted push", () => {
    const state = createMeterState({ seed: 1, start: START });
    const first = nextPush("burgenland", state, START);
    const second = nextPush("burgenland", state, START + 5000);
    expect(second.context.invokeId).toBe(first.context.invokeId + 1);
    expect(second.context.frameCounter).toBe(first.context.frameCounter + 1);
    const apdu = hdlcApdu(generatePush("burgenland", state, START + 10_000));
    expect(decipherGlo(apdu, SIMULATOR_DEFAULT_KEYS.encryptionKey).frameCounter).toBe(
      first.context.frameCounter + 2,
    );
  });

  it("uses the frame counter as the Steiermark invoke-id, as the captures do", () => {
    const state = createMeterState({ seed: 1, start: START });
    const push = nextPush("steiermark", state, START);
    const bytes = Buffer.concat(push.frames.map((frame) => frame.bytes));
    const plaintext = decipherGlo(hdlcApdu(bytes), SIMULATOR_DEFAULT_KEYS.encryptionKey).plaintext;
    expect(Buffer.from(plaintext.subarray(1, 5)).readUInt32BE(0)).toBe(push.context.frameCounter);
  });

  it("ciphers with the configured keys so that the GCM tag verifies", () => {
    const state = createMeterState({ seed: 1, start: START });
    const apdu = hdlcApdu(generatePush("steiermark", state, START));
    const deciphered = decipherGlo(apdu, SIMULATOR_DEFAULT_KEYS.encryptionKey);
    expect(deciphered.plaintext[0]).toBe(0x0f);
    expect(toHex(deciphered.tag!)).toBe(
      toHex(
        gcmTag(deciphered, SIMULATOR_DEFAULT_KEYS.encryptionKey, SIMULATOR_DEFAULT_KEYS.authenticationKey),
      ),
    );
  });

  it("ciphers with another key under the wrong-key fault", () => {
    const state = createMeterState({ seed: 1, start: START });
    const apdu = hdlcApdu(generatePush("burgenland", state, START, { faults: { wrongKeyRate: 1 } }));
    const deciphered = decipherGlo(apdu, SIMULATOR_DEFAULT_KEYS.encryptionKey);
    expect(deciphered.plaintext[0]).not.toBe(0x0f);
    expect(toHex(deciphered.tag!)).not.toBe(
      toHex(
        gcmTag(deciphered, SIMULATOR_DEFAULT_KEYS.encryptionKey, SIMULATOR_DEFAULT_KEYS.authenticationKey),
      ),
    );
  });

  it("skips frame counters under the counter-jump fault", () => {
    const state = createMeterState({ seed: 1, start: START });
    const first = nextPush("wiener-netze", state, START).context.frameCounter;
    const jumped = nextPush("wiener-netze", state, START + 5000, { faults: { counterJumpRate: 1 } }).context
      .frameCounter;
    expect(jumped - first).toBeGreaterThanOrEqual(2);
  });

  it("refuses fault rates outside 0…1", () => {
    const state = createMeterState({ seed: 1, start: START });
    expect(() => generatePush("swiss", state, START, { faults: { dropByteRate: 2 } })).toThrow(
      /dropByteRate/,
    );
  });

  it("has the real push interval and line of every push format", () => {
    const swiss = FORMATS.swiss;
    expect(swiss.mode === "push" && swiss.pushIntervalMs).toBe(5000);
    expect(FORMATS.swiss.line).toMatch(/2400 8E1/);
    expect(FORMATS["wiener-netze"].line).toMatch(/9600 8N1/);
    expect(FORMATS["iec62056-21"].mode).toBe("dialogue");
  });
});
