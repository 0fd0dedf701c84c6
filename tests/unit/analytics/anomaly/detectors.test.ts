import { describe, expect, it } from "vitest";
import { BaseLoadDetector } from "../../../../src/analytics/anomaly/base-load.js";
import { DataStallDetector } from "../../../../src/analytics/anomaly/data-stall.js";
import { ExportLossDetector } from "../../../../src/analytics/anomaly/export-loss.js";
import { DEFAULT_HOUR_OF_WEEK, HourOfWeekDetector } from "../../../../src/analytics/anomaly/hour-of-week.js";
import { correlation, ScheduleShiftDetector } from "../../../../src/analytics/anomaly/schedule-shift.js";
import { SpikeDetector } from "../../../../src/analytics/anomaly/spike.js";
import { TotalBackwardsDetector } from "../../../../src/analytics/anomaly/total-backwards.js";
import { ZeroImportDetector } from "../../../../src/analytics/anomaly/zero-import.js";
import type { AnomalyEvent, HourDetector, HourObservation } from "../../../../src/analytics/anomaly/types.js";
import { H, household, START } from "./synthetic.js";

const hourOfWeek = (ms: number) => ((Math.floor((ms - START) / H) % 168) + 168) % 168;
const localHour = (ms: number) => new Date(ms).getUTCHours();
const dayStart = (ms: number) => ms - (ms % 86_400_000);

function replay(detector: HourDetector, hours: readonly HourObservation[]): AnomalyEvent[] {
  return hours.flatMap((h) => detector.observe(h));
}

function withChange(
  hours: HourObservation[],
  from: number,
  to: number,
  change: (h: HourObservation) => Partial<HourObservation>,
) {
  return hours.map((h, i) => (i >= from && i < to ? { ...h, ...change(h) } : h));
}

describe("hour-of-week detector", () => {
  const detector = () => new HourOfWeekDetector(hourOfWeek, DEFAULT_HOUR_OF_WEEK);

  it("stays quiet on a regular house", () => {
    expect(replay(detector(), household(120))).toEqual([]);
  });

  it("reports a large night-time excess as unusual consumption, with expected and observed energy", () => {
    const at = 100 * 24 + 2; // 02:00 on day 100
    const hours = withChange(household(120), at, at + 4, (h) => ({ importKwh: h.importKwh + 3 }));
    const events = replay(detector(), hours);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.kind).toBe("unusual-consumption");
    expect(event!.startMs).toBe(START + at * H);
    expect(event!.endMs).toBe(START + (at + 4) * H);
    expect(event!.observed - event!.expected).toBeCloseTo(12, 0);
    expect(event!.message).toMatch(/4 hours of unusually high consumption/);
  });

  it("calls a two-hour excess a spike", () => {
    const at = 100 * 24 + 2;
    const events = replay(
      detector(),
      withChange(household(120), at, at + 2, (h) => ({ importKwh: h.importKwh + 5 })),
    );
    expect(events.map((e) => [e.kind, (e.endMs - e.startMs) / H])).toEqual([["spike", 2]]);
    expect(events[0]!.message).toMatch(/^A spike over 2 hours: /);
  });

  it("leaves a single extreme hour to the spike detector", () => {
    const at = 100 * 24 + 3;
    const events = replay(
      detector(),
      withChange(household(120), at, at + 1, () => ({ importKwh: 8 })),
    );
    expect(events).toEqual([]);
  });

  it("judges a small excess against runs of its own size, not the house's big regular loads", () => {
    // A 10 kW process runs for 4 hours twice a week at varying times (like the 15-min bench file).
    const heavy = household(150).map((h, i) => {
      const day = Math.floor(i / 24);
      const from = 9 + (day % 5);
      const runs = day % 7 === 1 || day % 7 === 4;
      return runs && i % 24 >= from && i % 24 < from + 4 ? { ...h, importKwh: h.importKwh + 10 } : h;
    });
    const at = 129 * 24 + 1; // 01:00 on a day without the process
    const events = replay(
      detector(),
      withChange(heavy, at, at + 5, (h) => ({ importKwh: h.importKwh + 1.5 })),
    );
    expect(events.filter((e) => e.startMs === START + at * H)).toHaveLength(1);
  });

  it("says nothing during the learning period", () => {
    const at = 20 * 24 + 2;
    const events = replay(
      detector(),
      withChange(household(40), at, at + 4, (h) => ({ importKwh: h.importKwh + 3 })),
    );
    expect(events).toEqual([]);
  });
});

