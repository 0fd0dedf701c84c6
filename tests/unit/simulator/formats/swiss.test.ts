import { describe, expect, it } from "vitest";
import { concat } from "../../../../src/model/bytes.js";
import { encodeSwissPush, type SwissPushValues } from "../../../../src/simulator/formats/swiss.js";
import { EKZ_2026_PUSH, toHex } from "../captures.js";
import { hdlcFrames } from "../decrypt.js";

/** The values the EKZ 2026 capture states (tests/test_lge450.py::test_lge450_vse_standard). */
const EKZ_VALUES: SwissPushValues = {
  invokeId: 0x00d7dd82,
  // header date-time one second before the clock value, status 00 (as captured)
  notificationTime: {
    local: { year: 2026, month: 5, day: 4, hour: 11, minute: 39, second: 20 },
    weekday: 1,
    status: 0x00,
  },
  logicalDeviceName: "LGZ1030653520967",
  serialNumber: "1909113",
  clock: {
    local: { year: 2026, month: 5, day: 4, hour: 11, minute: 39, second: 21 },
    weekday: 1,
    status: 0x81,
  },
  activeEnergyImport: 482939,
  activeEnergyExport: 0,
  reactiveEnergyImport: 37,
  reactiveEnergyExport: 344697,
  activePowerImport: 28,
  activePowerExport: 0,
  voltages: [236, 236, 0],
  currentsCentiamps: [9, 8, 0],
};

describe("swiss push (EKZ 2026 VSE list)", () => {
  it("rebuilds the captured four-frame GBT push byte for byte", () => {
    const frames = encodeSwissPush(EKZ_VALUES);
    expect(toHex(concat(frames.map((frame) => frame.bytes)))).toBe(toHex(EKZ_2026_PUSH));
  });

  it("splits like the meter: list entries whole, values streamed (blocks of 112, 108, 122, 83 bytes)", () => {
    const blockLengths = encodeSwissPush(EKZ_VALUES).map((frame) => {
      const information = frame.bytes.subarray(9, frame.bytes.length - 3);
      const block = information[0] === 0xe6 ? information.subarray(3) : information;
      return block[6];
    });
    expect(blockLengths).toEqual([112, 108, 122, 83]);
  });

  it("marks each frame's FCS as its checksum", () => {
    const frames = encodeSwissPush(EKZ_VALUES);
    const captured = hdlcFrames(EKZ_2026_PUSH);
    frames.forEach((frame, index) => {
      const { offset, length } = frame.checksum;
      expect(toHex(frame.bytes.subarray(offset, offset + length))).toBe(
        toHex(captured[index]!.subarray(captured[index]!.length - 3, captured[index]!.length - 1)),
      );
    });
  });
});
