import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/model/issue.js";
import {
  createIec62056Framer,
  type ReadoutFrame,
  type TelegramFrame,
} from "../../../src/framing/iec62056-21.js";
import { decodeIec62056Frame, readoutToSnapshot } from "../../../src/iec62056/snapshot.js";
import type { Reading } from "../../../src/model/snapshot.js";
import { toDecimalString } from "../../../src/model/exact-number.js";
import { bytesOf, E350_READOUT, E360_TELEGRAM, type FixtureCase, fixture } from "./fixture-cases.js";

function dataFrame(c: FixtureCase): ReadoutFrame | TelegramFrame {
  const out = createIec62056Framer().push(bytesOf(c.payload), 0);
  for (const o of out) if (o.kind === "frame" && o.frame.type !== "identification") return o.frame;
  throw new Error(`no data frame in ${c.id}`);
}

/** Compares exactly: numbers by their decimal text, so 42951.721 must be raw 42951721 × 10⁻³. */
function expectStated(readings: readonly Reading[], c: FixtureCase): void {
  if (c.expected === "error") throw new Error("not a decodable case");
  for (const stated of c.expected) {
    const reading = readings.find((r) => r.obis === stated.obis);
    expect(reading, stated.obis).toBeDefined();
    const value = reading!.value;
    if (typeof stated.value === "number") {
      expect(value.kind, stated.obis).toBe("number");
      if (value.kind !== "number") continue;
      expect(Number(toDecimalString(value.exact)), stated.obis).toBe(stated.value);
      expect(value.unit, stated.obis).toBe(stated.unit);
    } else if (value.kind === "datetime") {
      // The stated P1 form "221215155050W" is the local time 2022-12-15T15:50:50.
      const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)[SW]$/.exec(stated.value)!;
      expect(value.local).toBe(`20${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`);
    } else {
      expect(value, stated.obis).toEqual({ kind: "text", text: stated.value });
    }
  }
}

describe("readoutToSnapshot on the real captures", () => {
  it("E350 mode C readout: every stated value, reduced codes as written", () => {
    const c = fixture(E350_READOUT);
    const { snapshot, unparsed } = decodeIec62056Frame(dataFrame(c));
    expect(unparsed).toEqual([]);
    expect(snapshot.source).toBe("iec62056-21-readout");
    expect(snapshot.meterId).toBe("13647123");
    expect(snapshot.meterTime).toBeNull();
    expect(snapshot.readings.map((r) => r.obis)).toEqual([
      "F.F",
      "0.0",
      "C.1.0",
      "C.1.1",
      "1.8.1",
      "1.8.2",
      "2.8.1",
      "2.8.2",
      "1.8.0",
      "2.8.0",
      "15.8.0",
      "C.7.0",
      "32.7",
      "52.7",
      "72.7",
      "31.7",
      "51.7",
      "71.7",
      "82.8.1",
      "82.8.2",
      "0.2.0",
      "C.5.0",
    ]);
    expectStated(snapshot.readings, c);
    const reading = (obis: string) => snapshot.readings.find((r) => r.obis === obis)?.value;
    expect(reading("1.8.1")).toEqual({ kind: "number", exact: { raw: 42951721n, scaler: -3 }, unit: "kWh" });
    expect(reading("C.1.1")).toEqual({ kind: "text", text: "" });
    expect(reading("82.8.1")).toEqual({ kind: "number", exact: { raw: 0n, scaler: 0 }, unit: null });
  });

  it("E360 P1 telegram: every stated value, the clock as meterTime, the identification as meterId", () => {
    const c = fixture(E360_TELEGRAM);
    const snapshot = readoutToSnapshot(dataFrame(c));
    expect(snapshot.source).toBe("p1-telegram");
    expect(snapshot.meterId).toBe("LGF5E360");
    expect(snapshot.meterTime).toBe("2022-12-15T15:50:50");
    expect(snapshot.readings).toHaveLength(27);
    expect(snapshot.readings[0]).toEqual({
      obis: "0-0:1.0.0",
      value: { kind: "datetime", local: "2022-12-15T15:50:50" },
    });
    expectStated(snapshot.readings, c);
    const units = new Set(
      snapshot.readings.flatMap((r) => (r.value.kind === "number" ? [r.value.unit] : [])),
    );
    expect([...units].sort()).toEqual(["A", "V", "kVAr", "kVArh", "kW", "kWh"]);
  });
});

