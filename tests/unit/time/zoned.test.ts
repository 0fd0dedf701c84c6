import { describe, expect, it } from "vitest";
import { Temporal } from "temporal-polyfill";
import { DAY_MS, HOUR_MS, MINUTE_MS, ZonedCalendar } from "../../../src/time/zoned.js";

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
    expect(calendar.hourOfDay(ms)).toBe(0);
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

/** The host's Intl (ICU tz data) as an independent oracle: the offset it prints for an instant, in ms. */
function intlOffsetMs(zone: string, ms: number): number {
  const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(new Date(ms))
    .find((p) => p.type === "timeZoneName")!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(part);
  if (!m) throw new Error(`unexpected offset ${part}`);
  if (m[1] === undefined) return 0;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return (m[1] === "-" ? -1 : 1) * seconds * 1000;
}

describe("ZonedCalendar on historic offsets", () => {
  it("changes Monrovia's −00:44:30 to UTC at 00:44:30 UTC on 7 January 1972, to the second", () => {
    const calendar = new ZonedCalendar("Africa/Monrovia");
    const change = utc("1972-01-07T00:44:30Z");
    expect(calendar.offsetMs(change - 1000)).toBe(-(44 * 60 + 30) * 1000);
    expect(calendar.offsetMs(change)).toBe(0);
    expect(calendar.formatIso(change - 1000)).toBe("1972-01-06T23:59:59-00:44:30");
    expect(calendar.formatIso(change)).toBe("1972-01-07T00:44:30+00:00");
    expect(calendar.parts(change)).toMatchObject({ day: 7, hour: 0, minute: 44, second: 30 });
  });

  it("starts Monrovia's 7 January 1972 at 00:44:30, the local midnight it skipped", () => {
    const calendar = new ZonedCalendar("Africa/Monrovia");
    const start = calendar.startOfDay(utc("1972-01-07T12:00:00Z"));
    expect(start).toBe(utc("1972-01-07T00:44:30Z"));
    expect((calendar.addDays(start, 1) - start) / 1000).toBe(23 * 3600 + 15 * 60 + 30);
    const gap = Date.parse("1972-01-07T00:30:00Z");
    expect(() => calendar.toUtc(gap, "reject")).toThrow(/does not exist/);
    expect(calendar.toUtc(gap, "earlier")).toBe(utc("1972-01-07T01:14:30Z")); // moved on by the gap
  });

  it("follows Kolkata from Madras time (+05:21:10) to +05:30 in 1906 and through the 1942 fold", () => {
    const calendar = new ZonedCalendar("Asia/Kolkata");
    expect(calendar.formatIso(utc("1905-12-31T18:38:49Z"))).toBe("1905-12-31T23:59:59+05:21:10");
    expect(calendar.formatIso(utc("1905-12-31T18:38:50Z"))).toBe("1906-01-01T00:08:50+05:30");
    expect(calendar.startOfDay(utc("1906-01-01T06:00:00Z"))).toBe(utc("1905-12-31T18:38:50Z"));
    // War time +06:30 ended at midnight on 15 May 1942: 23:00–24:00 on the 14th happened twice.
    const wall = Date.parse("1942-05-14T23:30:00Z");
    expect(calendar.toUtc(wall, "earlier")).toBe(utc("1942-05-14T17:00:00Z"));
    expect(calendar.toUtc(wall, "later")).toBe(utc("1942-05-14T18:00:00Z"));
    expect(() => calendar.toUtc(wall, "reject")).toThrow(/twice/);
  });

  it("moves Dublin from Dublin Mean Time (−00:25:21) to Irish Summer Time (+00:34:39) in 1916", () => {
    const calendar = new ZonedCalendar("Europe/Dublin");
    expect(calendar.formatIso(utc("1916-05-21T02:25:20Z"))).toBe("1916-05-21T01:59:59-00:25:21");
    expect(calendar.formatIso(utc("1916-05-21T02:25:21Z"))).toBe("1916-05-21T03:00:00+00:34:39");
    const gap = Date.parse("1916-05-21T02:30:00Z");
    expect(calendar.isUnambiguous(gap)).toBe(false);
    expect(calendar.toUtc(gap)).toBe(utc("1916-05-21T02:55:21Z")); // 03:30 IST
  });

  it("agrees with Intl on both sides of every transition since 1890, queried newest first", () => {
    for (const zone of [
      "Africa/Monrovia",
      "Europe/Dublin",
      "Asia/Kolkata",
      "America/St_Johns",
      "Europe/Vienna",
    ]) {
      const calendar = new ZonedCalendar(zone);
      const instants: number[] = [];
      // Both sides of each transition, walking back from 2000 so the cache fills against time.
      let at = Temporal.Instant.from("2000-01-01T00:00:00Z").toZonedDateTimeISO(zone);
      for (
        let t = at.getTimeZoneTransition("previous");
        t && t.year >= 1890;
        t = t.getTimeZoneTransition("previous")
      ) {
        instants.push(t.epochMilliseconds - 1000, t.epochMilliseconds, t.epochMilliseconds + 30 * MINUTE_MS);
        at = t;
      }
      expect(instants.length).toBeGreaterThan(3);
      for (const ms of instants)
        expect(calendar.offsetMs(ms), `${zone} ${new Date(ms).toISOString()}`).toBe(intlOffsetMs(zone, ms));
    }
  });

  it("rejects a fixed offset where an IANA zone is expected", () => {
    expect(() => new ZonedCalendar("+01:00")).toThrow(RangeError);
  });
});
