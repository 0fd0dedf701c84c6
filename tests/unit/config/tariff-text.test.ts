import { describe, expect, it } from "vitest";
import { parseHours, parseMonths, parseWeekdays } from "../../../src/config/tariff-text.js";

describe("the text forms of time-of-use windows", () => {
  it.each([
    ["mon-fri", [1, 2, 3, 4, 5]],
    ["1-5", [1, 2, 3, 4, 5]],
    ["Sat,Sun", [6, 7]],
    ["fri-mon", [1, 5, 6, 7]],
    ["1-3, 5", [1, 2, 3, 5]],
    ["8", null],
    ["monday", null],
  ])("weekdays %s", (text, days) => {
    expect(parseWeekdays(text)).toEqual(days);
  });

  it.each([
    ["nov-feb", [1, 2, 11, 12]],
    ["4-9", [4, 5, 6, 7, 8, 9]],
    ["jan,Dec", [1, 12]],
    ["13", null],
  ])("months %s", (text, months) => {
    expect(parseMonths(text)).toEqual(months);
  });

  it.each([
    ["07-20", [{ fromHour: 7, toHour: 20 }]],
    ["22-06", [{ fromHour: 22, toHour: 6 }]],
    [
      "06:30-12, 13-20:15",
      [
        { fromHour: 6.5, toHour: 12 },
        { fromHour: 13, toHour: 20.25 },
      ],
    ],
    ["00-24", [{ fromHour: 0, toHour: 24 }]],
  ])("hours %s", (text, ranges) => {
    expect(parseHours(text)).toEqual({ ok: true, ranges });
  });

  it.each([
    ["24-06", '"24-06" starts at 24:00 or later; a day starts at 00'],
    ["07-25", '"07-25" ends after 24:00'],
    ["07:75-08", '"07:75-08" has minutes beyond 59'],
    ["12-12", '"12-12" starts where it ends; write 00-24 for the whole day'],
    ["7 to 8", '"7 to 8" is not written like 07-20 or 06:30-21:30'],
  ])("refuses hours %s", (text, why) => {
    expect(parseHours(text)).toEqual({ ok: false, why });
  });
});
