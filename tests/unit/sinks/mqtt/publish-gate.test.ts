import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PublishGate } from "../../../../src/sinks/mqtt/publish-gate.js";

describe("PublishGate", () => {
  let sent: [string, string][];
  let gate: PublishGate;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    sent = [];
    gate = new PublishGate(10_000, (topic, payload) => sent.push([topic, payload]));
  });

  afterEach(() => {
    gate.stop();
    vi.useRealTimers();
  });

  it("sends a fast value at once, then at most once per interval with the newest value", () => {
    gate.offer("p", "100", "fast");
    vi.advanceTimersByTime(2_000);
    gate.offer("p", "200", "fast");
    vi.advanceTimersByTime(2_000);
    gate.offer("p", "300", "fast");
    expect(sent).toEqual([["p", "100"]]);
    vi.advanceTimersByTime(5_999);
    expect(sent).toEqual([["p", "100"]]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      ["p", "100"],
      ["p", "300"],
    ]);
  });

  it("sends totals whenever they change, however often", () => {
    for (const value of ["1.001", "1.002", "1.003"]) {
      gate.offer("e", value, "total");
      vi.advanceTimersByTime(1_000);
    }
    expect(sent.map(([, payload]) => payload)).toEqual(["1.001", "1.002", "1.003"]);
  });

  it("never resends an unchanged value, and drops a held value that returned to the sent one", () => {
    gate.offer("p", "100", "fast");
    gate.offer("p", "100", "fast");
    gate.offer("e", "5", "total");
    gate.offer("e", "5", "total");
    vi.advanceTimersByTime(1_000);
    gate.offer("p", "150", "fast");
    gate.offer("p", "100", "fast");
    vi.advanceTimersByTime(20_000);
    expect(sent).toEqual([
      ["p", "100"],
      ["e", "5"],
    ]);
  });

  it("reports the newest value per topic for a republish, including held ones", () => {
    gate.offer("p", "100", "fast");
    gate.offer("p", "200", "fast");
    expect([...gate.latest()]).toEqual([["p", "200"]]);
    expect([...gate.pending()]).toEqual([["p", "200"]]);
  });
});
