/**
 * Hand-worked tariff examples. Each expected value is computed in the comment above it, by hand,
 * from the tariff as written; none is copied from the engine's output.
 */
import { describe, expect, it } from "vitest";
import { CostLedger, computeCosts } from "../../../../src/analytics/cost/ledger.js";
import type { MeteredInterval, Tariff, TariffVersion } from "../../../../src/analytics/cost/types.js";
import { HOUR_MS, ZonedCalendar } from "../../../../src/time/zoned.js";

const Q = 15 * 60_000;

/** One interval per `stepMs` over the local day `date`, each with `kwh` import. */
function localDay(zone: string, date: string, stepMs: number, kwh: (i: number) => number): MeteredInterval[] {
  const calendar = new ZonedCalendar(zone);
  const start = calendar.toUtc(Date.parse(`${date}T00:00:00Z`));
  const end = calendar.addDays(start, 1);
  const out: MeteredInterval[] = [];
  for (let ms = start, i = 0; ms < end; ms += stepMs, i++) {
    out.push({ startMs: ms, endMs: ms + stepMs, importKwh: kwh(i), exportKwh: 0 });
  }
  return out;
}

const tariff = (zone: string, ...versions: TariffVersion[]): Tariff => ({
  timeZone: zone,
  currency: "EUR",
  versions,
});

describe("fixed price with levies, VAT and a daily standing charge", () => {
  it("prices the 23-hour spring day in Vienna", () => {
    const t = tariff("Europe/Vienna", {
      validFrom: "2024-01-01",
      import: { kind: "fixed", pricePerKwh: 0.2 },
      importLeviesPerKwh: 0.05,
      vatRate: 0.2,
      standingChargePerDay: 0.3,
    });
    const { ledger, intervals } = computeCosts(
      t,
      localDay("Europe/Vienna", "2024-03-31", HOUR_MS, () => 1),
    );
    expect(intervals).toHaveLength(23);
    // (0.20 + 0.05) × 1.2 = 0.30 per kWh
    expect(intervals[0]!.allInPricePerKwh).toBeCloseTo(0.3, 12);
    const day = ledger.summary("day", intervals[0]!.startMs);
    // 23 kWh × 0.30 = 6.90; standing 0.30 × 1.2 = 0.36; net 7.26
    expect(day.importKwh).toBe(23);
    expect(day.importCost).toBeCloseTo(6.9, 10);
    expect(day.standingCharges).toBeCloseTo(0.36, 12);
    expect(day.netCost).toBeCloseTo(7.26, 10);
  });
});

describe("time of use", () => {
  const zurich = tariff("Europe/Zurich", {
    validFrom: "2024-01-01",
    holidays: ["2024-08-01"],
    import: {
      kind: "time-of-use",
      otherwisePerKwh: 0.2,
      rates: [
        {
          name: "winter high",
          pricePerKwh: 0.35,
          windows: [{ weekdays: [1, 2, 3, 4, 5], fromHour: 7, toHour: 20, months: [11, 12, 1, 2] }],
        },
        {
          name: "high",
          pricePerKwh: 0.3,
          windows: [
            { weekdays: [1, 2, 3, 4, 5], fromHour: 7, toHour: 20 },
            { weekdays: [6], fromHour: 7, toHour: 13 },
          ],
        },
        { name: "night", pricePerKwh: 0.15, windows: [{ fromHour: 22, toHour: 6 }] },
      ],
    },
  });
  const ledger = new CostLedger(zurich);
  const at = (local: string) => ledger.calendar.toUtc(Date.parse(`${local}Z`));

  it.each([
    ["2024-08-02T10:00:00", 0.3], // Friday, 07–20
    ["2024-08-01T10:00:00", 0.2], // Thursday, but Swiss National Day: priced like a Sunday
    ["2024-08-03T12:00:00", 0.3], // Saturday 07–13
    ["2024-08-03T14:00:00", 0.2], // Saturday afternoon
    ["2024-12-02T08:00:00", 0.35], // Monday in winter: the season rate comes first
    ["2024-12-02T06:00:00", 0.2], // before 07, after the night window
    ["2024-12-02T23:00:00", 0.15], // the night window wraps midnight
    ["2024-12-03T05:00:00", 0.15],
  ])("%s costs %f", (local, price) => {
    expect(ledger.currentPrice(at(local))).toBeCloseTo(price, 12);
  });

  it("prices both copies of the repeated hour on the 25-hour autumn Sunday", () => {
    const { ledger: day } = computeCosts(
      zurich,
      localDay("Europe/Zurich", "2024-10-27", HOUR_MS, () => 1),
    );
    // Night (22–06): 00,01,02,02,03,04,05 and 22,23 = 9 h × 0.15 = 1.35; Sunday 06–22: 16 h × 0.20 = 3.20
    const summary = day.summary("day", day.calendar.toUtc(Date.parse("2024-10-27T12:00:00Z")));
    expect(summary.importKwh).toBe(25);
    expect(summary.importCost).toBeCloseTo(4.55, 10);
  });
});

