import { describe, expect, it } from "vitest";
import { VoltageDetector } from "../../../../src/analytics/anomaly/voltage.js";

const T0 = Date.parse("2024-05-01T00:00:00Z");
const MIN = 60_000;

function feed(detector: VoltageDetector, minutes: number, phases: (minute: number) => number[]) {
  const events = [];
  for (let m = 0; m < minutes; m++)
    events.push(...detector.observe({ timeMs: T0 + m * MIN, phases: phases(m) }));
  return [...events, ...detector.flush()];
}

describe("EN 50160 voltage detector", () => {
  it("accepts 230 V ± 10 % on every phase", () => {
    expect(
      feed(new VoltageDetector(), 20, (m) => (m < 10 ? [207.5, 207.5, 207.5] : [252.5, 252.5, 252.5])),
    ).toEqual([]);
  });

  it("reports 20 minutes of L2 under-voltage as one event covering both windows", () => {
    const events = feed(new VoltageDetector(), 60, (m) => [230, m >= 10 && m < 30 ? 200 : 230, 230]);
    const under = events.filter((e) => e.kind === "voltage-out-of-range");
    expect(under).toHaveLength(1);
    expect(under[0]).toMatchObject({ startMs: T0 + 10 * MIN, endMs: T0 + 30 * MIN, observed: 200 });
    expect(under[0]!.message).toMatch(/L2 under-voltage/);
  });

  it("judges 10-minute means, not single samples", () => {
    // one sample at 260 V among nine at 230 V: mean 233 V, within limits
    expect(feed(new VoltageDetector(), 10, (m) => [m === 3 ? 260 : 230])).toEqual([]);
  });

  it("reports phase imbalance above 2 %", () => {
    // mean 230, L3 at 222 deviates 8 V = 3.5 %
    const events = feed(new VoltageDetector(), 10, () => [234, 234, 222]);
    expect(events.map((e) => e.kind)).toEqual(["phase-imbalance"]);
    expect(events[0]!.observed).toBeCloseTo((8 / 230) * 100, 6);
  });
});
