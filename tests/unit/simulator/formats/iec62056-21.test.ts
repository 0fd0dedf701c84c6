import { describe, expect, it } from "vitest";
import { concat } from "../../../../src/model/bytes.js";
import { encodeIdentification, encodeReadout } from "../../../../src/simulator/encode/iec62056-21-readout.js";
import { amperes, kilowattHours } from "../../../../src/simulator/formats/iec62056-21.js";
import { E350_READOUT } from "../captures.js";

const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("IEC 62056-21 readout", () => {
  it("rebuilds the E350 identification and data message, BCC included, byte for byte", () => {
    const identification = encodeIdentification({
      manufacturer: "LGZ",
      baudCharacter: "4",
      identifier: "ZMF100AC.M26",
    });
    const readout = encodeReadout([
      { code: "F.F", value: "00" },
      { code: "0.0", value: "120858".padStart(16, " ") },
      { code: "C.1.0", value: "13647123" },
      { code: "C.1.1", value: "        " },
      { code: "1.8.1", value: kilowattHours(42951721), unit: "kWh" },
      { code: "1.8.2", value: kilowattHours(18609568), unit: "kWh" },
      { code: "2.8.1", value: kilowattHours(302), unit: "kWh" },
      { code: "2.8.2", value: kilowattHours(10188), unit: "kWh" },
      { code: "1.8.0", value: kilowattHours(61561289), unit: "kWh" },
      { code: "2.8.0", value: kilowattHours(10490), unit: "kWh" },
      { code: "15.8.0", value: kilowattHours(61571780), unit: "kWh" },
      { code: "C.7.0", value: "0008" },
      { code: "32.7", value: "241", unit: "V" },
      { code: "52.7", value: "243", unit: "V" },
      { code: "72.7", value: "242", unit: "V" },
      { code: "31.7", value: amperes(35), unit: "A" },
      { code: "51.7", value: amperes(52), unit: "A" },
      { code: "71.7", value: amperes(47), unit: "A" },
      { code: "82.8.1", value: "0000" },
      { code: "82.8.2", value: "0000" },
      { code: "0.2.0", value: "M26" },
      { code: "C.5.0", value: "0401" },
    ]);
    expect(ascii(concat([identification, readout]))).toBe(E350_READOUT);
    expect(readout[readout.length - 1]).toBe(0x01);
  });

  it("rejects a baud character that is not mode C", () => {
    expect(() => encodeIdentification({ manufacturer: "LGZ", baudCharacter: "A", identifier: "X" })).toThrow(
      RangeError,
    );
  });
});
