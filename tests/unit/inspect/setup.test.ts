import { describe, expect, it } from "vitest";
import type { MeterDiagnostics } from "../../../src/bus/events.js";
import { crc16x25 } from "../../../src/framing/crc.js";
import { setupReport } from "../../../src/inspect/setup.js";
import type { SetupObservation, SetupReport } from "../../../src/inspect/setup-types.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const NOW = 1_780_000_000_000;
const M_BUS = { baudRate: 2400, dataBits: 8, parity: "even", stopBits: 1 } as const;
const OPTICAL = { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 } as const;

function observe(overrides: Partial<SetupObservation> = {}): SetupObservation {
  return {
    now: NOW,
    watchingSince: NOW - 120_000,
    link: "up",
    line: { format: M_BUS, hunting: false },
    traffic: [],
    frames: [],
    issues: [],
    diagnostics: null,
    latest: null,
    keys: {},
    ...overrides,
  };
}

const caseOf = (id: string) => REAL_FRAMES.find((testCase) => testCase.id === id)!;

/** The link frames of a capture as the runtime publishes them (`frame` events), a second apart. */
function framesOf(id: string): { at: number; raw: Uint8Array }[] {
  const events = new StreamDecoder().push(caseBytes(caseOf(id)), 0);
  const raws = events.flatMap((event) => (event.kind === "frame" ? [event.raw] : []));
  return raws.map((raw, index) => ({ at: NOW - (raws.length - index) * 1000, raw }));
}

function trafficOf(frames: readonly { at: number; raw: Uint8Array }[]) {
  return frames.map((frame) => ({ at: frame.at, bytes: frame.raw.length }));
}

function snapshotOf(id: string, keys = caseKeys(caseOf(id))): Snapshot {
  return decodeBytes(caseBytes(caseOf(id)), keys).snapshots[0]!;
}

const codes = (report: SetupReport) => report.advice.map((advice) => `${advice.level} ${advice.code}`);
const headline = (report: SetupReport) => report.advice[0]!;

/** An HDLC UI frame as an E450 sends it (IEC 62056-46 §6.3), carrying `apdu` after the LLC header. */
function hdlcFrame(apdu: Uint8Array): Uint8Array {
  const header = [0xa0, 0, 0xce, 0xff, 0x03, 0x13];
  const length = header.length + 2 + 3 + apdu.length + 2;
  header[0] = 0xa0 | (length >> 8);
  header[1] = length & 0xff;
  const hcs = crc16x25(Uint8Array.from(header));
  const body = [...header, hcs & 0xff, hcs >> 8, 0xe6, 0xe7, 0x00, ...apdu];
  const fcs = crc16x25(Uint8Array.from(body));
  return Uint8Array.from([0x7e, ...body, fcs & 0xff, fcs >> 8, 0x7e]);
}

