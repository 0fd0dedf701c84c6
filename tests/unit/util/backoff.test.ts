import { describe, expect, it } from "vitest";
import { Backoff } from "../../../src/util/backoff.js";

describe("Backoff", () => {
  it("doubles per attempt up to the cap, between half and the whole step", () => {
    const delays = (random: () => number) => {
      const backoff = new Backoff({ initialMs: 1_000, maxMs: 60_000, random });
      return Array.from({ length: 8 }, () => backoff.next());
    };
    expect(delays(() => 0)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(delays(() => 1)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it("starts over after reset and counts its attempts", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 1 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(backoff.attempts).toBe(5);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(1000);
  });

  it("caps at 10 s by default, so a restarted broker or re-plugged adapter is back within seconds", () => {
    const whole = new Backoff({ random: () => 1 });
    expect(Array.from({ length: 8 }, () => whole.next())).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
    // With the jitter, a wait at the cap lies between half of it and all of it.
    const least = new Backoff({ random: () => 0 });
    expect(Array.from({ length: 8 }, () => least.next()).at(-1)).toBe(5_000);
  });

  it("stays finite after any number of attempts", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 0.5 });
    for (let i = 0; i < 2000; i++) backoff.next();
    expect(backoff.next()).toBe(6000);
  });
});