describe("dynamic prices and export compensation", () => {
  const amsterdam = new ZonedCalendar("Europe/Amsterdam");
  const start = amsterdam.toUtc(Date.parse("2024-01-01T00:00:00Z"));
  const dynamic = tariff("Europe/Amsterdam", {
    validFrom: "2024-01-01",
    import: {
      kind: "dynamic",
      markupPerKwh: 0.02,
      series: { startMs: start, stepMinutes: 15, pricesPerKwh: [0.1, 0.2, 0.3, 0.4, 0.5] },
    },
    export: {
      kind: "dynamic",
      markupPerKwh: 0,
      series: { startMs: start, stepMinutes: 15, pricesPerKwh: [0.1, 0.2, 0.3, 0.4, 0.5] },
    },
    vatRate: 0.21,
  });

  it("gives an hourly reading the mean of its four quarter-hour prices", () => {
    const { intervals } = computeCosts(dynamic, [
      { startMs: start, endMs: start + HOUR_MS, importKwh: 2, exportKwh: 3 },
    ]);
    // mean(0.1, 0.2, 0.3, 0.4) = 0.25; + 0.02 markup = 0.27; × 1.21 = 0.3267 per kWh; × 2 kWh = 0.6534
    expect(intervals[0]!.allInPricePerKwh).toBeCloseTo(0.3267, 12);
    expect(intervals[0]!.importCost).toBeCloseTo(0.6534, 12);
    // export: 3 kWh × 0.25 = 0.75 (no VAT on compensation); net 0.6534 − 0.75
    expect(intervals[0]!.exportCredit).toBeCloseTo(0.75, 12);
    expect(intervals[0]!.netEnergyCost).toBeCloseTo(-0.0966, 12);
  });

  it("prices a quarter hour at its own price and counts unpriced intervals", () => {
    const q = start + HOUR_MS;
    const { intervals, ledger } = computeCosts(dynamic, [
      { startMs: q, endMs: q + Q, importKwh: 1, exportKwh: 0 },
      { startMs: q + Q, endMs: q + 2 * Q, importKwh: 1, exportKwh: 0 },
    ]);
    // (0.50 + 0.02) × 1.21 = 0.6292
    expect(intervals[0]!.importCost).toBeCloseTo(0.6292, 12);
    expect(Number.isNaN(intervals[1]!.importCost)).toBe(true);
    const day = ledger.summary("day", q);
    expect(day.unpricedIntervals).toBe(1);
    expect(day.importCost).toBeCloseTo(0.6292, 12);
  });

  it("credits fixed feed-in compensation", () => {
    const t = tariff("Europe/Amsterdam", {
      validFrom: "2024-01-01",
      import: { kind: "fixed", pricePerKwh: 0.3 },
      export: { kind: "fixed", pricePerKwh: 0.08 },
    });
    const { ledger } = computeCosts(t, [
      { startMs: start, endMs: start + HOUR_MS, importKwh: 1, exportKwh: 3 },
    ]);
    // 1 × 0.30 − 3 × 0.08 = 0.06
    expect(ledger.summary("total").netCost).toBeCloseTo(0.06, 12);
  });
});

