import { describe, expect, it } from "vitest";
import { parseInstant, perKwhFactor, pointsFromStarts } from "../../../src/homeassistant/price-units.js";

describe("parseInstant", () => {
  it("accepts isoformat() and str(datetime), with or without seconds and fractions", () => {
    const expected = Date.parse("2025-09-30T22:00:00Z");
    for (const text of [
      "2025-10-01T00:00:00+02:00",
      "2025-10-01 00:00:00+02:00",
      "2025-10-01T00:00+0200",
      "2025-09-30T22:00:00.000Z",
    ]) {
      expect(parseInstant(text), text).toBe(expected);
    }
  });

  it("refuses a time without an offset and anything not a string", () => {
    expect(parseInstant("2025-10-01T00:00:00")).toBeNaN();
    expect(parseInstant(1_759_269_600)).toBeNaN();
  });
});

describe("perKwhFactor", () => {
  it.each([
    ["EUR/kWh", 1],
    ["€/kWh", 1],
    ["SEK/MWh", 0.001],
    ["c/kWh", 0.01],
    ["Øre/kWh", 0.01],
    ["ct/kWh", 0.01],
    ["EUR/Wh", 1000],
  ])("%s → %d", (unit, factor) => expect(perKwhFactor(unit)).toBeCloseTo(factor, 12));

  it("refuses what is not money per energy", () => {
    expect(perKwhFactor("°C")).toBeNaN();
    expect(perKwhFactor("EUR/GJ")).toBeNaN();
    expect(perKwhFactor(undefined)).toBeNaN();
  });
});

describe("pointsFromStarts", () => {
  const hour = 3_600_000;
  it("ends each price at the next start or one step, so a hole stays a hole", () => {
    const parsed = pointsFromStarts([
      { startMs: 0, pricePerKwh: 1 },
      { startMs: hour, pricePerKwh: 2 },
      { startMs: 3 * hour, pricePerKwh: 3 },
      { startMs: 2 * hour * 2, pricePerKwh: 4 },
    ]);
    expect(parsed).toEqual({
      ok: true,
      points: [
        { startMs: 0, endMs: hour, pricePerKwh: 1 },
        { startMs: hour, endMs: 2 * hour, pricePerKwh: 2 },
        { startMs: 3 * hour, endMs: 4 * hour, pricePerKwh: 3 },
        { startMs: 4 * hour, endMs: 5 * hour, pricePerKwh: 4 },
      ],
    });
  });

  it("cannot tell the step of a single price", () => {
    expect(pointsFromStarts([{ startMs: 0, pricePerKwh: 1 }])).toEqual({
      ok: false,
      reason: "fewer than two distinct start times: the length of a price step is unknown",
    });
  });
});
