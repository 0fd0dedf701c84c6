import { describe, expect, it } from "vitest";
import { ZonedCalendar } from "../../../src/time/zoned.js";
import { ApiError } from "../../../src/web/errors.js";
import { parsePeriod } from "../../../src/web/period.js";

const zone = new ZonedCalendar("Europe/Zurich");
const NOW = Date.UTC(2026, 2, 29, 12, 0);

describe("parsePeriod", () => {
  it("reads spans back from now", () => {
    expect(parsePeriod("24h", NOW, zone)).toEqual({ fromMs: NOW - 86_400_000, toMs: NOW });
    expect(parsePeriod("1y", NOW, zone)).toEqual({ fromMs: NOW - 365 * 86_400_000, toMs: NOW });
  });

  it("reads dates as whole local days, the last one included, across a DST change", () => {
    // 2026-03-29 is 23 hours long in Zurich.
    expect(parsePeriod("2026-03-29/2026-03-29", NOW, zone)).toEqual({
      fromMs: Date.UTC(2026, 2, 28, 23),
      toMs: Date.UTC(2026, 2, 29, 22),
    });
  });

  it("reads date-times with an offset as written", () => {
    expect(parsePeriod("2026-03-01T06:00:00+01:00/2026-03-01T07:00:00Z", NOW, zone)).toEqual({
      fromMs: Date.UTC(2026, 2, 1, 5),
      toMs: Date.UTC(2026, 2, 1, 7),
    });
  });

  it.each([
    "2026-02-30/2026-03-01",
    "2026-03-01T06:00:00/2026-03-02",
    "2026-03-02/2026-03-01",
    "2000-01-01/2026-01-01",
    "yesterday/today",
  ])("refuses %s with 400 invalid-parameter", (text) => {
    const error = (() => {
      try {
        parsePeriod(text, NOW, zone);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid-parameter" });
  });
});
