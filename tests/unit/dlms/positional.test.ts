/**
 * Positional layouts on real captures: the Slovenian E450 (ZMXi3) pushes two lists in turn
 * (UtilitechAS/amsreader-firmware test/payloads/landis-gyr/em-si2026-1.hex and -2.hex, cases in
 * tests/fixtures/real-frames/more-frames.json), and an Iskraemeco list of the same shape
 * (test/payloads/iskraemeco/gh869-6.hex) must not be read as the E450's.
 */
import { describe, expect, it } from "vitest";
import type { DlmsData } from "../../../src/dlms/axdr.js";
import { readLayout } from "../../../src/dlms/layouts/detect.js";
import { positionalMismatch } from "../../../src/dlms/layouts/positional.js";
import { DecodeError } from "../../../src/model/issue.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const byId = (id: string) => caseBytes(REAL_FRAMES.find((c) => c.id === id)!);
const totals = byId("e450-si-positional-totals-em-si2026-1");
const phases = byId("e450-si-positional-phases-em-si2026-2");
const iskra = byId("iskra-am550-si-positional-gh869-6");

const number = (raw: bigint, scaler: number, unit: string | null) => ({
  kind: "number",
  exact: { raw, scaler },
  unit,
});

describe("Slovenian E450 (ZMXi3) positional lists", () => {
  it("reads the totals list with the serial as the meter and the push's date-time", () => {
    const { snapshots, issues } = decodeBytes(totals);
    expect(issues).toEqual([]);
    expect(snapshots).toHaveLength(1);
    const [snapshot] = snapshots;
    expect(snapshot?.meterId).toBe("999999999999");
    expect(snapshot?.meterTime).toBe("2026-09-08T00:24:39");
    expect(snapshot?.readings).toEqual([
      { obis: "0-0:96.1.0.255", value: { kind: "text", text: "999999999999" } },
      { obis: "1-0:1.7.0.255", value: number(513n, 0, "W") },
      { obis: "1-0:2.7.0.255", value: number(0n, 0, "W") },
      { obis: "1-0:3.7.0.255", value: number(60n, 0, "var") },
      { obis: "1-0:4.7.0.255", value: number(103n, 0, "var") },
      { obis: "1-0:1.8.0.255", value: number(65138118n, 0, "Wh") },
      { obis: "1-0:2.8.0.255", value: number(0n, 0, "Wh") },
      { obis: "1-0:3.8.0.255", value: number(6700576n, 0, "varh") },
      { obis: "1-0:4.8.0.255", value: number(2833350n, 0, "varh") },
    ]);
  });

  it("reads the phase list: whole Hz, currents in cA, whole volts, W per phase", () => {
    const { snapshots, issues } = decodeBytes(phases);
    expect(issues).toEqual([]);
    const [snapshot] = snapshots;
    expect(snapshot?.meterTime).toBe("2026-09-08T00:24:41");
    expect(snapshot?.readings).toEqual([
      { obis: "0-0:96.1.1.255", value: { kind: "text", text: "999999999999" } },
      { obis: "1-0:14.7.0.255", value: number(50n, 0, "Hz") },
      { obis: "1-0:31.7.0.255", value: number(105n, -2, "A") },
      { obis: "1-0:51.7.0.255", value: number(37n, -2, "A") },
      { obis: "1-0:71.7.0.255", value: number(120n, -2, "A") },
      { obis: "1-0:32.7.0.255", value: number(237n, 0, "V") },
      { obis: "1-0:52.7.0.255", value: number(236n, 0, "V") },
      { obis: "1-0:72.7.0.255", value: number(236n, 0, "V") },
      { obis: "1-0:21.7.0.255", value: number(221n, 0, "W") },
      { obis: "1-0:41.7.0.255", value: number(82n, 0, "W") },
      { obis: "1-0:61.7.0.255", value: number(205n, 0, "W") },
      { obis: "1-0:22.7.0.255", value: number(0n, 0, "W") },
      { obis: "1-0:42.7.0.255", value: number(0n, 0, "W") },
      { obis: "1-0:62.7.0.255", value: number(0n, 0, "W") },
    ]);
  });

  it("does not name the meter by the phase list's utility serial (96.1.1, not the 96.1.0 of the totals)", () => {
    expect(decodeBytes(phases).snapshots[0]?.meterId).toBeNull();
    // On the line the phase list belongs to the meter the totals list named.
    const decoder = new StreamDecoder();
    const events = [...decoder.push(totals, 0), ...decoder.push(phases, 2_000)];
    const ids = events.flatMap((e) => (e.kind === "snapshot" ? [e.snapshot.meterId] : []));
    expect(ids).toEqual(["999999999999", "999999999999"]);
  });

  it("reads both lists when the layout is named", () => {
    for (const bytes of [totals, phases]) {
      const { snapshots, issues } = decodeBytes(bytes, { layout: "slovenia" });
      expect(issues).toEqual([]);
      expect(snapshots).toHaveLength(1);
    }
  });
});

describe("Iskraemeco AM550 list of the same shape (gh869-6)", () => {
  it("is not read as the Slovenian E450 totals list: its first element is a list id, not a serial", () => {
    expect(decodeBytes(iskra)).toEqual({
      snapshots: [],
      issues: [
        {
          code: "unknown-layout",
          message: "no known push layout explains a body of structure(9) of octet-string, integer",
        },
      ],
    });
  });

  it("says why when the layout is forced", () => {
    expect(decodeBytes(iskra, { layout: "slovenia" }).issues).toEqual([
      {
        code: "unknown-layout",
        message:
          'the push does not have the "slovenia" layout: element 0 is not a serial number of ASCII digits',
      },
    ]);
  });

  it("tells which list of a layout of several lists a body fails, and how", () => {
    const burgenland = REAL_FRAMES.find((c) => c.id === "e450-at-burgenland-positional-gh501-1")!;
    // 14 elements like the Slovenian phase list, but led by a voltage, not a serial.
    expect(
      decodeBytes(caseBytes(burgenland), { ...caseKeys(burgenland), layout: "slovenia" }).issues,
    ).toEqual([
      {
        code: "unknown-layout",
        message:
          'push decrypted, but the push does not have the "slovenia" layout: element 0 has type integer, which the layout does not expect there',
      },
    ]);
    const short: DlmsData = { type: "structure", items: [{ type: "null" }, { type: "null" }] };
    expect(positionalMismatch("slovenia", short)).toBe("expected 9 or 14 elements, got 2");
    expect(() => readLayout(short, "slovenia")).toThrowError(DecodeError);
  });
});
