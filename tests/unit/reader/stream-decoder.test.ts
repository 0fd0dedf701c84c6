/**
 * The stream decoder over simulated E450 pushes: frame-counter tracking (duplicates, replays, gaps),
 * a wrong key told apart from line noise and said once, and every rejection counted by reason.
 */
import { describe, expect, it } from "vitest";
import { StreamDecoder, type StreamEvent } from "../../../src/reader/stream-decoder.js";
import { createMeterState, generatePush, SIMULATOR_DEFAULT_KEYS } from "../../../src/simulator/index.js";
import { caseBytes, REAL_FRAMES } from "../../helpers/real-frames.js";

const START = Date.UTC(2026, 2, 1, 9);

function pushes(count: number, format: "steiermark" | "burgenland" = "burgenland") {
  const state = createMeterState({ start: START });
  return Array.from({ length: count }, (_, i) => generatePush(format, state, START + (i + 1) * 5_000));
}

function feed(decoder: StreamDecoder, stream: readonly Uint8Array[]): StreamEvent[] {
  return stream.flatMap((bytes, i) => decoder.push(bytes, i * 5_000));
}

const snapshots = (events: StreamEvent[]) => events.filter((e) => e.kind === "snapshot");
const issueCodes = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.kind === "issue" ? [e.issue.code] : []));

describe("frame-counter tracking", () => {
  it("flags a repeated push as a duplicate and does not emit it twice", () => {
    const [first, second] = pushes(2);
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    const events = feed(decoder, [first!, second!, second!]);
    expect(snapshots(events)).toHaveLength(2);
    expect(issueCodes(events)).toEqual(["duplicate"]);
    expect(decoder.stats.rejected.get("duplicate")).toBe(1);
  });

  it("ignores an older push replayed later", () => {
    const stream = pushes(3);
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    const events = feed(decoder, [stream[0]!, stream[2]!, stream[1]!]);
    expect(snapshots(events)).toHaveLength(2);
    expect(issueCodes(events)).toEqual(["replay"]);
  });

  it("counts the pushes lost in a counter gap", () => {
    const stream = pushes(6);
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    feed(decoder, [stream[0]!, stream[1]!, stream[5]!]);
    expect(decoder.stats.lostFrames).toBe(3);
  });

  it("accepts a meter whose counter restarted, after a few pushes that prove it", () => {
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    feed(decoder, pushes(3));
    // Same meter (same seed, same system title), counter far below: a replay at first, a reset once it keeps counting.
    const state = createMeterState({ start: START });
    state.frameCounter = 5;
    const restarted = Array.from({ length: 4 }, (_, i) =>
      generatePush("burgenland", state, START + (10 + i) * 5_000),
    );
    const events = feed(decoder, restarted);
    expect(issueCodes(events)).toEqual(["replay", "replay"]);
    expect(snapshots(events)).toHaveLength(2);
  });
});

describe("wrong key", () => {
  it("says once, in plain words, that the key does not match, then counts", () => {
    const stream = pushes(5, "steiermark");
    const decoder = new StreamDecoder({ encryptionKey: new Uint8Array(16).fill(7) });
    const events = feed(decoder, stream);
    expect(snapshots(events)).toEqual([]);
    const wrongKey = events.filter((e) => e.kind === "issue" && e.issue.code === "wrong-key");
    expect(wrongKey).toHaveLength(1);
    expect(wrongKey[0]?.kind === "issue" && wrongKey[0].issue.message).toMatch(
      /^the encryption key does not match this meter/,
    );
    expect(decoder.stats.decryptionFailures).toBe(5);
  });

  it("tells a wrong authentication key from a wrong encryption key", () => {
    const stream = pushes(3, "steiermark");
    const decoder = new StreamDecoder({ ...SIMULATOR_DEFAULT_KEYS, authenticationKey: new Uint8Array(16) });
    const events = feed(decoder, stream);
    const messages = events.flatMap((e) => (e.kind === "issue" ? [e.issue.message] : []));
    expect(messages[0]).toMatch(/authentication key does not match this meter \(the encryption key does\)/);
  });

  it("decodes the pushes sealed with the right key between wrongly keyed ones", () => {
    const state = createMeterState({ start: START });
    const stream = Array.from({ length: 60 }, (_, i) =>
      generatePush("steiermark", state, START + (i + 1) * 5_000, { faults: { wrongKeyRate: 0.3 } }),
    );
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    const decoded = snapshots(feed(decoder, stream)).length;
    expect(decoded).toBeGreaterThan(30);
    expect(decoded + decoder.stats.decryptionFailures).toBe(60);
  });

  it("asks for the key when none is configured", () => {
    const events = feed(new StreamDecoder({}), pushes(1, "steiermark"));
    expect(issueCodes(events)).toEqual(["missing-key"]);
  });
});

describe("line noise", () => {
  it("counts corrupt frames by reason and still decodes the good ones", () => {
    const state = createMeterState({ start: START });
    const stream = Array.from({ length: 200 }, (_, i) =>
      generatePush("burgenland", state, START + (i + 1) * 5_000, {
        faults: { corruptChecksumRate: 0.2, garbageRate: 0.2 },
      }),
    );
    const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
    const events = feed(decoder, stream);
    const fcs = decoder.stats.rejected.get("fcs") ?? 0;
    expect(fcs).toBeGreaterThan(10);
    expect(snapshots(events).length + fcs).toBe(200);
    expect(issueCodes(events)).not.toContain("wrong-key");
  });
});

