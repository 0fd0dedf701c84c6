import { describe, expect, it } from "vitest";
import { ModeCSession } from "../../../src/reader/mode-c-session.js";
import { describeLog, FakeMeter, simulate } from "./fake-meter.js";
import { bytesOf, E350_READOUT, fixture } from "../iec62056/fixture-cases.js";

const payload = fixture(E350_READOUT).payload;
/** STX … ETX BCC of the real E350 capture. */
const readout = bytesOf(payload.slice(payload.indexOf("\x02")));
const badBcc = readout.map((b, i) => (i === readout.length - 1 ? b ^ 0x40 : b));
const E350 = "LGZ4ZMF100AC.M26";
const POLL = { pollIntervalMs: 60_000 };

describe("mode C readout session against a scripted meter", () => {
  it("signs on, ACKs with the meter's baud char, switches 300 ms later, reads, and polls again", () => {
    const log = simulate(POLL, new FakeMeter({ identification: E350, readout }), 61_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      '400 write "\\u0006040\\r\\n"',
      "700 configure 4800",
      "900 snapshot 13647123 (22 readings)",
      "60000 configure 300",
      '60000 write "/?!\\r\\n"',
      '60400 write "\\u0006040\\r\\n"',
      "60700 configure 4800",
      "60900 snapshot 13647123 (22 readings)",
    ]);
    const snapshot = log.find((l) => l.action.kind === "snapshot")?.action;
    if (snapshot?.kind !== "snapshot") throw new Error("no snapshot");
    expect(snapshot.snapshot.source).toBe("iec62056-21-readout");
    expect(snapshot.snapshot.readings.find((r) => r.obis === "1.8.1")?.value).toEqual({
      kind: "number",
      exact: { raw: 42951721n, scaler: -3 },
      unit: "kWh",
    });
    // Every line was a data set: nothing was skipped with an "iec-unparsed-lines" issue.
    expect(log.filter((l) => l.action.kind === "issue")).toEqual([]);
  });

  it("reads a readout that arrives in pieces, through an optical head that echoes the writes", () => {
    const meter = new FakeMeter({ identification: E350, readout, chunkBytes: 7, echo: true });
    const snapshots = describeLog(simulate(POLL, meter, 5_000)).filter((l) => l.includes("snapshot"));
    expect(snapshots).toEqual([
      `${900 + 20 * Math.floor((readout.length - 1) / 7)} snapshot 13647123 (22 readings)`,
    ]);
  });

  it("caps the change-over at maxBaudRate and uses the device address", () => {
    const log = simulate(
      { ...POLL, maxBaudRate: 2400, address: "13647123" },
      new FakeMeter({ identification: E350, readout }),
      1_000,
    );
    expect(describeLog(log).slice(0, 4)).toEqual([
      "0 configure 300",
      '0 write "/?13647123!\\r\\n"',
      '400 write "\\u0006030\\r\\n"',
      "700 configure 2400",
    ]);
  });

  it("stays at 300 Bd without a configure when the meter offers no more ('0')", () => {
    const log = simulate(POLL, new FakeMeter({ identification: "LGZ0ZMF100AC.M26", readout }), 1_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      '400 write "\\u0006000\\r\\n"',
      "900 snapshot 13647123 (22 readings)",
    ]);
  });

  it("reports a BCC mismatch and retries after the backoff", () => {
    const log = simulate(POLL, new FakeMeter({ identification: E350, readout: badBcc }), 3_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      '400 write "\\u0006040\\r\\n"',
      "700 configure 4800",
      "900 issue checksum",
      "2900 configure 300",
      '2900 write "/?!\\r\\n"',
    ]);
    const issue = log[4]?.action;
    expect(issue?.kind === "issue" && issue.issue.message).toMatch(
      /^readout rejected: block check character mismatch \(BCC sent 41, computed 01\); retrying in 2 s$/,
    );
  });

  it("times out without an identification, backs off 2 s, 4 s, then reads and keeps the poll cadence", () => {
    const meter = new FakeMeter({ identification: E350, readout, silentSignOns: 2 });
    const log = describeLog(simulate(POLL, meter, 70_000));
    expect(log).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      "1500 issue iec-no-identification",
      "3500 configure 300",
      '3500 write "/?!\\r\\n"',
      "5000 issue iec-no-identification",
      "9000 configure 300",
      '9000 write "/?!\\r\\n"',
      '9400 write "\\u0006040\\r\\n"',
      "9700 configure 4800",
      "9900 snapshot 13647123 (22 readings)",
      "69000 configure 300",
      '69000 write "/?!\\r\\n"',
      '69400 write "\\u0006040\\r\\n"',
      "69700 configure 4800",
      "69900 snapshot 13647123 (22 readings)",
    ]);
  });

  it("caps the retry delay", () => {
    const meter = new FakeMeter({ identification: E350, readout, silentSignOns: Infinity });
    const log = simulate({ ...POLL, retryDelayMs: 1000, maxRetryDelayMs: 3000 }, meter, 20_000);
    const signOns = log.filter((l) => l.action.kind === "write").map((l) => l.at);
    // Each attempt waits 1500 ms for the identification, then 1 s, 2 s, 3 s, 3 s … before the next.
    expect(signOns).toEqual([0, 2500, 6000, 10500, 15000, 19500]);
  });

  it("reports a readout that stops arriving", () => {
    const log = simulate(POLL, new FakeMeter({ identification: E350, readout, noReadout: true }), 6_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      '400 write "\\u0006040\\r\\n"',
      "700 configure 4800",
      "5700 issue iec-readout-timeout",
    ]);
  });

  it("recognises a mode E meter, says so plainly and does not ACK", () => {
    const meter = new FakeMeter({ identification: "LGZ5\\2ZMD3104407.B24", readout });
    const log = simulate(POLL, meter, 120_000);
    expect(describeLog(log)).toEqual(["0 configure 300", '0 write "/?!\\r\\n"', "400 issue iec-mode-e"]);
    const issue = log[2]?.action;
    expect(issue?.kind === "issue" && issue.issue.message).toContain(
      "this meter speaks IEC 62056-21 mode E (HDLC/DLMS)",
    );
    expect(issue?.kind === "issue" && issue.issue.message).toContain(
      "reading it over the optical port needs the DLMS client, not yet supported",
    );
  });

  it("reads a mode E meter in mode C when readoutOnModeE is set", () => {
    const meter = new FakeMeter({ identification: "LGZ5\\2ZMD3104407.B24", readout });
    const log = simulate({ ...POLL, readoutOnModeE: true }, meter, 1_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      '400 write "\\u0006050\\r\\n"',
      "700 configure 9600",
      "900 snapshot 13647123 (22 readings)",
    ]);
  });

  it("follows a mode B meter to its rate at once, without an ACK (§6.4.2)", () => {
    const log = simulate(POLL, new FakeMeter({ identification: "LGZEZMF100AC.M26", readout }), 2_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      "400 configure 9600",
      "1000 snapshot 13647123 (22 readings)",
    ]);
  });

  it("reports a mode B meter that switches above maxBaudRate", () => {
    const meter = new FakeMeter({ identification: "LGZEZMF100AC.M26", readout });
    const log = simulate({ ...POLL, maxBaudRate: 4800 }, meter, 1_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      "400 issue iec-baud-above-maximum",
    ]);
  });

  it("reads a mode A meter at 300 Bd without an ACK", () => {
    const log = simulate(POLL, new FakeMeter({ identification: "LGZ:ZMF100AC.M26", readout }), 2_000);
    expect(describeLog(log)).toEqual([
      "0 configure 300",
      '0 write "/?!\\r\\n"',
      "1000 snapshot 13647123 (22 readings)",
    ]);
  });

  it("refuses an address that would end the request early", () => {
    expect(() => new ModeCSession({ ...POLL, address: "12!34" })).toThrowError(/address/);
  });
});