describe("spike detector", () => {
  const detector = () => new SpikeDetector(localHour);

  it("stays quiet on a regular house", () => {
    expect(replay(detector(), household(120))).toEqual([]);
  });

  it("reports one hour standing far above both neighbours, once the next hour is in", () => {
    const at = 100 * 24 + 3;
    const hours = withChange(household(120), at, at + 1, (h) => ({ importKwh: h.importKwh + 2.5 }));
    const d = detector();
    const when = hours.map((h) => d.observe(h).length);
    expect(when.indexOf(1)).toBe(at + 1);
    expect(when.reduce((a, b) => a + b, 0)).toBe(1);
    const event = replay(detector(), hours)[0]!;
    expect(event).toMatchObject({ kind: "spike", startMs: START + at * H, endMs: START + (at + 1) * H });
    expect(event.observed - event.expected).toBeCloseTo(2.5, 1);
    expect(event.message).toMatch(/^A spike: /);
  });

  it("leaves a two-hour load to the run detectors (a car's two-hour charge is no spike)", () => {
    const at = 100 * 24 + 2;
    const hours = withChange(household(120), at, at + 2, (h) => ({ importKwh: h.importKwh + 2.5 }));
    expect(replay(detector(), hours)).toEqual([]);
  });

  it("scales with the house: a spike of a small consumer is found, the same energy in a big house is not", () => {
    const at = 100 * 24 + 3;
    const scaled = (factor: number) => household(120).map((h) => ({ ...h, importKwh: h.importKwh * factor }));
    const small = withChange(scaled(0.1), at, at + 1, (h) => ({ importKwh: h.importKwh + 0.5 }));
    expect(replay(detector(), small).map((e) => e.kind)).toEqual(["spike"]);
    const big = withChange(scaled(10), at, at + 1, (h) => ({ importKwh: h.importKwh + 0.5 }));
    expect(replay(detector(), big)).toEqual([]);
  });

  it("learns a recurring load: a one-hour charge three times a week is the house's own pattern", () => {
    const charging = household(150).map((h, i) =>
      Math.floor(i / 24) % 7 < 3 && i % 24 === 13 ? { ...h, importKwh: h.importKwh + 6 + (i % 5) / 10 } : h,
    );
    // The first charges come during the learning period; later ones set the bar above themselves.
    expect(replay(detector(), charging)).toEqual([]);
  });

  it("ignores a burst below the house's busiest hours and a burst inside an unusual multi-hour run", () => {
    const at = 100 * 24 + 3;
    const small = withChange(household(120), at, at + 1, (h) => ({ importKwh: h.importKwh + 0.5 }));
    expect(replay(detector(), small)).toEqual([]);
    const run = withChange(household(120), at - 2, at + 3, (h) => ({ importKwh: h.importKwh + 8 }));
    const peak = withChange(run, at, at + 1, (h) => ({ importKwh: h.importKwh + 4 }));
    expect(replay(detector(), peak)).toEqual([]);
  });

  it("says nothing during the learning period", () => {
    const at = 20 * 24 + 3;
    const hours = withChange(household(40), at, at + 1, (h) => ({ importKwh: h.importKwh + 5 }));
    expect(replay(detector(), hours)).toEqual([]);
  });
});