describe("meter identity on one line", () => {
  /** A Swiss-style push whose list names no serial: push setup + 1-0:1.7.0 = 300 W (hand-built A-XDR). */
  const anonymousPush = Buffer.from(
    [
      "0F 00000001 00", // data-notification, invoke id 1, no date-time
      "02 02 01 02", // structure(2): the list, array(2) of capture objects
      "02 04 12 0028 09 06 0008190900FF 0F 02 12 0000", // {40, 0-8:25.9.0.255, 2, 0}
      "02 04 12 0003 09 06 0100010700FF 0F 02 12 0000", // {3, 1-0:1.7.0.255, 2, 0}
      "06 0000012C", // 300
    ]
      .join("")
      .replaceAll(" ", ""),
    "hex",
  );

  it("gives a push without a serial the meter the line last named", () => {
    const named = REAL_FRAMES.find((c) => c.id === "e450-ch-raw-apdu-per-phase-power")!;
    const decoder = new StreamDecoder();
    const meterOf = (events: StreamEvent[]) => {
      const [event] = snapshots(events);
      return event?.kind === "snapshot" ? event.snapshot.meterId : undefined;
    };
    expect(meterOf(new StreamDecoder().pushApdu(anonymousPush, 0))).toBeNull();
    expect(meterOf(decoder.pushApdu(caseBytes(named), 0))).toBe("63316890");
    expect(meterOf(decoder.pushApdu(anonymousPush, 5_000))).toBe("63316890");
  });
});

describe("P1 telegrams (the E360 capture lg-e360-dsmr-p1-gh382-1, CRC !2154)", () => {
  const e360 = REAL_FRAMES.find((c) => c.id === "lg-e360-dsmr-p1-gh382-1")!;
  const text = e360.payload;
  const bytesOf = (telegram: string) => Uint8Array.from(Buffer.from(telegram, "latin1"));
  const withoutCrc = text.replace("!2154\r\n", "!\r\n");
  const issuesOf = (events: StreamEvent[]) => events.flatMap((e) => (e.kind === "issue" ? [e.issue] : []));

  it("finishes a complete telegram whose CR LF the input cut off", () => {
    const whole = new StreamDecoder();
    const expected = snapshots([...whole.push(bytesOf(text), 0), ...whole.finish(0)]);
    const decoder = new StreamDecoder();
    const events = [...decoder.push(bytesOf(text.slice(0, -2)), 0), ...decoder.finish(0)];
    expect(issuesOf(events)).toEqual([]);
    expect(snapshots(events)).toEqual(expected);
    expect(expected).toHaveLength(1);
  });

  it("says why at the end of the input when a cut telegram cannot be finished", () => {
    const decoder = new StreamDecoder();
    const cut = text.slice(0, text.indexOf("!2154") + 1);
    const events = [...decoder.push(bytesOf(cut), 0), ...decoder.finish(0)];
    expect(snapshots(events)).toEqual([]);
    expect(issuesOf(events)).toEqual([
      {
        code: "frame-truncated",
        message:
          "frame discarded (truncated: input ended at the telegram's '!': its CRC digits may have been cut off)",
      },
    ]);
    expect(decoder.stats.rejected.get("truncated")).toBe(1);
  });

  it("rejects a telegram stripped of its CRC once the line has sent CRC-protected ones, across reconnects", () => {
    const decoder = new StreamDecoder();
    const events = [
      ...decoder.push(bytesOf(text), 0),
      ...decoder.push(bytesOf(withoutCrc), 10_000),
      ...decoder.linkUp(15_000),
      ...decoder.push(bytesOf(withoutCrc), 20_000),
    ];
    expect(snapshots(events)).toHaveLength(1);
    expect(issuesOf(events)).toEqual([
      {
        code: "crc-missing",
        message:
          "P1 telegram without CRC rejected: this meter sends CRC-protected telegrams, so its CRC was lost or removed",
      },
      {
        code: "crc-missing",
        message:
          "P1 telegram without CRC rejected: this meter sends CRC-protected telegrams, so its CRC was lost or removed",
      },
    ]);
    expect(decoder.stats.rejected.get("crc-missing")).toBe(2);
  });

  it("still accepts telegrams without CRC on a line that never sent one (DSMR 2.x/3)", () => {
    const decoder = new StreamDecoder();
    const events = [...decoder.push(bytesOf(withoutCrc), 0), ...decoder.push(bytesOf(withoutCrc), 10_000)];
    expect(issuesOf(events)).toEqual([]);
    expect(snapshots(events)).toHaveLength(2);
  });
});

describe("an empty readout in line noise (its one-byte BCC matches 1 time in 256)", () => {
  const e350 = REAL_FRAMES.find((c) => c.id === "lgz-e350-zmf100-iec62056-21-modeC-readout")!;
  // STX "!" CR LF ETX and the BCC, the XOR of "!" CR LF ETX: a readout with no data set at all.
  const emptyReadout = Uint8Array.of(0x02, 0x21, 0x0d, 0x0a, 0x03, 0x21 ^ 0x0d ^ 0x0a ^ 0x03);

  it("is rejected with a counted reason and an issue, never a snapshot", () => {
    const decoder = new StreamDecoder();
    const events = [
      ...decoder.push(Uint8Array.of(0x55, 0xaa, ...emptyReadout, 0x13), 0),
      ...decoder.push(caseBytes(e350), 1_000),
      ...decoder.finish(2_000),
    ];
    const found = snapshots(events);
    expect(found).toHaveLength(1);
    expect(found[0]?.kind === "snapshot" && found[0].snapshot.meterId).toBe("13647123");
    expect(issueCodes(events)).toEqual(["malformed"]);
    expect(decoder.stats.rejected.get("malformed")).toBe(1);
  });
});
