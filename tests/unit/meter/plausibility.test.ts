/** Range checks per register kind, at their bounds, in the units meters state them in. */
import { describe, expect, it } from "vitest";
import { checkRanges } from "../../../src/meter/plausibility.js";
import type { Reading } from "../../../src/model/snapshot.js";
import { numberReading, textReading } from "../../fixtures/mqtt/e450-snapshots.js";

const LIMITS = { maxPowerW: 17_250 };

function verdicts(readings: readonly Reading[], limits = LIMITS) {
  const { kept, rejected } = checkRanges(readings, limits);
  return {
    kept: kept.map((reading) => reading.obis),
    rejected: rejected.map(({ reading, kind }) => [reading.obis, kind]),
  };
}

describe("checkRanges", () => {
  it("keeps voltages from 0 to 300 V and drops what lies outside", () => {
    expect(
      verdicts([
        numberReading("1-0:32.7.0.255", 0, 0, "V"),
        numberReading("1-0:52.7.0.255", 3000, -1, "V"),
        numberReading("1-0:72.7.0.255", 3001, -1, "V"),
        numberReading("32.7", 32768, 0, "V"),
        numberReading("1-0:32.7.0.255", -1, 0, "V"),
      ]),
    ).toEqual({
      kept: ["1-0:32.7.0.255", "1-0:52.7.0.255"],
      rejected: [
        ["1-0:72.7.0.255", "voltage"],
        ["32.7", "voltage"],
        ["1-0:32.7.0.255", "voltage"],
      ],
    });
  });

  it("bounds current at 120 A, or at 1.6 × max power on one 230 V phase when that is more", () => {
    const currents = [
      numberReading("1-0:31.7.0.255", 12000, -2, "A"),
      numberReading("1-0:91.7.0.255", -12001, -2, "A"),
    ];
    expect(verdicts(currents)).toEqual({
      kept: ["1-0:31.7.0.255"],
      rejected: [["1-0:91.7.0.255", "current"]],
    });
    // 1000 kW at a transformer-connected site: 1.6 × 1000 kW / 230 V ≈ 6957 A.
    expect(
      verdicts([numberReading("1-0:31.7.0.255", 6956, 0, "A")], { maxPowerW: 1_000_000 }).rejected,
    ).toEqual([]);
  });

  it("bounds active, reactive and apparent power, in any prefix, in total and per phase", () => {
    expect(
      verdicts([
        numberReading("1-0:1.7.0.255", 27600, -3, "kW"),
        numberReading("1-0:21.7.0.255", 27601, 0, "W"),
        numberReading("1-0:3.7.0.255", 28, 0, "kvar"),
        numberReading("1-0:16.7.0.255", -27600, 0, "W"),
      ]),
    ).toEqual({
      kept: ["1-0:1.7.0.255", "1-0:16.7.0.255"],
      rejected: [
        ["1-0:21.7.0.255", "power"],
        ["1-0:3.7.0.255", "power"],
      ],
    });
  });

  it("keeps frequencies from 42.5 to 57.5 Hz and power factors from −1 to 1 (or ±100 %)", () => {
    expect(
      verdicts([
        numberReading("1-0:14.7.0.255", 4250, -2, "Hz"),
        numberReading("1-0:14.7.0.255", 5751, -2, "Hz"),
        numberReading("1-0:13.7.0.255", -1000, -3, null),
        numberReading("1-0:33.7.0.255", 1001, -3, null),
        numberReading("1-0:53.7.0.255", 99, 0, "%"),
        numberReading("1-0:73.7.0.255", 32768, -3, null),
      ]),
    ).toEqual({
      kept: ["1-0:14.7.0.255", "1-0:13.7.0.255", "1-0:53.7.0.255"],
      rejected: [
        ["1-0:14.7.0.255", "frequency"],
        ["1-0:33.7.0.255", "power-factor"],
        ["1-0:73.7.0.255", "power-factor"],
      ],
    });
  });

  it("leaves alone what it cannot judge: totals, texts, unknown codes and unknown units", () => {
    const readings = [
      numberReading("1-1:1.8.0.255", 99_999_999_999, 0, "Wh"),
      textReading("1-0:32.7.0.255", "n/a"),
      numberReading("1-0:99.99.0.255", 1e9, 0, "V"),
      numberReading("1-0:32.7.0.255", 5, 0, "furlongs"),
    ];
    expect(checkRanges(readings, LIMITS)).toEqual({ kept: readings, rejected: [] });
  });

  it("says which register, which value and which bound", () => {
    const { rejected } = checkRanges([numberReading("1-0:14.7.0.255", 6000, -2, "Hz")], LIMITS);
    expect(rejected[0]?.why).toBe("Frequency (1-0:14.7.0.255) = 60 Hz is outside 42.5…57.5 Hz");
  });
});
