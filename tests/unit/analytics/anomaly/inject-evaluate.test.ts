import { describe, expect, it } from "vitest";
import { evaluateRun } from "../../../../src/analytics/anomaly/evaluate.js";
import { type InjectedFault, injectFaults } from "../../../../src/analytics/anomaly/inject.js";
import type { AnomalyEvent } from "../../../../src/analytics/anomaly/types.js";
import { H, household, START } from "./synthetic.js";

describe("fault injection", () => {
  it("is reproducible from the seed and leaves the input untouched", () => {
    const hours = household(200);
    const copy = structuredClone(hours);
    const a = injectFaults(hours, 42);
    const b = injectFaults(hours, 42);
    const c = injectFaults(hours, 43);
    expect(a).toEqual(b);
    expect(a.faults).not.toEqual(c.faults);
    expect(hours).toEqual(copy);
  });

  it("places one fault per 10-day slot after six weeks of learning", () => {
    const { faults } = injectFaults(household(200), 1);
    expect(faults.length).toBe(Math.floor((200 - 42) / 10));
    for (const f of faults) expect(f.startMs).toBeGreaterThanOrEqual(START + 42 * 24 * H);
  });

  it("makes a backwards fault visible as a register decrease", () => {
    const { hours, faults } = injectFaults(household(400), 3);
    const fault = faults.find((f) => f.kind === "backwards")!;
    const i = (fault.startMs - START) / H;
    expect(hours[i]!.importRegisterKwh!).toBeLessThan(hours[i - 1]!.importRegisterKwh! - 0.5);
  });
});

describe("event scoring", () => {
  const fault = (kind: InjectedFault["kind"], startH: number, hours: number): InjectedFault => ({
    kind,
    startMs: START + startH * H,
    endMs: START + (startH + hours) * H,
    description: "",
  });
  const event = (kind: AnomalyEvent["kind"], startH: number, hours: number): AnomalyEvent => ({
    kind,
    startMs: START + startH * H,
    endMs: START + (startH + hours) * H,
    expected: 0,
    observed: 0,
    unit: "kWh",
    score: 1,
    message: "",
  });

  it("counts overlaps within 24 h as hits and computes P, R and F1", () => {
    const faults = [fault("spike", 100, 1), fault("excess", 500, 4), fault("stall", 900, 10)];
    const events = [
      event("spike", 100, 1),
      event("unusual-consumption", 2000, 2),
      event("data-stall", 900, 10),
    ];
    const run = evaluateRun(events, faults);
    // statistical: 1 of 2 detections is right, 1 of 2 faults found → P = R = F1 = 0.5
    expect(run.statistical).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(run.deterministic.find((d) => d.kind === "stall")).toEqual({
      kind: "stall",
      injected: 1,
      found: 1,
    });
    expect(run.matched).toEqual([true, false, true]);
  });

  it("does not let a detector of the wrong kind find a deterministic fault", () => {
    const run = evaluateRun([event("spike", 900, 1)], [fault("stall", 900, 10)]);
    expect(run.deterministic.find((d) => d.kind === "stall")!.found).toBe(0);
  });
});