describe("base-load CUSUM", () => {
  it("finds a durable 200 W rise within three days and dates its onset", () => {
    const from = 60 * 24;
    const hours = withChange(household(90), from, 90 * 24, (h) => ({ importKwh: h.importKwh + 0.2 }));
    const events = replay(new BaseLoadDetector(localHour, dayStart), hours);
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe("base-load-shift");
    expect(events[0]!.startMs).toBe(START + from * H);
    expect(events[0]!.endMs).toBeLessThanOrEqual(START + (from + 4 * 24) * H);
    expect(events[0]!.observed - events[0]!.expected).toBeCloseTo(0.2, 1);
    expect(events[0]!.message).toMatch(/rose from \d+ W to \d+ W/);
  });

  it("reports a step once: the return to the old level within weeks ends it silently", () => {
    // 20 nights before, 40 after: too long for the old level to count as a familiar one.
    const from = 20 * 24;
    const hours = withChange(household(100), from, from + 40 * 24, (h) => ({ importKwh: h.importKwh + 0.3 }));
    const events = replay(new BaseLoadDetector(localHour, dayStart), hours);
    expect(events.map((e) => e.message.match(/rose|fell/)![0])).toEqual(["rose"]);
  });

  it("finds a second step soon after the first (the reference keeps its history)", () => {
    const first = withChange(household(110), 60 * 24, 67 * 24, (h) => ({ importKwh: h.importKwh + 0.2 }));
    const hours = withChange(first, 75 * 24, 82 * 24, (h) => ({ importKwh: h.importKwh + 0.3 }));
    const events = replay(new BaseLoadDetector(localHour, dayStart), hours);
    expect(events.map((e) => e.startMs)).toEqual([START + 60 * 24 * H, START + 75 * 24 * H]);
  });

  it("learns a level the house often visits silently, and reports it once it outlasts the spells", () => {
    // Days 30–89: every other night 0.6 kW higher (heating nights); from day 90 every night.
    const hours = household(130).map((h, i) => {
      const day = Math.floor(i / 24);
      const high = (day >= 30 && day < 90 && day % 2 === 0) || day >= 90;
      return high ? { ...h, importKwh: h.importKwh + 0.6 } : h;
    });
    const events = replay(new BaseLoadDetector(localHour, dayStart), hours);
    // The first spells are news once; the alternating nights after them are not.
    expect(events.filter((e) => e.startMs > START + 35 * 24 * H && e.startMs < START + 85 * 24 * H)).toEqual(
      [],
    );
    const late = events.filter((e) => e.startMs >= START + 85 * 24 * H);
    expect(late).toHaveLength(1);
    // Reported once every night has stayed high for longer than the spells did, within two weeks.
    expect(late[0]!.endMs).toBeGreaterThan(START + (90 + 2) * 24 * H);
    expect(late[0]!.endMs).toBeLessThanOrEqual(START + (90 + 14) * 24 * H);
    expect(late[0]!.message).toMatch(/rose/);
  });

  it("reports a spell once, learns the same spell again silently, and reports it when it holds", () => {
    // 0.6 kW spells of 3 nights at days 40, 50 and 60 (heating nights), then from day 75 for good.
    const spell = (day: number) => [40, 50, 60].some((d) => day >= d && day < d + 3) || day >= 75;
    const hours = household(110).map((h, i) =>
      spell(Math.floor(i / 24)) ? { ...h, importKwh: h.importKwh + 0.6 } : h,
    );
    const events = replay(new BaseLoadDetector(localHour, dayStart), hours);
    expect(events.map((e) => Math.floor((e.startMs - START) / (24 * H)))).toEqual([40, 75]);
    expect(events[1]!.endMs - events[1]!.startMs).toBeLessThanOrEqual(8 * 24 * H);
  });

  it("ignores one night with something left on", () => {
    const hours = withChange(household(90), 60 * 24 + 1, 60 * 24 + 5, (h) => ({
      importKwh: h.importKwh + 0.5,
    }));
    expect(replay(new BaseLoadDetector(localHour, dayStart), hours)).toEqual([]);
  });
});

