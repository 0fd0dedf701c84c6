import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAddress, parseDataBlock } from "../../../src/iec62056/data-block.js";
import { dataSetValue, isIdentifierRegister, parseP1Timestamp } from "../../../src/iec62056/values.js";

const interpret = (line: string) => {
  const set = parseDataBlock(line).dataSets[0];
  if (!set) throw new Error(`no data set in ${line}`);
  return dataSetValue(set);
};

describe("parseDataBlock", () => {
  it("reads full, reduced and letter addresses as written", () => {
    const block = parseDataBlock(
      "1-0:1.8.0(1*kWh)\r\n1.8.1(2*kWh)\r\n32.7(241*V)\r\nC.1.0(x)\r\nF.F(00)\r\n!\r\n",
    );
    expect(block.dataSets.map((s) => s.address)).toEqual(["1-0:1.8.0", "1.8.1", "32.7", "C.1.0", "F.F"]);
    expect(block.unparsed).toEqual([]);
  });

  it("keeps several groups of one data set, and several data sets on one line", () => {
    const block = parseDataBlock("0-0:98.1.0(a)(b*kWh)\r\n1.8.1(1*kWh)1.8.2(2*kWh)\r\n");
    expect(block.dataSets).toEqual([
      {
        address: "0-0:98.1.0",
        groups: [
          { value: "a", unit: null },
          { value: "b", unit: "kWh" },
        ],
      },
      { address: "1.8.1", groups: [{ value: "1", unit: "kWh" }] },
      { address: "1.8.2", groups: [{ value: "2", unit: "kWh" }] },
    ]);
  });

  it("joins DSMR 3's gas value written on the next line to its data set", () => {
    const block = parseDataBlock("0-1:24.3.0(121030140000)(00)(60)(1)(0-1:24.2.1)(m3)\r\n(00004.298)\r\n");
    expect(block.dataSets).toHaveLength(1);
    expect(block.dataSets[0]?.groups.at(-1)).toEqual({ value: "00004.298", unit: null });
  });

  it("returns lines that are not data sets as unparsed, and goes on", () => {
    const block = parseDataBlock("hello\r\n1.8.1(1*kWh\r\n1.8.2(2*kWh)\r\nbad address!(1)\r\n");
    expect(block.dataSets.map((s) => s.address)).toEqual(["1.8.2"]);
    expect(block.unparsed).toEqual(["hello", "1.8.1(1*kWh", "bad address!(1)"]);
  });

  it("stops at the '!' line", () => {
    expect(parseDataBlock("1.8.1(1*kWh)\r\n!\r\n1.8.2(2*kWh)\r\n").dataSets).toHaveLength(1);
  });
});

describe("dataSetValue", () => {
  it("makes decimals exact numbers with the unit as written", () => {
    expect(interpret("1-0:3.8.0(00001384.336*kVArh)").value).toEqual({
      kind: "number",
      exact: { raw: 1384336n, scaler: -3 },
      unit: "kVArh",
    });
    expect(interpret("31.7( 000.35 * A )").value).toEqual({
      kind: "number",
      exact: { raw: 35n, scaler: -2 },
      unit: "A",
    });
  });

  it("keeps identifiers, addresses and status codes as trimmed text", () => {
    expect(interpret("0.0(          120858)").value).toEqual({ kind: "text", text: "120858" });
    expect(interpret("C.7.0(0008)").value).toEqual({ kind: "text", text: "0008" });
    expect(interpret("0-0:96.14.0(0002)").value).toEqual({ kind: "text", text: "0002" });
    expect(interpret("C.1.1(        )").value).toEqual({ kind: "text", text: "" });
    expect(interpret("0.2.0(M26)").value).toEqual({ kind: "text", text: "M26" });
    expect(isIdentifierRegister("1-0:32.7.0")).toBe(false);
  });

  it("turns P1 timestamps into local date-times, either DST flag", () => {
    expect(parseP1Timestamp("221215155050W")).toBe("2022-12-15T15:50:50");
    expect(parseP1Timestamp("230601120000S")).toBe("2023-06-01T12:00:00");
    expect(parseP1Timestamp("000000000000W")).toBeNull();
    expect(interpret("0-0:1.0.0(000000000000W)").value).toEqual({ kind: "text", text: "000000000000W" });
  });

  it("reads an M-Bus sub-meter line as the value with its capture time", () => {
    expect(interpret("0-1:24.2.1(101209112500W)(12785.123*m3)")).toEqual({
      value: { kind: "number", exact: { raw: 12785123n, scaler: -3 }, unit: "m3" },
      capturedAt: "2010-12-09T11:25:00",
    });
  });

  it("reads a readout maximum demand as the value followed by its time", () => {
    expect(interpret("1.6.1(24.31*kW)(1605041345)")).toEqual({
      value: { kind: "number", exact: { raw: 2431n, scaler: -2 }, unit: "kW" },
      capturedAt: "1605041345",
    });
  });

  it("keeps logs and profile lines as written", () => {
    expect(interpret("1-0:99.97.0(1)(0-0:96.7.19)(101208152415W)(0000000240*s)").value).toEqual({
      kind: "text",
      text: "(1)(0-0:96.7.19)(101208152415W)(0000000240*s)",
    });
  });
});

describe("isAddress", () => {
  it("agrees with the address grammar on random text (seeded)", () => {
    const grammar = /^[0-9A-Za-z]{1,3}(?:[-:.*&][0-9A-Za-z]{1,3}){0,6}$/;
    const text = fc.string({ unit: fc.constantFrom(..."01aZ9-:.*&/ (@[`{"), maxLength: 30 });
    fc.assert(
      fc.property(text, (t) => {
        expect(isAddress(t)).toBe(grammar.test(t));
      }),
      { seed: 21, numRuns: 20_000 },
    );
    expect(isAddress("1-0:1.8.0")).toBe(true);
    expect(isAddress("1.8.0*19")).toBe(true);
    expect(isAddress("bad address!")).toBe(false);
  });
});
