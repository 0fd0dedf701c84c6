import { describe, expect, it } from "vitest";
import { PriceTimeline } from "../../../src/homeassistant/price-timeline.js";

const HOUR = 3_600_000;
const point = (hour: number, price: number, hours = 1) => ({
  startMs: hour * HOUR,
  endMs: (hour + hours) * HOUR,
  pricePerKwh: price,
});

describe("PriceTimeline", () => {
  it("answers NaN outside the known points, and a later point replaces one with the same start", () => {
    const timeline = new PriceTimeline();
    timeline.merge([point(0, 0.1), point(1, 0.2)], 0);
    expect(timeline.priceAt(HOUR + 1)).toBe(0.2);
    expect(timeline.priceAt(2 * HOUR)).toBeNaN();
    expect(timeline.priceAt(-1)).toBeNaN();
    timeline.merge([point(1, 0.25)], 0);
    expect(timeline.priceAt(HOUR)).toBe(0.25);
  });

  it("knows prices until the first hole after now", () => {
    const timeline = new PriceTimeline();
    timeline.merge([point(0, 1), point(1, 1), point(2, 1), point(5, 1)], 0);
    expect(timeline.knownUntil(HOUR / 2)).toBe(3 * HOUR);
    expect(timeline.knownUntil(4 * HOUR)).toBeUndefined();
    expect(timeline.latestEnd()).toBe(6 * HOUR);
  });

  it("forgets prices that ended more than a week ago", () => {
    const timeline = new PriceTimeline();
    timeline.merge([point(0, 1), point(24 * 7, 2)], 0);
    timeline.merge([], 24 * 7 * HOUR + 2 * HOUR);
    expect(timeline.priceAt(0)).toBeNaN();
    expect(timeline.priceAt(24 * 7 * HOUR)).toBe(2);
  });
});