describe("setupReport: the link and the line", () => {
  it("says the port is not open, with the transport's reason", () => {
    const report = setupReport(observe({ link: "down", linkReason: "/dev/ttyUSB0: no such file" }));
    expect(report.advice).toEqual([
      {
        level: "error",
        code: "link-down",
        text: "The serial port or bridge is not open (/dev/ttyUSB0: no such file): check that the adapter is plugged in and that the device in the options exists (a /dev/serial/by-id/… path survives a reboot).",
      },
    ]);
  });

  it("waits while the port opens", () => {
    expect(codes(setupReport(observe({ link: "connecting" })))).toEqual(["warn link-connecting"]);
  });

  it("asks for patience in the first seconds", () => {
    const report = setupReport(observe({ watchingSince: NOW - 8_000 }));
    expect(headline(report)).toEqual({
      level: "ok",
      code: "listening",
      text: "Listening for 8 s. The E450 pushes every 5 to 10 seconds: wait a little.",
    });
  });

  it("points at the cable and the adapter when no byte came for 30 s", () => {
    const report = setupReport(observe());
    expect(report).toMatchObject({
      bytesPerSecond: 0,
      framing: "nothing",
      serialFormat: "8E1",
      baudRate: 2400,
    });
    expect(headline(report).code).toBe("no-bytes");
    expect(headline(report).text).toMatch(/^No bytes at all for 120 s: check the cable .* M-Bus slave/);
  });

  it("says no frame (not no bytes) when nothing counts the bytes", () => {
    const report = setupReport(observe({ traffic: null }));
    expect(report.framing).toBeNull();
    expect(headline(report).text).toMatch(/^No frame for 120 s: check the cable/);
  });

  it("blames the line settings for bytes that form no frame", () => {
    const traffic = Array.from({ length: 60 }, (_, index) => ({
      at: NOW - 60_000 + index * 1000,
      bytes: 240,
    }));
    const report = setupReport(observe({ traffic }));
    expect(report).toMatchObject({ bytesPerSecond: 240, framing: "noise", encrypted: null });
    expect(headline(report)).toEqual({
      level: "error",
      code: "no-frame",
      text: `240 bytes per second arrive but form no frame: the baud rate or serial format is wrong. The E450's M-Bus customer interface sends at 2400 Bd 8E1, its optical port pushes at 9600 Bd 8N1, a P1 port at 115200 Bd 8N1. The port runs at 2400 Bd 8E1; set the baud rate to "auto" to let the add-on try them.`,
    });
    const hunting = setupReport(observe({ traffic, line: { format: OPTICAL, hunting: true } }));
    expect(headline(hunting).text).toMatch(/The add-on is trying them in turn \(now 9600 Bd 8N1\)\.$/);
    const bridge = setupReport(observe({ traffic, line: null }));
    expect(bridge).toMatchObject({ serialFormat: null, baudRate: null });
    expect(headline(bridge).text).toMatch(/Set this on the bridge's serial side\.$/);
  });

  it("recognises a 7E1 line read as 8 bits from the framer's note", () => {
    const traffic = [{ at: NOW - 5_000, bytes: 400 }];
    const issues = [
      {
        at: NOW - 5_000,
        issue: { code: "noise", message: "40 of 60 bytes have bit 7 set: a 7E1 line read as 8N1?" },
      },
    ];
    expect(headline(setupReport(observe({ traffic, issues }))).text).toMatch(/Most bytes have bit 7 set/);
  });

  it("blames parity or the connection when every frame fails its checksum", () => {
    const traffic = [{ at: NOW - 5_000, bytes: 400 }];
    const issues = [{ at: NOW - 5_000, issue: { code: "frame-fcs", message: "frame discarded (fcs)" } }];
    const report = setupReport(observe({ traffic, issues }));
    expect(headline(report)).toMatchObject({ level: "error", code: "checksum-errors" });
    expect(headline(report).text).toMatch(
      /^1 frame\(s\) in the last minute arrived with bad checksums and none decoded/,
    );
  });

  it("takes the rate over the time watched when that is shorter than a minute", () => {
    const report = setupReport(
      observe({ watchingSince: NOW - 20_000, traffic: [{ at: NOW - 1_000, bytes: 100 }] }),
    );
    expect(report.bytesPerSecond).toBe(5);
  });
});

describe("setupReport: the frames and the key", () => {
  const encrypted = framesOf("e450-at-enc-gbt-auth-1");
  const keys = caseKeys(caseOf("e450-at-enc-gbt-auth-1"));
  const flipped = (key: Uint8Array) => key.map((byte, index) => (index === 0 ? byte ^ 0xff : byte));

  it("asks for the key of encrypted frames, naming the meter", () => {
    const report = setupReport(observe({ frames: encrypted, traffic: trafficOf(encrypted) }));
    expect(report).toMatchObject({
      framing: "hdlc",
      encrypted: true,
      systemTitle: "4C475A677370B177",
      manufacturer: "Landis+Gyr (LGZ)",
      layout: null,
      lastFrameAt: NOW - 1000,
    });
    expect(headline(report)).toEqual({
      level: "error",
      code: "key-missing",
      text: "The frames are encrypted (system title 4C475A677370B177, Landis+Gyr (LGZ)): enter the encryption key your grid operator sent you (32 hex digits) in the options.",
    });
  });

  it("says the key is wrong when decryption fails", () => {
    const wrong = { ...keys, encryptionKey: flipped(keys.encryptionKey!) };
    const report = setupReport(observe({ frames: encrypted, keys: wrong }));
    expect(headline(report).code).toBe("key-wrong");
    expect(headline(report).text).toMatch(
      /^Decryption fails \(system title 4C475A677370B177, Landis\+Gyr \(LGZ\)\): the encryption key does not match/,
    );
    expect(JSON.stringify(report).toUpperCase()).not.toContain(
      Buffer.from(wrong.encryptionKey).toString("hex").toUpperCase(),
    );
  });

  it("tells a wrong authentication key apart, and that it may be left empty", () => {
    const wrong = { ...keys, authenticationKey: flipped(keys.authenticationKey!) };
    const report = setupReport(observe({ frames: encrypted, keys: wrong }));
    expect(headline(report).code).toBe("auth-key-wrong");
    expect(headline(report).text).toMatch(/leave it empty/);
  });

  it("trusts the runtime's wrong-key issue too", () => {
    const issues = [
      {
        at: NOW - 2_000,
        issue: { code: "wrong-key", message: "the encryption key does not match this meter" },
      },
    ];
    const report = setupReport(observe({ frames: encrypted.slice(0, 1), keys, issues }));
    expect(headline(report).code).toBe("key-wrong");
  });

  it("says when no known layout explains the pushes", () => {
    const apdu = caseBytes(caseOf("iskra-am550-si-positional-gh869-6"));
    const frames = [{ at: NOW - 3_000, raw: hdlcFrame(apdu) }];
    const report = setupReport(observe({ frames }));
    expect(report).toMatchObject({ framing: "hdlc", encrypted: false, layout: null });
    expect(headline(report).code).toBe("layout-unknown");
  });

  it("says when pushes arrive incomplete", () => {
    const report = setupReport(observe({ frames: framesOf("e450-ch-romande-incomplete-gbt") }));
    expect(headline(report)).toMatchObject({ level: "error", code: "push-incomplete" });
  });

  it("reports all good with the layout when pushes decode, and a key that is not needed", () => {
    const frames = framesOf("e450-ch-ekz-vse2026-hdlc-gbt");
    const latest = { at: NOW - 3_000, snapshot: snapshotOf("e450-ch-ekz-vse2026-hdlc-gbt") };
    const report = setupReport(
      observe({
        frames,
        traffic: trafficOf(frames),
        latest,
        keys: { encryptionKey: new Uint8Array(16).fill(7) },
      }),
    );
    expect(report).toMatchObject({
      bytesPerSecond: 8.4,
      framing: "hdlc",
      encrypted: false,
      systemTitle: null,
      manufacturer: "Landis+Gyr (LGZ)",
      layout: "push-object-list",
    });
    expect(report.advice).toEqual([
      {
        level: "ok",
        code: "decoded",
        text: 'Decoded: all good. The push layout "push-object-list" matched. The last push came 3 s ago.',
      },
      {
        level: "ok",
        code: "key-unused",
        text: "The pushes are not encrypted: the key in the options is not needed.",
      },
    ]);
  });

  it("notes bad checksums and held-back totals next to good pushes", () => {
    const frames = framesOf("e450-at-burgenland-positional-gh501-1");
    const snapshot = snapshotOf("e450-at-burgenland-positional-gh501-1");
    const diagnostics: MeterDiagnostics = {
      bytesReceived: 1600,
      framesReceived: 40,
      framesRejected: { fcs: 2 },
      lostFrames: 0,
      decryptionFailures: 0,
      lastFrameAt: NOW - 500,
      totalsHeldBack: 2,
      readingsRejected: {},
      stateWriteFailures: 0,
      lastStateError: null,
      line: null,
      clockOffsetSeconds: 1,
    };
    const issues = [
      { at: NOW - 9_000, issue: { code: "frame-fcs", message: "frame discarded (fcs)" } },
      { at: NOW - 4_000, issue: { code: "frame-fcs", message: "frame discarded (fcs)" } },
    ];
    const report = setupReport(
      observe({
        frames,
        issues,
        diagnostics,
        latest: { at: NOW - 1_000, snapshot },
        keys: caseKeys(caseOf("e450-at-burgenland-positional-gh501-1")),
      }),
    );
    expect(report).toMatchObject({ encrypted: true, layout: "burgenland", lastFrameAt: NOW - 500 });
    expect(codes(report)).toEqual(["ok decoded", "warn checksum-errors", "warn totals-held"]);
    expect(report.advice[1]!.text).toMatch(/^2 frame\(s\) in the last minute had bad checksums/);
  });

  it("knows a P1 telegram from the decoded snapshot, as telegrams are no frame events", () => {
    const latest = { at: NOW - 2_000, snapshot: snapshotOf("lg-e360-dsmr-p1-gh382-1") };
    const report = setupReport(observe({ latest, traffic: [{ at: NOW - 2_000, bytes: 704 }], line: null }));
    expect(report).toMatchObject({ framing: "p1", encrypted: false });
    expect(codes(report)).toEqual(["ok decoded"]);
    expect(headline(report).text).toBe("Decoded: all good. The last readout came 2 s ago.");
  });

  it("looks only at the last minute", () => {
    const frames = framesOf("e450-at-enc-gbt-auth-1").map((frame) => ({ ...frame, at: frame.at - 120_000 }));
    const report = setupReport(observe({ watchingSince: NOW - 600_000, frames }));
    expect(report).toMatchObject({ framing: "nothing", encrypted: null, systemTitle: null });
    expect(headline(report).code).toBe("no-bytes");
  });
});