describe("schedule shift", () => {
  it("notices the daily pattern moving six hours later", () => {
    const base = household(70);
    const shifted = base.map((h, i) =>
      i >= 50 * 24 && i < 54 * 24 ? { ...h, importKwh: base[i - 6]!.importKwh } : h,
    );
    const events = replay(new ScheduleShiftDetector(localHour, dayStart), shifted);
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe("schedule-shift");
    expect(events[0]!.observed).toBe(6);
    expect(replay(new ScheduleShiftDetector(localHour, dayStart), base)).toEqual([]);
  });

  it("ignores recent days whose median profile looks moved while not every day is", () => {
    const base = household(70);
    // Two of three recent days moved: their median profile is moved, yet the third day is not.
    const twoDays = base.map((h, i) =>
      i >= 51 * 24 && i < 53 * 24 ? { ...h, importKwh: base[i - 6]!.importKwh } : h,
    );
    expect(replay(new ScheduleShiftDetector(localHour, dayStart), twoDays)).toEqual([]);
  });

  it("correlates circularly", () => {
    const a = Float64Array.from({ length: 24 }, (_, i) => (i === 5 ? 1 : 0));
    const b = Float64Array.from({ length: 24 }, (_, i) => (i === 8 ? 1 : 0));
    expect(correlation(a, b, 3)).toBeCloseTo(1, 12);
    expect(correlation(a, b, 0)).toBeLessThan(0);
  });
});

describe("data stall", () => {
  it("reports a gap longer than three hours once, with its extent", () => {
    const hours = withChange(household(20), 200, 210, () => ({ importKwh: Number.NaN }));
    const events = replay(new DataStallDetector(), hours);
    expect(events).toEqual([
      expect.objectContaining({
        kind: "data-stall",
        startMs: START + 200 * H,
        endMs: START + 210 * H,
        observed: 10,
      }),
    ]);
  });

  it("does not report a three-hour gap", () => {
    const hours = withChange(household(20), 200, 203, () => ({ importKwh: Number.NaN }));
    expect(replay(new DataStallDetector(), hours)).toEqual([]);
  });

  it("is about missing data only: measured zeros are no stall", () => {
    const zeros = withChange(household(20), 300, 330, () => ({ importKwh: 0 }));
    expect(replay(new DataStallDetector(), zeros)).toEqual([]);
  });
});

