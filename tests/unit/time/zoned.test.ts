import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, ZonedCalendar } from "../../../src/time/zoned.js";

const utc = (iso: string) => Date.parse(iso);

describe("ZonedCalendar", () => {
  it.each([
    ["Europe/Vienna", "2024-03-31", 23],
    ["Europe/Zurich", "2024-10-27", 25],
    ["Europe/Amsterdam", "2024-03-31", 23],
    ["Europe/Oslo", "2024-10-27", 25],
    ["Europe/Brussels", "2024-06-15", 24],
  ])("%s: %s has %i hours", (zone, date, hours) => {
    const calendar = new ZonedCalendar(zone);
    const start = calendar.toUtc(Date.parse(`${date}T00:00:00Z`));
    expect((calendar.addDays(start, 1) - start) / HOUR_MS).toBe(hours);
  });

  it("reads local parts across the spring change in Amsterdam", () => {
    const calendar = new ZonedCalendar("Europe/Amsterdam");
    // 01:00 UTC on 31 March 2024 is 03:00 CEST: 02:00 local never happened.
    expect(calendar.parts(utc("2024-03-31T00:59:00Z")).hour).toBe(1);
    expect(calendar.parts(utc("2024-03-31T01:00:00Z")).hour).toBe(3);
    expect(calendar.formatIso(utc("2024-03-31T01:00:00Z"))).toBe("2024-03-31T03:00:00+02:00");
  });

  it("resolves the repeated autumn hour to either occurrence and the spring gap forward", () => {
    const calendar = new ZonedCalendar("Europe/Vienna");
    const wall = Date.parse("2024-10-27T02:30:00Z");
    expect(calendar.toUtc(wall, "earlier")).toBe(utc("2024-10-27T00:30:00Z"));
    expect(calendar.toUtc(wall, "later")).toBe(utc("2024-10-27T01:30:00Z"));
    expect(() => calendar.toUtc(wall, "reject")).toThrow(/twice/);
    const gap = Date.parse("2024-03-31T02:30:00Z");
    expect(calendar.toUtc(gap, "earlier")).toBe(utc("2024-03-31T01:30:00Z")); // = 03:30 CEST
    expect(() => calendar.toUtc(gap, "reject")).toThrow(/does not exist/);
    expect(calendar.isUnambiguous(Date.parse("2024-03-31T04:00:00Z"))).toBe(true);
  });

  it("finds month boundaries and weekdays in local time", () => {
    const calendar = new ZonedCalendar("Europe/Oslo");
    const ms = utc("2024-02-29T23:30:00Z"); // 00:30 on 1 March in Oslo
    expect(calendar.dateKey(ms)).toBe("2024-03-01");
    expect(calendar.startOfMonth(ms)).toBe(utc("2024-02-29T23:00:00Z"));
    expect(calendar.startOfNextMonth(ms)).toBe(utc("2024-03-31T22:00:00Z"));
    expect(calendar.isoWeekday(ms)).toBe(5); // Friday
    expect(calendar.parts(ms).isoWeekday).toBe(5);
    expect(calendar.hourOfWeek(ms)).toBe(4 * 24);
  });

  it("aligns hours to local hours in a half-hour zone", () => {
    const calendar = new ZonedCalendar("Asia/Kolkata");
    expect(calendar.startOfHour(utc("2024-01-01T10:10:00Z"))).toBe(utc("2024-01-01T09:30:00Z"));
    expect(calendar.startOfDay(utc("2024-01-01T10:10:00Z"))).toBe(utc("2023-12-31T18:30:00Z"));
  });

  it("rejects unknown zones", () => {
    expect(() => new ZonedCalendar("Mars/Olympus")).toThrow(RangeError);
  });

  it("adds calendar days, not 24-hour steps", () => {
    const calendar = new ZonedCalendar("Europe/Brussels");
    const saturday = calendar.toUtc(Date.parse("2024-03-30T00:00:00Z"));
    expect(calendar.addDays(saturday, 2) - saturday).toBe(2 * DAY_MS - HOUR_MS);
  });
});
