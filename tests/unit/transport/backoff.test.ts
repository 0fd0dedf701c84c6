import { describe, expect, it } from "vitest";
import { Backoff } from "../../../src/transport/backoff.js";

describe("Backoff", () => {
  it("doubles up to the cap and starts over after reset", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([1000, 2000, 4000, 8000, 8000]);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });

  it("adds at most the jitter fraction", () => {
    const backoff = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0.999 });
    expect(backoff.next()).toBe(1200);
  });
});