describe("zero import", () => {
  const detector = () => new ZeroImportDetector(localHour);
  /** Day d's hours [from, to) set to zero import. */
  const zeroDaylight = (hours: HourObservation[], days: number[], from = 9, to = 17) =>
    hours.map((h, i) =>
      days.includes(Math.floor(i / 24)) && i % 24 >= from && i % 24 < to ? { ...h, importKwh: 0 } : h,
    );

  it("reports a night without import in a house that always draws at night, once, after four night hours", () => {
    const at = 40 * 24 + 22; // 22:00 on day 40
    const events = replay(
      detector(),
      withChange(household(60), at, at + 12, () => ({ importKwh: 0 })),
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: "zero-import",
        startMs: START + at * H,
        endMs: START + (41 * 24 + 4) * H,
        observed: 6,
      }),
    ]);
    expect(events[0]!.message).toBe(
      "Imported nothing for 6 hours: not even at night (0:00–5:00), when this house drew energy every night of the last 28. The meter or its reading may have failed.",
    );
  });

  it("says the reading stopped when the export register stood still too", () => {
    const exporting = household(60).map((h) => ({
      ...h,
      exportKwh: new Date(h.startMs).getUTCHours() === 12 ? 1 : 0,
    }));
    const at = 40 * 24 + 22;
    const events = replay(
      detector(),
      withChange(exporting, at, at + 30, () => ({ importKwh: 0, exportKwh: 0 })),
    );
    expect(events.map((e) => e.message.slice(0, 46))).toEqual([
      "Neither import nor export moved for 6 hours: n",
    ]);
  });

  it("is silent on sunny-day zeros, from the first one on, and on a PV house's long daylight runs", () => {
    const sunny = zeroDaylight(household(120), [30, 31, 33, 40, 41, 42, 43, 44, 60, 61, 62, 90], 8, 19);
    const exporting = sunny.map((h) => (h.importKwh === 0 ? { ...h, exportKwh: 1.5 } : h));
    expect(replay(detector(), sunny)).toEqual([]);
    expect(replay(detector(), exporting)).toEqual([]);
  });

  it("reports 24 hours of zeros where the house never had one, saying it was exporting", () => {
    const at = 50 * 24 + 10;
    const day = withChange(household(70), at, at + 24, () => ({ importKwh: 0, exportKwh: 0.5 }));
    const events = replay(detector(), day);
    // Exporting through the night is a battery's doing, so no night alarm; the whole day is news.
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "zero-import", startMs: START + at * H, observed: 24 });
    expect(events[0]!.message).toBe(
      "Imported nothing for 24 hours while exporting 12.0 kWh: this house has not gone a whole day without import in the 51 days known. Unless a battery covers the house, the import reading may have failed.",
    );
  });

  it("learns a house whose nights can be zero (a battery) and then reports only a run beyond its longest", () => {
    // Every night zero: the night rule never applies; the first 30-h run is news, a later one of that
    // length is the house's normal, a run of 54 h is not.
    let hours = household(200).map((h, i) => (i % 24 < 6 ? { ...h, importKwh: 0 } : h));
    hours = withChange(hours, 30 * 24 + 6, 31 * 24 + 12, () => ({ importKwh: 0 })); // 0:00 d30 … 12:00 d31
    hours = withChange(hours, 80 * 24 + 6, 81 * 24 + 12, () => ({ importKwh: 0 }));
    hours = withChange(hours, 150 * 24 + 6, 152 * 24 + 12, () => ({ importKwh: 0 }));
    const events = replay(detector(), hours);
    expect(events.map((e) => [e.kind, (e.startMs - START) / H])).toEqual([
      ["zero-import", 30 * 24],
      ["zero-import", 150 * 24],
    ]);
  });

  it("ends a run at missing data and says nothing while still learning", () => {
    const gap = withChange(household(60), 40 * 24 + 12, 40 * 24 + 14, () => ({ importKwh: Number.NaN }));
    const split = withChange(gap, 40 * 24, 40 * 24 + 12, () => ({ importKwh: 0 }));
    const both = withChange(split, 40 * 24 + 14, 41 * 24 + 2, () => ({ importKwh: 0 }));
    expect(replay(detector(), both).map((e) => e.observed)).toEqual([4]);
    expect(
      replay(
        detector(),
        withChange(household(10), 72, 120, () => ({ importKwh: 0 })),
      ),
    ).toEqual([]);
  });
});

describe("total going backwards", () => {
  it("reports any decrease beyond the register resolution at once", () => {
    const detector = new TotalBackwardsDetector(0.001);
    const registers = [100, 100.5, 100.5, 100.4995, 90, 91];
    const events = registers.flatMap((r, i) =>
      detector.observe({ startMs: START + i * H, importKwh: 0.5, importRegisterKwh: r }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "total-backwards",
      startMs: START + 4 * H,
      expected: 100.4995,
      observed: 90,
    });
  });
});

describe("export loss", () => {
  const sunny = (days: number) =>
    household(days).map((h) => ({
      ...h,
      exportKwh: localHour(h.startMs) >= 10 && localHour(h.startMs) < 16 ? 0.8 : 0,
    }));

  it("reports three whole days of zero export after a month of exporting", () => {
    const hours = withChange(sunny(50), 40 * 24, 50 * 24, () => ({ exportKwh: 0 }));
    const events = replay(new ExportLossDetector(dayStart), hours);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "export-loss",
      startMs: START + 40 * 24 * H,
      endMs: START + 43 * 24 * H,
    });
    expect(events[0]!.expected).toBeCloseTo(4.8, 6);
  });

  it("ignores a house that never exports, and meters without an export register", () => {
    const noExport = household(50).map((h) => ({ ...h, exportKwh: 0 }));
    expect(replay(new ExportLossDetector(dayStart), noExport)).toEqual([]);
    expect(replay(new ExportLossDetector(dayStart), household(50))).toEqual([]);
  });
});
