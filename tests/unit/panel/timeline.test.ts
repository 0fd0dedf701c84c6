import { describe, expect, it } from "vitest";
import { timelineSpan } from "../../../web/panel/src/timeline.js";

describe("anomaly timeline", () => {
  it("places an incident in percent of the period, clamped, and never narrower than a visible mark", () => {
    expect(timelineSpan(250, 500, 0, 1000)).toEqual({ left: 25, width: 25 });
    expect(timelineSpan(-100, 100, 0, 1000)).toEqual({ left: 0, width: 10 });
    expect(timelineSpan(999, 999, 0, 1000).width).toBe(0.5);
  });
});
