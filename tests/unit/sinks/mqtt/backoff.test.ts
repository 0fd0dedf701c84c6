import { describe, expect, it } from "vitest";
import { reconnectDelay } from "../../../../src/sinks/mqtt/backoff.js";

describe("reconnectDelay", () => {
  const options = { initialMs: 1_000, maxMs: 60_000 };

  it("doubles per attempt up to the cap, between half and the whole step", () => {
    const lowest = [0, 1, 2, 3, 6, 7, 20].map((attempt) => reconnectDelay(attempt, options, () => 0));
    const highest = [0, 1, 2, 3, 6, 7, 20].map((attempt) => reconnectDelay(attempt, options, () => 1));
    expect(lowest).toEqual([500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000]);
    expect(highest).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000]);
  });
});