describe("capacity tariffs", () => {
  it("Belgium: the month's highest quarter-hour average, at least 2.5 kW", () => {
    const t = tariff("Europe/Brussels", {
      validFrom: "2024-01-01",
      import: { kind: "fixed", pricePerKwh: 0 },
      vatRate: 0.21,
      capacity: { kind: "monthly-15min-peak", pricePerKwMonth: 4, minimumKw: 2.5 },
    });
    // 31 March 2024 is the 23-hour day; quarter 40 (11:00–11:15 local) takes 1.5 kWh = 6 kW.
    const march = localDay("Europe/Brussels", "2024-03-31", Q, (i) => (i === 40 ? 1.5 : 0.5));
    const april = localDay("Europe/Brussels", "2024-04-01", Q, () => 0.25); // 1 kW all day
    const { ledger } = computeCosts(t, [...march, ...april]);
    // March: 6 kW × 4.00 × 1.21 = 29.04
    expect(ledger.capacity(march[0]!.startMs)).toEqual({ peakKw: 6, charge: expect.closeTo(29.04, 10) });
    // April: 1 kW is below the minimum: 2.5 kW × 4.00 × 1.21 = 12.10
    expect(ledger.capacity(april[0]!.startMs)!.charge).toBeCloseTo(12.1, 10);
    expect(ledger.summary("total").capacityCost).toBeCloseTo(41.14, 10);
  });

  it("Norway: mean of the three highest daily hourly peaks selects the step", () => {
    const t = tariff("Europe/Oslo", {
      validFrom: "2024-01-01",
      import: { kind: "fixed", pricePerKwh: 0 },
      capacity: {
        kind: "top3-daily-hourly-peaks",
        steps: [
          { upToKw: 2, pricePerMonth: 200 },
          { upToKw: 5, pricePerMonth: 300 },
          { upToKw: 10, pricePerMonth: 450 },
          { upToKw: 1e9, pricePerMonth: 700 },
        ],
      },
    });
    // Daily maxima 3, 7, 4, 6, 2 kWh/h (day 2 also has a 6.5 h, which does not count twice).
    const peaks: Record<number, number[]> = { 1: [3], 2: [7, 6.5], 3: [4], 4: [6], 5: [2] };
    const intervals = [1, 2, 3, 4, 5].flatMap((d) =>
      localDay("Europe/Oslo", `2024-10-0${d}`, HOUR_MS, (h) => peaks[d]![h - 17] ?? 1),
    );
    const { ledger } = computeCosts(t, intervals);
    // top three: 7, 6, 4 → mean 5.667 kW → the "up to 10 kW" step: 450
    const state = ledger.capacity(intervals[0]!.startMs)!;
    expect(state.peakKw).toBeCloseTo(17 / 3, 12);
    expect(state.charge).toBe(450);
  });
});

describe("validity periods and standing charges", () => {
  const first: TariffVersion = { validFrom: "2024-01-01", import: { kind: "fixed", pricePerKwh: 0.2 } };
  const second: TariffVersion = { validFrom: "2024-07-01", import: { kind: "fixed", pricePerKwh: 0.3 } };
  const june30 = localDay("Europe/Vienna", "2024-06-30", HOUR_MS, () => 1);
  const july1 = localDay("Europe/Vienna", "2024-07-01", HOUR_MS, () => 1);

  it("a new version changes costs only from its local start date", () => {
    const before = computeCosts(tariff("Europe/Vienna", first), [...june30, ...july1]).intervals;
    const after = computeCosts(tariff("Europe/Vienna", first, second), [...june30, ...july1]).intervals;
    expect(after.slice(0, 24)).toEqual(before.slice(0, 24));
    // 1 kWh at 0.30 from local midnight 1 July (22:00 UTC on 30 June)
    expect(after[24]!.startMs).toBe(Date.parse("2024-06-30T22:00:00Z"));
    expect(after[24]!.importCost).toBeCloseTo(0.3, 12);
    expect(before[24]!.importCost).toBeCloseTo(0.2, 12);
  });

  it("spreads a monthly charge pro rata, a whole share even on the 23-hour day", () => {
    const t = tariff("Europe/Vienna", { ...first, standingChargePerMonth: 31 });
    const { ledger } = computeCosts(t, [
      ...localDay("Europe/Vienna", "2024-03-30", HOUR_MS, () => 0),
      ...localDay("Europe/Vienna", "2024-03-31", HOUR_MS, () => 0),
    ]);
    // 31.00 / 31 days = 1.00 per day, two days booked
    expect(ledger.summary("day", Date.parse("2024-03-31T10:00:00Z")).standingCharges).toBeCloseTo(1, 12);
    expect(ledger.summary("month", Date.parse("2024-03-31T10:00:00Z")).standingCharges).toBeCloseTo(2, 12);
  });

  it("refuses a malformed validFrom", () => {
    expect(() => new CostLedger(tariff("Europe/Vienna", { ...first, validFrom: "1 July" }))).toThrow(
      /YYYY-MM-DD/,
    );
  });
});
