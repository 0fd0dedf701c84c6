import { describe, expect, it } from "vitest";
import { chooseMeter, virtualMeterKey } from "../../../src/cli/history-meter.js";
import { meterIdentityOf } from "../../../src/meter/meter-identity.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { createMeterState, FORMATS, nextPush } from "../../../src/simulator/index.js";

describe("virtualMeterKey", () => {
  it("is the key the runtime gives the default virtual meter's unencrypted Swiss push", () => {
    // As `e450 run` without a key: the default seed, the "swiss" format (service/virtual-meter.ts).
    const start = Date.UTC(2026, 0, 1);
    const state = createMeterState({ start });
    const frames = Array.from(
      { length: 13 },
      (_, i) => nextPush("swiss", state, start + i * 5000).frames,
    ).flat();
    const decoded = decodeBytes(Uint8Array.from(Buffer.concat(frames.map((frame) => frame.bytes))), {
      layout: FORMATS.swiss.decoderLayout ?? "auto",
    });
    const keys = new Set(decoded.snapshots.map((snapshot) => meterIdentityOf(snapshot).key));
    expect([...keys]).toEqual([virtualMeterKey()]);
    expect(virtualMeterKey()).toMatch(/^\d{8}$/);
  });
});

describe("chooseMeter", () => {
  it("takes the virtual meter for an empty store and the only meter otherwise", () => {
    expect(chooseMeter(undefined, [])).toEqual({ ok: true, key: virtualMeterKey(), note: null });
    expect(chooseMeter(undefined, ["4c475a67cd397d94"])).toEqual({
      ok: true,
      key: "4c475a67cd397d94",
      note: null,
    });
  });

  it("refuses to guess among several meters, listing them", () => {
    expect(chooseMeter(undefined, ["a1", "b2"])).toEqual({
      ok: false,
      message: "--meter: the store holds several meters (a1, b2); name one",
    });
  });

  it("keys a given serial or system title as the MQTT topics do, and notes a meter new to the store", () => {
    expect(chooseMeter("4C475A67CD397D94", ["4c475a67cd397d94"])).toEqual({
      ok: true,
      key: "4c475a67cd397d94",
      note: null,
    });
    expect(chooseMeter(" 12345678 ", ["a1"])).toEqual({
      ok: true,
      key: "12345678",
      note: "meter 12345678 is new to the store (it holds a1)",
    });
    expect(chooseMeter("#/", [])).toEqual({
      ok: false,
      message: '--meter: "#/" has no letter or digit to key a meter by',
    });
  });
});
