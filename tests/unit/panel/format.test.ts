import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatBytes,
  formatDuration,
  formatEnergy,
  formatMoney,
  formatPercent,
  formatPower,
  formatReading,
  toEpochMs,
} from "../../../web/panel/src/format.js";

// Intl output may use narrow no-break spaces; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("panel formatting", () => {
  it("shows power in W below 1 kW and in kW with two decimals above, in the panel's language", () => {
    expect(formatPower("en", 532.4)).toBe("532 W");
    expect(formatPower("en", -1234)).toBe("-1.23 kW");
    expect(formatPower("de", 12_345)).toBe("12,35 kW");
    expect(formatPower("en", null)).toBe("–");
  });

  it("shows energy with fewer decimals as it grows", () => {
    expect(formatEnergy("en", 1.23456)).toBe("1.235 kWh");
    expect(formatEnergy("en", 12.3456)).toBe("12.35 kWh");
    expect(plain(formatEnergy("de", 12_345.67))).toBe("12.345,7 kWh");
    expect(formatEnergy("en", Number.NaN)).toBe("–");
  });

  it("converts Wh registers to kWh and keeps text registers as they are", () => {
    expect(formatReading("en", 12_345_678, "Wh")).toBe("12,345.7 kWh");
    expect(formatReading("en", 1500, "W")).toBe("1.50 kW");
    expect(formatReading("en", 230.1, "V")).toBe("230.1 V");
    expect(formatReading("en", 0.98, null)).toBe("0.98");
    expect(formatReading("en", "LGZ1030", null)).toBe("LGZ1030");
  });

  it("formats money as currency, or as number and code when the code is not ISO 4217", () => {
    expect(plain(formatMoney("de", 12.5, "EUR"))).toBe("12,50 €");
    expect(formatMoney("en", 3, "ct")).toBe("3.00 ct");
    expect(formatMoney("en", null, "EUR")).toBe("–");
  });

  it("tells ages, durations, sizes and percentages in short units", () => {
    expect(formatAge("en", 12_400)).toBe("12 sec. ago");
    expect(formatAge("en", 3 * 3_600_000 + 5)).toBe("3 hr. ago");
    expect(formatAge("en", -500)).toBe("0 sec. ago");
    expect(plain(formatDuration("en", 3 * 86_400 + 4 * 3600 + 59))).toBe("3 days 4 hr");
    expect(plain(formatDuration("en", 42))).toBe("42 sec");
    expect(formatBytes("en", 999)).toBe("999 B");
    expect(formatBytes("en", 12_345_678)).toBe("12.3 MB");
    expect(formatPercent("en", 7.25)).toBe("7.3%");
  });

  it("reads epoch ms and ISO times with offset alike", () => {
    expect(toEpochMs("2026-12-02T10:15:00+01:00")).toBe(Date.UTC(2026, 11, 2, 9, 15));
    expect(toEpochMs(1_000)).toBe(1_000);
    expect(toEpochMs("not a time")).toBeNull();
    expect(toEpochMs(null)).toBeNull();
  });
});
