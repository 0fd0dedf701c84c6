import { describe, expect, it } from "vitest";
import { HourAssembler } from "../../../src/insights/hour-assembler.js";
import { ZonedCalendar } from "../../../src/time/zoned.js";

const Q = 15 * 60_000;
const H = 4 * Q;
// India is UTC+5:30: local hours start at half past the UTC hour.
const KOLKATA = new ZonedCalendar("Asia/Kolkata");
const LOCAL_HOUR = Date.UTC(2026, 5, 1, 4, 30);

const quarter = (startMs: number, importKwh: number, estimated = false) => ({
  startMs,
  endMs: startMs + Q,
  importKwh,
  exportKwh: 0.1,
  estimated,
});

describe("HourAssembler", () => {
  it("sums four measured quarters into their local hour", () => {
    const hours = new HourAssembler(KOLKATA);
    const out = [0, 1, 2, 3].flatMap((i) => hours.add(quarter(LOCAL_HOUR + i * Q, 0.25)));
    expect(out).toHaveLength(1);
    expect(out[0]!.startMs).toBe(LOCAL_HOUR);
    expect(out[0]!.importKwh).toBeCloseTo(1, 12);
    expect(out[0]!.exportKwh).toBeCloseTo(0.4, 12);
  });

  it("gives NaN for an hour with an estimated quarter, and NaN hours for a gap", () => {
    const hours = new HourAssembler(KOLKATA);
    hours.add(quarter(LOCAL_HOUR, 0.25));
    hours.add(quarter(LOCAL_HOUR + Q, 0.25, true));
    // Nothing for the rest of this hour and the next; then a quarter two hours on.
    const out = hours.add(quarter(LOCAL_HOUR + 2 * H, 0.25));
    expect(out.map((h) => h.startMs)).toEqual([LOCAL_HOUR, LOCAL_HOUR + H]);
    expect(out.every((h) => Number.isNaN(h.importKwh))).toBe(true);
  });

  it("takes a whole imported hour as one measured hour", () => {
    const hours = new HourAssembler(KOLKATA);
    const out = hours.add({
      startMs: LOCAL_HOUR,
      endMs: LOCAL_HOUR + H,
      importKwh: 0.8,
      exportKwh: null,
      estimated: false,
    });
    expect(out).toEqual([{ startMs: LOCAL_HOUR, importKwh: 0.8 }]);
  });
});