describe("meter identity and clock", () => {
  const telegram = (data: string): TelegramFrame => ({
    type: "telegram",
    identification: {
      text: "ISk5\\2MT382-1000",
      manufacturer: "ISk",
      fastReaction: true,
      baudChar: "5",
      mode: "C",
      baudRate: 9600,
      modeE: "2",
      identifier: "MT382-1000",
    },
    data,
    crc: 0,
  });

  it("decodes the DSMR hex-ASCII equipment identifier 0-0:96.1.1", () => {
    const s = readoutToSnapshot(telegram("0-0:96.1.1(4B384547303034303436333935353037)\r\n"));
    expect(s.meterId).toBe("K8EG004046395507");
    expect(s.readings[0]?.value).toEqual({ kind: "text", text: "4B384547303034303436333935353037" });
  });

  it("prefers 0-0:96.1.1 over 0-0:96.1.0 and ignores the gas meter's 0-1:96.1.0", () => {
    const s = readoutToSnapshot(
      telegram("0-1:96.1.0(3232323241424344313233343536373839)\r\n0-0:96.1.0(52127969)\r\n"),
    );
    expect(s.meterId).toBe("52127969");
  });

  it("keeps a numeric serial that only looks like hex", () => {
    const s = readoutToSnapshot(telegram("0-0:96.1.0(3132333435363738)\r\n"));
    expect(s.meterId).toBe("12345678");
    const numeric = readoutToSnapshot(telegram("0-0:96.1.0(5212796952127969)\r\n"));
    expect(numeric.meterId).toBe("5212796952127969");
  });

  it("takes meterTime from 0.9.1 and 0.9.2 in a readout (plain, colon and century-digit forms)", () => {
    const readout = (data: string): ReadoutFrame => ({ type: "readout", identification: null, data, bcc: 0 });
    expect(readoutToSnapshot(readout("0.9.1(155420)\r\n0.9.2(170214)\r\n!\r\n")).meterTime).toBe(
      "2017-02-14T15:54:20",
    );
    expect(readoutToSnapshot(readout("1-1:0.9.1(16:40:56)\r\n1-1:0.9.2(17-11-06)\r\n!\r\n")).meterTime).toBe(
      "2017-11-06T16:40:56",
    );
    expect(readoutToSnapshot(readout("0.9.2(1190714)\r\n0.9.1(000000)\r\n!\r\n")).meterTime).toBe(
      "2019-07-14T00:00:00",
    );
    expect(readoutToSnapshot(readout("0.9.1(155420)\r\n!\r\n")).meterTime).toBeNull();
    expect(readoutToSnapshot(readout("0.9.1(155420)\r\n0.9.2(171314)\r\n!\r\n")).meterTime).toBeNull();
  });

  it("rejects a verified readout or telegram without any data set as 'malformed' (noise can pass a BCC)", () => {
    const empty: ReadoutFrame = {
      type: "readout",
      identification: null,
      data: "!\r\n",
      bcc: 0x21 ^ 0x0d ^ 0x0a ^ 0x03,
    };
    const telegram: TelegramFrame = {
      type: "telegram",
      identification: dataFrame(fixture(E360_TELEGRAM)).identification!,
      data: "",
      crc: null,
    };
    for (const [frame, message] of [
      [empty, "the readout holds no data set: nothing to read (line noise can pass as an empty one)"],
      [telegram, "the telegram holds no data set: nothing to read (line noise can pass as an empty one)"],
    ] as const) {
      const error = (() => {
        try {
          decodeIec62056Frame(frame);
        } catch (thrown) {
          return thrown;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(DecodeError);
      expect({ code: (error as DecodeError).code, message: (error as DecodeError).message }).toEqual({
        code: "malformed",
        message,
      });
    }
  });

  it("rejects a verified block without a single data set as 'malformed'", () => {
    const readout: ReadoutFrame = { type: "readout", identification: null, data: "hello\r\n!\r\n", bcc: 0 };
    expect(() => readoutToSnapshot(readout)).toThrowError(DecodeError);
    try {
      readoutToSnapshot(readout);
    } catch (error) {
      expect((error as DecodeError).code).toBe("malformed");
    }
  });
});
