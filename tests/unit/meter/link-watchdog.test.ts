import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LinkWatchdog } from "../../../src/meter/link-watchdog.js";

describe("LinkWatchdog", () => {
  let changes: boolean[];
  let watchdog: LinkWatchdog;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    changes = [];
    watchdog = new LinkWatchdog({ missedPushes: 3, initialIntervalMs: 60_000 }, (online) =>
      changes.push(online),
    );
  });

  afterEach(() => {
    watchdog.stop();
    vi.useRealTimers();
  });

  it("goes online with a frame and offline after the missed pushes of the learned interval", () => {
    watchdog.frameArrived();
    vi.advanceTimersByTime(5_000);
    watchdog.frameArrived(); // learned: 5 s, so offline after 15 s of silence
    expect(changes).toEqual([true]);
    vi.advanceTimersByTime(14_999);
    expect(changes).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([true, false]);
    watchdog.frameArrived();
    expect(changes).toEqual([true, false, true]);
  });

  it("learns the interval afresh after going offline, so a burst's short gaps cannot make it flap for good", () => {
    // A backlog worked off in one burst: frames 100 ms apart teach a 1 s interval (the floor).
    for (let i = 0; i < 8; i++) {
      watchdog.frameArrived();
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(3_000);
    expect(changes).toEqual([true, false]);
    // Then the real pushes, 5 s apart: offline once, never again.
    for (let i = 0; i < 10; i++) {
      watchdog.frameArrived();
      vi.advanceTimersByTime(5_000);
    }
    expect(changes).toEqual([true, false, true]);
  });

  it("uses the initial interval until two frames arrived", () => {
    watchdog.frameArrived();
    vi.advanceTimersByTime(179_999);
    expect(watchdog.online).toBe(true);
    vi.advanceTimersByTime(1);
    expect(watchdog.online).toBe(false);
  });

  it("takes the longest recent gap, so two interleaved push lists do not flap", () => {
    // A 5-second list with a minute list arriving 1 s after one of its pushes: gaps 5, 1, 4, 5 s.
    for (const gap of [0, 5_000, 1_000, 4_000, 5_000]) {
      vi.advanceTimersByTime(gap);
      watchdog.frameArrived();
    }
    expect(watchdog.timeoutMs).toBe(15_000);
  });
});
