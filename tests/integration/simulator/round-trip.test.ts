/**
 * simulate → bytes → decode → identical readings, for every format. Uses the
 * project decoder's decodeBytes; the faulty variants check that a decoder fed the simulator's faults
 * emits nothing wrong.
 */
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { applyLinkFaults } from "../../../src/simulator/faults.js";
import {
  createMeterState,
  FORMAT_NAMES,
  FORMATS,
  type FormatName,
  nextPush,
  type PushOptions,
  type RenderedPush,
  SIMULATOR_DEFAULT_KEYS,
} from "../../../src/simulator/index.js";
import { SeededStream } from "../../../src/simulator/random.js";
import { expectedSnapshot, expectSnapshotMatches, snapshotMatches } from "./expected-readings.js";

const SUMMER = Date.UTC(2026, 5, 15, 10, 0, 0);
const WINTER = Date.UTC(2026, 0, 12, 18, 30, 0);
const PUSH_MS = 5000;

function simulate(
  format: FormatName,
  start: number,
  count: number,
  optionsFor: (index: number) => PushOptions = () => ({}),
) {
  const state = createMeterState({ seed: 31, start, photovoltaicPeakWatts: 7000 });
  const pushes: RenderedPush[] = [];
  const chunks: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const options = optionsFor(index);
    const push = nextPush(format, state, start + index * PUSH_MS, options);
    pushes.push(push);
    chunks.push(applyLinkFaults(push.frames, options.faults ?? {}, state.faultStream));
  }
  return { pushes, bytes: Uint8Array.from(Buffer.concat(chunks)) };
}

function decode(format: FormatName, bytes: Uint8Array) {
  return decodeBytes(bytes, {
    encryptionKey: SIMULATOR_DEFAULT_KEYS.encryptionKey,
    authenticationKey: SIMULATOR_DEFAULT_KEYS.authenticationKey,
    layout: FORMATS[format].decoderLayout ?? "auto",
  });
}

describe.each(FORMAT_NAMES)("round trip: %s", (format) => {
  it.each([
    ["summer", SUMMER],
    ["winter", WINTER],
  ])("decodes three %s pushes to exactly the simulated readings", (_season, start) => {
    const { pushes, bytes } = simulate(format, start, 3);
    const result = decode(format, bytes);
    expect(result.snapshots).toHaveLength(3);
    result.snapshots.forEach((snapshot, index) => {
      const { context } = pushes[index]!;
      expectSnapshotMatches(snapshot, expectedSnapshot(format, context));
      if (FORMATS[format].encrypted) {
        expect(snapshot.systemTitle?.toUpperCase()).toBe(
          Buffer.from(context.identity.systemTitle).toString("hex").toUpperCase(),
        );
        expect(snapshot.frameCounter).toBe(context.frameCounter);
      }
    });
  });

  it("decodes the pushes around one with a corrupted checksum, and nothing from it", () => {
    const { pushes, bytes } = simulate(format, SUMMER, 3, (index) =>
      index === 1 ? { faults: { corruptChecksumRate: 1 } } : {},
    );
    const result = decode(format, bytes);
    expect(result.snapshots).toHaveLength(2);
    expectSnapshotMatches(result.snapshots[0]!, expectedSnapshot(format, pushes[0]!.context));
    expectSnapshotMatches(result.snapshots[1]!, expectedSnapshot(format, pushes[2]!.context));
    expect(result.issues.length).toBeGreaterThan(0);
  });

  it("decodes every push despite garbage between the frames", () => {
    const { pushes, bytes } = simulate(format, SUMMER, 3, () => ({ faults: { garbageRate: 1 } }));
    const result = decode(format, bytes);
    expect(result.snapshots).toHaveLength(3);
    result.snapshots.forEach((snapshot, index) => {
      expectSnapshotMatches(snapshot, expectedSnapshot(format, pushes[index]!.context));
    });
  });

  it("never emits a wrong reading from a line that drops bytes", () => {
    const { pushes, bytes } = simulate(format, SUMMER, 12, () => ({ faults: { dropByteRate: 0.002 } }));
    const expected = pushes.map((push) => expectedSnapshot(format, push.context));
    for (const snapshot of decode(format, bytes).snapshots) {
      expect(expected.some((candidate) => snapshotMatches(snapshot, candidate))).toBe(true);
    }
  });
});

describe.each(FORMAT_NAMES.filter((format) => FORMATS[format].encrypted))(
  "round trip with cipher faults: %s",
  (format) => {
    it("emits nothing from a push ciphered with another key, and says why", () => {
      const { pushes, bytes } = simulate(format, SUMMER, 3, (index) =>
        index === 1 ? { faults: { wrongKeyRate: 1 } } : {},
      );
      const result = decode(format, bytes);
      expect(result.snapshots).toHaveLength(2);
      expectSnapshotMatches(result.snapshots[1]!, expectedSnapshot(format, pushes[2]!.context));
      expect(result.issues.length).toBeGreaterThan(0);
    });

    it("decodes pushes whose frame counter jumped", () => {
      const { pushes, bytes } = simulate(format, SUMMER, 3, (index) =>
        index === 1 ? { faults: { counterJumpRate: 1 } } : {},
      );
      const result = decode(format, bytes);
      expect(result.snapshots.map((snapshot) => snapshot.frameCounter)).toEqual(
        pushes.map((push) => push.context.frameCounter),
      );
    });
  },
);

it("uses a seeded fault stream: the same faulty bytes every run", () => {
  const run = () =>
    Buffer.from(
      simulate("swiss", SUMMER, 4, () => ({ faults: { dropByteRate: 0.01, garbageRate: 0.3 } })).bytes,
    ).toString("hex");
  expect(run()).toBe(run());
  expect(new SeededStream(1).next()).not.toBe(new SeededStream(2).next());
});
