import { describe, expect, it } from "vitest";
import { calendarPeriod, isoWithOffset } from "../../../web/panel/src/periods.js";

describe("calendar periods", () => {
  it("run from the local start of the day, month or year until now, with the local offset", () => {
    const now = new Date(2026, 11, 2, 10, 15, 30);
    const [from, to] = calendarPeriod("today", now).split("/");
    expect(Date.parse(from ?? "")).toBe(new Date(2026, 11, 2).getTime());
    expect(Date.parse(to ?? "")).toBe(now.getTime());
    expect(Date.parse(calendarPeriod("month", now).split("/")[0] ?? "")).toBe(
      new Date(2026, 11, 1).getTime(),
    );
    expect(Date.parse(calendarPeriod("year", now).split("/")[0] ?? "")).toBe(new Date(2026, 0, 1).getTime());
    expect(isoWithOffset(now)).toMatch(/^2026-12-02T10:15:30[+-]\d\d:\d\d$/);
  });
});
